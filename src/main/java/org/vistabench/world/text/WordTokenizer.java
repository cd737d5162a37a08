package org.vistabench.world.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The world's word-level tokenizer, and its Hugging Face {@code tokenizer.json}: a WordLevel model behind a Lowercase
 * normalizer and the Whitespace pre-tokenizer ({@code \w+|[^\w\s]+}), so newlines in the chat template vanish and
 * punctuation is its own token. Special tokens take Gemma's first ids (pad 0, eos 1, bos 2, unk 3); a
 * TemplateProcessing post-processor prepends {@code <bos>} as Gemma's tokenizer does. {@link #encode} here gives
 * the same ids as HF's tokenizer with {@code add_special_tokens=false}.
 */
public final class WordTokenizer {
    public static final String PAD = "<pad>";
    public static final String EOS = "<eos>";
    public static final String BOS = "<bos>";
    public static final String UNK = "<unk>";
    public static final String START_OF_TURN = "<start_of_turn>";
    public static final String END_OF_TURN = "<end_of_turn>";
    public static final String IMAGE = "<image>";
    public static final List<String> SPECIALS = List.of(PAD, EOS, BOS, UNK, START_OF_TURN, END_OF_TURN, IMAGE);

    private static final Pattern SPECIAL = Pattern.compile("<pad>|<eos>|<bos>|<unk>|<start_of_turn>|<end_of_turn>|<image>");
    private static final Pattern WORD = Pattern.compile("\\w+|[^\\w\\s]+");

    private final List<String> words;
    private final Map<String, Integer> ids;

    private WordTokenizer(List<String> words) {
        this.words = List.copyOf(words);
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            m.put(words.get(i), i);
        }
        this.ids = m;
    }

    /** Specials first (fixed ids), then the given words in sorted order. */
    public static WordTokenizer of(Collection<String> vocabulary) {
        List<String> all = new ArrayList<>(SPECIALS);
        for (String w : new TreeSet<>(vocabulary)) {
            if (!SPECIALS.contains(w)) {
                all.add(w);
            }
        }
        return new WordTokenizer(all);
    }

    public int size() {
        return words.size();
    }

    public List<String> words() {
        return words;
    }

    public int id(String token) {
        Integer i = ids.get(token);
        if (i == null) {
            throw new IllegalArgumentException("word '" + token + "' is not in the world's vocabulary");
        }
        return i;
    }

    public boolean has(String token) {
        return ids.containsKey(token);
    }

    public String word(int id) {
        return words.get(id);
    }

    /** Splits text like HF would (specials, then Lowercase + Whitespace), without adding {@code <bos>}. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher sm = SPECIAL.matcher(text);
        int last = 0;
        while (sm.find()) {
            words(text.substring(last, sm.start()), out);
            out.add(sm.group());
            last = sm.end();
        }
        words(text.substring(last), out);
        return out;
    }

    private static void words(String chunk, List<String> out) {
        Matcher m = WORD.matcher(chunk.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
    }

    /** Token ids of {@code text}; every word must be in the vocabulary (the grammar is closed). */
    public int[] encode(String text) {
        List<String> toks = split(text);
        int[] out = new int[toks.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(toks.get(i));
        }
        return out;
    }

    public String decode(int[] tokenIds) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokenIds) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(words.get(t));
        }
        return sb.toString();
    }

    /** One entry of a {@code tokenizer.json}'s {@code added_tokens}: a special token, matched before normalisation. */
    public static Map<String, Object> addedToken(int id, String content) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", id);
        a.put("content", content);
        a.put("single_word", false);
        a.put("lstrip", false);
        a.put("rstrip", false);
        a.put("normalized", false);
        a.put("special", true);
        return a;
    }

    /** The HF {@code tokenizer.json} content. */
    public Map<String, Object> toHfJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        List<Map<String, Object>> added = new ArrayList<>();
        for (String s : SPECIALS) {
            added.add(addedToken(ids.get(s), s));
        }
        root.put("added_tokens", added);
        root.put("normalizer", Map.of("type", "Lowercase"));
        root.put("pre_tokenizer", Map.of("type", "Whitespace"));
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("type", "TemplateProcessing");
        post.put("single", List.of(Map.of("SpecialToken", Map.of("id", BOS, "type_id", 0)),
                Map.of("Sequence", Map.of("id", "A", "type_id", 0))));
        post.put("pair", List.of(Map.of("SpecialToken", Map.of("id", BOS, "type_id", 0)),
                Map.of("Sequence", Map.of("id", "A", "type_id", 0)),
                Map.of("Sequence", Map.of("id", "B", "type_id", 1))));
        Map<String, Object> st = new LinkedHashMap<>();
        st.put(BOS, Map.of("id", BOS, "ids", List.of(ids.get(BOS)), "tokens", List.of(BOS)));
        post.put("special_tokens", st);
        root.put("post_processor", post);
        root.put("decoder", null);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordLevel");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            vocab.put(words.get(i), i);
        }
        model.put("vocab", vocab);
        model.put("unk_token", UNK);
        root.put("model", model);
        return root;
    }

    /** {@code tokenizer_config.json}: special tokens and a Gemma-style chat template with the image placeholder. */
    public Map<String, Object> toHfConfig(int imageTokens) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("add_bos_token", true);
        c.put("add_eos_token", false);
        c.put("bos_token", BOS);
        c.put("eos_token", EOS);
        c.put("pad_token", PAD);
        c.put("unk_token", UNK);
        c.put("image_token", IMAGE);
        c.put("image_seq_length", imageTokens);
        c.put("model_max_length", 256);
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        c.put("chat_template", "{{ bos_token }}{% for message in messages %}<start_of_turn>"
                + "{{ 'model' if message['role'] == 'assistant' else message['role'] }}\n{{ message['content'] | trim }}"
                + "<end_of_turn>\n{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}");
        return c;
    }
}
