package org.vistabench.train;

import java.util.List;
import org.vistabench.model.projector.VisualPrompt;

/**
 * The examples of one training stage with the prompt they follow: either the spec's shared question inside the
 * prompt (every example's {@link TrainExample#context()} is 0), or a prompt that ends right after the image with a
 * common separator and each example's own question fed as its no-loss context.
 */
public record PromptedExamples(VisualPrompt prompt, List<TrainExample> examples) {
    public PromptedExamples {
        examples = List.copyOf(examples);
    }
}
