package org.vistabench.arch;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Optional;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package layering of docs/ARCHITECTURE.md as rules, stated relative to a root package so that the rules
 * themselves can be tested on a small fixture tree ({@code LayersRuleTest}). Lower layers come first; a class may
 * depend on its own layer and on layers below it, never above. {@code cli} is the top: nobody imports it.
 */
public final class Layers {
    /** Each layer's packages (relative to the root; a package covers its subpackages), bottom first. */
    public static final List<List<String>> ORDER = List.of(
            List.of("core"),
            List.of("io", "tensor", "score"),
            List.of("spec", "hf"),
            List.of("data", "model.lm", "model.vision", "model.sae", "model.projector", "optim"),
            List.of("model.vlm"),
            List.of("train", "world"),
            List.of("results"),
            List.of("cell"),
            List.of("eval", "golden", "report", "parity"),
            List.of("run"),
            List.of("cli"));

    private Layers() {
    }

    /** The layer index of a package under {@code root}, if it belongs to one. */
    static Optional<Integer> rank(String root, String pkg) {
        for (int i = 0; i < ORDER.size(); i++) {
            for (String p : ORDER.get(i)) {
                String full = root + "." + p;
                if (pkg.equals(full) || pkg.startsWith(full + ".")) {
                    return Optional.of(i);
                }
            }
        }
        return Optional.empty();
    }

    /** Every class under {@code root} lives in a declared layer (a new package must be placed, not slip through). */
    public static ArchRule everyPackageHasALayer(String root) {
        return classes().that().resideInAPackage(root + "..").should(new ArchCondition<JavaClass>("live in a layer") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                if (rank(root, c.getPackageName()).isEmpty()) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " is in package " + c.getPackageName()
                            + ", which no layer of arch.Layers.ORDER names"));
                }
            }
        });
    }

    /** No class depends on a class of a higher layer (so nobody below the top imports {@code cli}). */
    public static ArchRule dependenciesPointDown(String root) {
        return classes().that().resideInAPackage(root + "..").should(new ArchCondition<JavaClass>(
                "depend only on their own or lower layers") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                Optional<Integer> from = rank(root, c.getPackageName());
                if (from.isEmpty()) {
                    return;
                }
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    Optional<Integer> to = rank(root, d.getTargetClass().getPackageName());
                    if (to.isPresent() && to.get() > from.get()) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription() + " points up: layer "
                                + ORDER.get(from.get()) + " -> " + ORDER.get(to.get())));
                    }
                }
            }
        });
    }

    /** No two packages under {@code root} import each other, directly or through others. */
    public static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    public static List<ArchRule> all(String root) {
        return List.of(everyPackageHasALayer(root), dependenciesPointDown(root), noPackageCycles(root));
    }
}
