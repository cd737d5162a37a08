package org.vistabench.model.projector;

import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/** LLaVA's {@code mm_projector_type} values we support. */
public enum ProjectorKind {
    MLP2X_GELU("mlp2x_gelu"), LINEAR("linear");

    private final String specName;

    ProjectorKind(String specName) {
        this.specName = specName;
    }

    /** The name in specs and in LLaVA configs. */
    public String specName() {
        return specName;
    }

    public static ProjectorKind parse(String name) {
        for (ProjectorKind k : values()) {
            if (k.specName.equals(name)) {
                return k;
            }
        }
        throw new VistaException(ExitCodes.USAGE, "train.projector: expected mlp2x_gelu or linear, got '" + name + "'");
    }
}
