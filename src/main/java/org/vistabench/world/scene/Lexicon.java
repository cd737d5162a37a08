package org.vistabench.world.scene;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The mini world's concepts and their words: categories (with supercategory and synonyms), colours, states (each
 * supercategory has its own pair, e.g. sleeping/awake for animals) and backgrounds. Metrics use it to decide whether
 * a word or an SAE label names a concept ({@link #concept}).
 *
 * @param categories in canonical order: answers list objects in this order
 * @param synonyms word → canonical concept word (each canonical word maps to itself), sorted by word
 */
public record Lexicon(List<Category> categories, List<String> colours, Map<String, List<String>> statesBySupercategory,
                      List<String> backgrounds, Map<String, String> synonyms) {

    /** A category; {@code id} is the COCO category id (1-based), {@code index} its 0-based position. */
    public record Category(int id, String name, String supercategory, List<String> synonyms) {
    }

    /** The kind of concept a word names. */
    public enum Kind { CATEGORY, COLOUR, STATE, BACKGROUND }

    /** A concept a word names: its kind and canonical word. */
    public record Concept(Kind kind, String word) {
    }

    public Lexicon {
        categories = List.copyOf(categories);
        colours = List.copyOf(colours);
        statesBySupercategory = Collections.unmodifiableMap(new LinkedHashMap<>(statesBySupercategory));
        backgrounds = List.copyOf(backgrounds);
        synonyms = Collections.unmodifiableMap(new TreeMap<>(synonyms));
    }

    /** The built-in lexicon: 16 categories in 4 supercategories, 8 colours, 3 state pairs, 5 backgrounds. */
    public static Lexicon mini() {
        List<Category> cats = new ArrayList<>();
        String[][] table = {
            {"cat", "animal", "kitten"}, {"dog", "animal", "puppy"}, {"bird", "animal", "sparrow"},
            {"fish", "animal", "goldfish"},
            {"apple", "food", "pippin"}, {"banana", "food", "plantain"}, {"cake", "food", "gateau"},
            {"pizza", "food", "flatbread"},
            {"car", "vehicle", "automobile"}, {"bus", "vehicle", "coach"}, {"truck", "vehicle", "lorry"},
            {"boat", "vehicle", "ship"},
            {"chair", "household", "seat"}, {"cup", "household", "mug"}, {"lamp", "household", "lantern"},
            {"clock", "household", "timepiece"},
        };
        for (int i = 0; i < table.length; i++) {
            cats.add(new Category(i + 1, table[i][0], table[i][1], List.of(table[i][2])));
        }
        Map<String, List<String>> states = new LinkedHashMap<>();
        states.put("animal", List.of("sleeping", "awake"));
        states.put("food", List.of("fresh", "rotten"));
        states.put("vehicle", List.of("whole", "broken"));
        states.put("household", List.of("whole", "broken"));
        List<String> colours = List.of("red", "green", "blue", "yellow", "orange", "purple", "pink", "brown");
        List<String> backgrounds = List.of("grass", "sand", "snow", "water", "floor");
        Map<String, String> syn = new TreeMap<>();
        for (Category c : cats) {
            syn.put(c.name(), c.name());
            for (String s : c.synonyms()) {
                syn.put(s, c.name());
            }
        }
        for (String c : colours) {
            syn.put(c, c);
        }
        for (List<String> pair : states.values()) {
            for (String s : pair) {
                syn.put(s, s);
            }
        }
        syn.put("asleep", "sleeping");
        syn.put("spoiled", "rotten");
        syn.put("damaged", "broken");
        syn.put("intact", "whole");
        for (String b : backgrounds) {
            syn.put(b, b);
        }
        syn.put("lawn", "grass");
        syn.put("beach", "sand");
        syn.put("lake", "water");
        return new Lexicon(cats, colours, states, backgrounds, syn);
    }

    public int numCategories() {
        return categories.size();
    }

    public Category category(int index) {
        return categories.get(index);
    }

    /** The two state words of a category (by 0-based index). */
    public List<String> statesOf(int categoryIndex) {
        return statesBySupercategory.get(categories.get(categoryIndex).supercategory());
    }

    /** Every distinct state word, in first-seen order. */
    public List<String> stateWords() {
        List<String> out = new ArrayList<>();
        for (List<String> pair : statesBySupercategory.values()) {
            for (String s : pair) {
                if (!out.contains(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The 0-based category index named by a word (canonical or synonym), if any. */
    public Optional<Integer> categoryOf(String word) {
        String canon = synonyms.get(word.toLowerCase(java.util.Locale.ROOT));
        if (canon == null) {
            return Optional.empty();
        }
        for (int i = 0; i < categories.size(); i++) {
            if (categories.get(i).name().equals(canon)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** The concept a word names (canonical or synonym), if any. */
    public Optional<Concept> concept(String word) {
        String canon = synonyms.get(word.toLowerCase(java.util.Locale.ROOT));
        if (canon == null) {
            return Optional.empty();
        }
        if (categoryOf(canon).isPresent()) {
            return Optional.of(new Concept(Kind.CATEGORY, canon));
        }
        if (colours.contains(canon)) {
            return Optional.of(new Concept(Kind.COLOUR, canon));
        }
        if (backgrounds.contains(canon)) {
            return Optional.of(new Concept(Kind.BACKGROUND, canon));
        }
        return Optional.of(new Concept(Kind.STATE, canon));
    }
}
