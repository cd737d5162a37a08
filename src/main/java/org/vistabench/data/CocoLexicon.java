package org.vistabench.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/**
 * Which words name which COCO category: the shipped {@code coco-lexicon.tsv} (the 80 COCO 2017 categories, each
 * with its plural and single-word synonyms, plurals included: {@code person} ← people, man, women, kids …).
 * Lookups are case-insensitive and take one word, as the judges split captions and latent labels into words; a
 * category whose name is one word is also named by that word. A word names at most one category (checked when
 * the file is read).
 */
public final class CocoLexicon {
    static final String RESOURCE = "coco-lexicon.tsv";

    /** name → plural, in name order. */
    private final Map<String, String> plurals;
    /** lower-case word → category name. */
    private final Map<String, String> byWord;

    private CocoLexicon(Map<String, String> plurals, Map<String, String> byWord) {
        this.plurals = Collections.unmodifiableMap(plurals);
        this.byWord = Collections.unmodifiableMap(byWord);
    }

    /** The shipped lexicon of the 80 COCO categories. */
    public static CocoLexicon coco() {
        try (InputStream in = CocoLexicon.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            }
            return read(in, RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Reads the tsv format: {@code name<TAB>plural<TAB>synonym, synonym, …}; {@code #} lines are comments. */
    public static CocoLexicon read(InputStream in, String source) throws IOException {
        Map<String, String> plurals = new TreeMap<>();
        Map<String, String> byWord = new TreeMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int no = 0;
        while ((line = r.readLine()) != null) {
            no++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != 3 || cols[0].isBlank() || cols[1].isBlank()) {
                throw new VistaException(ExitCodes.USAGE, source + ":" + no + ": expected name<TAB>plural<TAB>"
                        + "synonyms, found '" + line + "'");
            }
            String name = cols[0].strip();
            if (plurals.put(name, cols[1].strip()) != null) {
                throw new VistaException(ExitCodes.USAGE, source + ":" + no + ": category '" + name + "' is listed"
                        + " twice");
            }
            List<String> words = new ArrayList<>();
            if (!name.contains(" ")) {
                words.add(name);
            }
            for (String w : cols[2].split(",")) {
                if (!w.isBlank()) {
                    words.add(w.strip());
                }
            }
            for (String w : words) {
                String key = w.toLowerCase(Locale.ROOT);
                if (!key.matches("[\\p{L}\\p{N}]+")) {
                    throw new VistaException(ExitCodes.USAGE, source + ":" + no + ": synonym '" + w + "' of '" + name
                            + "': expected one word of letters and digits");
                }
                String before = byWord.put(key, name);
                if (before != null && !before.equals(name)) {
                    throw new VistaException(ExitCodes.USAGE, source + ":" + no + ": word '" + w + "' names both '"
                            + before + "' and '" + name + "'");
                }
            }
        }
        return new CocoLexicon(plurals, byWord);
    }

    /**
     * This lexicon for a dataset's categories: entries of other categories are dropped, and a dataset category the
     * lexicon does not know is named by its own name when that is one word.
     */
    public CocoLexicon restrictTo(Collection<String> categoryNames) {
        Map<String, String> p = new TreeMap<>();
        Map<String, String> w = new TreeMap<>();
        for (String name : categoryNames) {
            p.put(name, plurals.getOrDefault(name, name));
        }
        byWord.forEach((word, name) -> {
            if (p.containsKey(name)) {
                w.put(word, name);
            }
        });
        for (String name : categoryNames) {
            if (!name.contains(" ")) {
                w.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            }
        }
        return new CocoLexicon(p, w);
    }

    /** The category a word names (case-insensitive), if any. */
    public Optional<String> categoryOf(String word) {
        return Optional.ofNullable(byWord.get(word.toLowerCase(Locale.ROOT)));
    }

    /** Category names, sorted. */
    public List<String> categories() {
        return List.copyOf(plurals.keySet());
    }

    /** The category's plural ({@code person} → {@code people}); the name itself for a category it does not know. */
    public String plural(String category) {
        return plurals.getOrDefault(category, category);
    }

    /** Every word the lexicon knows, sorted. */
    public List<String> words() {
        return List.copyOf(byWord.keySet());
    }
}
