package org.vistabench.world.encoders;

/** The three HF vision formats the stage writes; each fixes tensor names, the final norm and the activation. */
enum Family {
    /** HF {@code Dinov2Model}: CLS + patches, layer-scale, final layernorm, exact GELU. */
    DINOV2("dinov2", true, "gelu", 1e-6),
    /** HF {@code CLIPVisionModel}: class embedding + patches, pre-layernorm, no final norm, quick GELU. */
    CLIP("clip_vision_model", true, "quick_gelu", 1e-5),
    /** HF {@code IJepaModel}: patches only, final layernorm, exact GELU. */
    IJEPA("ijepa", false, "gelu", 1e-6);

    final String modelType;
    final boolean cls;
    final String act;
    final double eps;

    Family(String modelType, boolean cls, String act, double eps) {
        this.modelType = modelType;
        this.cls = cls;
        this.act = act;
        this.eps = eps;
    }
}
