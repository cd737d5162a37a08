package org.vistabench.model.lm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.vistabench.io.Json;

/**
 * A Hugging Face {@code tokenizer.json} (via DJL's bundled Rust tokenizers, offline). Encoding adds no special
 * tokens: prompts carry their own BOS (see {@link ChatTemplate}); special tokens written in the text, such as
 * {@code <bos>} or {@code <start_of_turn>}, are recognised as the tokenizer's added tokens.
 */
public final class Tokenizer implements AutoCloseable {
    private final Path file;
    private final HuggingFaceTokenizer hf;
    private final Map<String, Long> specials;
    private final JsonNode vocab;

    private Tokenizer(Path file, HuggingFaceTokenizer hf, Map<String, Long> specials, JsonNode vocab) {
        this.file = file;
        this.hf = hf;
        this.specials = specials;
        this.vocab = vocab;
    }

    /** Loads {@code dir/tokenizer.json} (or the given file). */
    public static Tokenizer load(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("tokenizer.json") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new LmFormatException(file + ": tokenizer.json not found");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new LmFormatException(file + ": not valid JSON: " + Json.why(e), e);
        }
        JsonNode vocab = root.path("model").path("vocab");
        if ((vocab.isObject() || vocab.isArray()) && vocab.isEmpty()) {
            throw new LmFormatException(file + ": model.vocab is empty: the tokenizer has no tokens to encode with");
        }
        Map<String, Long> specials = new TreeMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            specials.put(t.path("content").asText(), t.path("id").asLong());
        }
        HuggingFaceTokenizer hf;
        try {
            // no truncation/padding and no template specials: the caller decides what goes into a prompt
            hf = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false",
                    "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new LmFormatException(file + ": cannot load tokenizer: " + e.getMessage(), e);
        }
        return new Tokenizer(file, hf, specials, vocab);
    }

    public Path file() {
        return file;
    }

    /** Token ids of {@code text}, nothing added. */
    public long[] encode(String text) {
        try {
            return hf.encode(text, false, false).getIds();
        } catch (RuntimeException e) {
            // the native tokenizer's errors ("WordLevel error") do not say which file
            throw new LmFormatException(file + ": cannot encode \"" + (text.length() > 40 ? text.substring(0, 40)
                    + "..." : text) + "\": " + e.getMessage(), e);
        }
    }

    /** Text of {@code ids}, special tokens kept. */
    public String decode(long[] ids) {
        return hf.decode(ids, false);
    }

    /** Text of {@code ids}; with {@code skipSpecial} special tokens (eos, turn markers) are dropped. */
    public String decode(long[] ids, boolean skipSpecial) {
        return hf.decode(ids, skipSpecial);
    }

    /** The id of one token (an added/special token or a vocabulary entry), if the tokenizer has it. */
    public OptionalLong tokenId(String token) {
        Long s = specials.get(token);
        if (s != null) {
            return OptionalLong.of(s);
        }
        if (vocab.isObject() && vocab.has(token)) {
            return OptionalLong.of(vocab.get(token).asLong());
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        hf.close();
    }
}
