package org.vistabench.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The production code keeps the layering of {@link Layers}. */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.vistabench");
    }

    @Test
    void everyMainPackageIsPlacedInALayer() {
        Layers.everyPackageHasALayer("org.vistabench").check(main);
    }

    @Test
    void dependenciesPointDownTheLayers() {
        Layers.dependenciesPointDown("org.vistabench").check(main);
    }

    @Test
    void packagesHaveNoCycles() {
        Layers.noPackageCycles("org.vistabench").check(main);
    }
}
