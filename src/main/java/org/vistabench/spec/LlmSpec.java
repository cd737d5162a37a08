package org.vistabench.spec;

/** A frozen LLM with its text SAEs. */
public record LlmSpec(String id, String path, SaeSpec saes) {
}
