package org.vistabench.golden;

import java.util.Optional;
import org.vistabench.spec.Cell;

/** The coordinates a claim can select on; the seed is not one of them because claims speak about seed means. */
public enum Coordinate {
    ENCODER("encoder"), LLM("llm"), SAE_LAYERS("sae_layers"), CONTROL("control");

    private final String key;

    Coordinate(String key) {
        this.key = key;
    }

    /** The key as written in golden files and in {@code metrics.csv}. */
    public String key() {
        return key;
    }

    public String of(Cell cell) {
        return switch (this) {
            case ENCODER -> cell.encoder();
            case LLM -> cell.llm();
            case SAE_LAYERS -> cell.saeLayers();
            case CONTROL -> cell.control();
        };
    }

    public static Optional<Coordinate> byKey(String key) {
        for (Coordinate c : values()) {
            if (c.key.equals(key)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
