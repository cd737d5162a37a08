package org.vistabench.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@link Layers} catch what they claim to: on the fixture tree {@code arch.fixture}, where
 * {@code core.Base} imports {@code cli.Top} and {@code model.lm} and {@code tensor} import each other.
 */
class LayersRuleTest {
    private static final String ROOT = "org.vistabench.arch.fixture";
    private final JavaClasses fixture = new ClassFileImporter().importPackages(ROOT);

    @Test
    void lowerPackageImportingCliFails() {
        EvaluationResult r = Layers.dependenciesPointDown(ROOT).evaluate(fixture);
        assertTrue(r.hasViolation(), "a core class importing cli must violate the layering");
        String report = String.join("\n", r.getFailureReport().getDetails());
        assertTrue(report.contains("Base") && report.contains("[cli]"), report);
    }

    @Test
    void packageCycleFails() {
        EvaluationResult r = Layers.noPackageCycles(ROOT).evaluate(fixture);
        assertTrue(r.hasViolation(), "model.lm <-> tensor must be reported as a cycle");
        String report = String.join("\n", r.getFailureReport().getDetails());
        assertTrue(report.contains("model.lm") && report.contains("tensor"), report);
    }

    @Test
    void cleanPartOfTheTreePasses() {
        JavaClasses top = new ClassFileImporter().importPackages(ROOT + ".cli");
        assertFalse(Layers.dependenciesPointDown(ROOT).evaluate(top).hasViolation());
        assertFalse(Layers.noPackageCycles(ROOT).evaluate(top).hasViolation());
    }

    @Test
    void packageOutsideEveryLayerFails() {
        JavaClasses other = new ClassFileImporter().importClasses(LayersRuleTest.class);
        EvaluationResult r = Layers.everyPackageHasALayer("org.vistabench").evaluate(other);
        assertTrue(r.hasViolation(), "arch is no layer of the production tree");
    }
}
