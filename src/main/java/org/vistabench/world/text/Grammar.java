package org.vistabench.world.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.Scene;
import org.vistabench.world.scene.SceneObject;

/**
 * The world's small grammar: captions with paraphrases (templates, word order, optional state, synonyms) and
 * questions with answers. The answer to {@link #OBJECT_QUESTION} has one fixed phrasing that lists the objects in
 * lexicon order ("cat and truck ."), so what the LM must say is a function of the set of category words in the
 * prefix alone, not of their positions: a projector that gets positions slightly wrong still reads right.
 */
public final class Grammar {
    public static final String OBJECT_QUESTION = "What is shown in this image?";
    private static final String[] NUMBERS = {"zero", "one", "two", "three"};
    private static final String[] CAPTION_TEMPLATES = {
        "a photo of %s on the %s .", "%s on the %s .", "there is %s on the %s .", "this image shows %s on the %s .",
        "a picture of %s on the %s .",
    };
    private static final String[] COLOUR_Q = {"What colour is the %s?", "What is the colour of the %s?",
        "Which colour does the %s have?"};
    private static final String[] COUNT_Q = {"How many objects are there?", "How many things are in this image?"};
    private static final String[] PRESENCE_Q = {"Is there a %s in this image?", "Can you see a %s?"};
    private static final String[] STATE_Q = {"Is the %s %s?"};
    private static final String[] DESCRIBE_Q = {"Describe the image.", "Write a caption for this image."};
    private static final String[] BACKGROUND_Q = {"What is the background?", "Where are the objects?"};

    /** A question, its answer and its type (object, colour, count, presence, state, background, describe). */
    public record QA(String type, String question, String answer) {
    }

    private final Lexicon lex;

    public Grammar(Lexicon lexicon) {
        this.lex = lexicon;
    }

    public Lexicon lexicon() {
        return lex;
    }

    /** Every word the grammar can produce (the tokenizer's vocabulary, specials aside). */
    public TreeSet<String> vocabulary() {
        TreeSet<String> v = new TreeSet<>();
        List<String> texts = new ArrayList<>(List.of(CAPTION_TEMPLATES));
        texts.addAll(List.of(COLOUR_Q));
        texts.addAll(List.of(COUNT_Q));
        texts.addAll(List.of(PRESENCE_Q));
        texts.addAll(List.of(STATE_Q));
        texts.addAll(List.of(DESCRIBE_Q));
        texts.addAll(List.of(BACKGROUND_Q));
        texts.add(OBJECT_QUESTION);
        texts.add("a an and , . that is yes no the user model");
        texts.addAll(List.of(NUMBERS));
        texts.addAll(lex.synonyms().keySet());
        for (String t : texts) {
            for (String w : WordTokenizer.split(t.replace("%s", " "))) {
                v.add(w);
            }
        }
        return v;
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /**
     * "cat and dog and apple ." in lexicon order (the one phrasing of the object answer). No articles and one
     * separator: the word after "and" depends only on the previous word and the set of categories in the prefix, and
     * whether "and" or "." follows a category only on that category and the set, so the answer is a short chain of
     * lookups the LM learns quickly.
     */
    public String objectAnswer(Scene scene) {
        List<SceneObject> objs = new ArrayList<>(scene.objects());
        objs.sort(Comparator.comparingInt(SceneObject::category));
        List<String> names = new ArrayList<>();
        for (SceneObject o : objs) {
            names.add(lex.category(o.category()).name());
        }
        return String.join(" and ", names) + " .";
    }

    private static String join(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(i == items.size() - 1 ? " and " : " , ");
            }
            sb.append(items.get(i));
        }
        return sb.toString();
    }

    private String categoryWord(int category, Random r) {
        Lexicon.Category c = lex.category(category);
        return r.nextDouble() < 0.2 ? c.synonyms().get(0) : c.name();
    }

    private String stateWord(SceneObject o, Random r) {
        String s = lex.statesOf(o.category()).get(o.state());
        if (r.nextDouble() < 0.2) {
            for (var e : lex.synonyms().entrySet()) {
                if (e.getValue().equals(s) && !e.getKey().equals(s)) {
                    return e.getKey();
                }
            }
        }
        return s;
    }

    /** A paraphrased caption naming every object (colour, usually state) and the background. */
    public String caption(Scene scene, Random r) {
        List<SceneObject> objs = new ArrayList<>(scene.objects());
        for (int i = objs.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            SceneObject t = objs.get(i);
            objs.set(i, objs.get(j));
            objs.set(j, t);
        }
        List<String> nps = new ArrayList<>();
        for (SceneObject o : objs) {
            String colour = lex.colours().get(o.colour());
            String cat = categoryWord(o.category(), r);
            String state = stateWord(o, r);
            nps.add(switch (r.nextInt(3)) {
                case 0 -> article(state) + " " + state + " " + colour + " " + cat;
                case 1 -> article(colour) + " " + colour + " " + cat + " that is " + state;
                default -> article(colour) + " " + colour + " " + cat;
            });
        }
        String bg = lex.backgrounds().get(scene.background());
        if (r.nextDouble() < 0.2) {
            for (var e : lex.synonyms().entrySet()) {
                if (e.getValue().equals(bg) && !e.getKey().equals(bg)) {
                    bg = e.getKey();
                }
            }
        }
        String tpl = CAPTION_TEMPLATES[r.nextInt(CAPTION_TEMPLATES.length)];
        return String.format(tpl, join(nps), bg);
    }

    /** The object question with its canonical answer. */
    public QA objectQa(Scene scene) {
        return new QA("object", OBJECT_QUESTION, objectAnswer(scene));
    }

    public QA colourQa(Scene scene, Random r) {
        SceneObject o = scene.objects().get(r.nextInt(scene.objects().size()));
        String q = String.format(COLOUR_Q[r.nextInt(COLOUR_Q.length)], lex.category(o.category()).name());
        return new QA("colour", q, lex.colours().get(o.colour()));
    }

    public QA countQa(Scene scene, Random r) {
        return new QA("count", COUNT_Q[r.nextInt(COUNT_Q.length)], NUMBERS[scene.objects().size()]);
    }

    /** Half the time about a present object, half about an absent category. */
    public QA presenceQa(Scene scene, Random r) {
        boolean present = r.nextBoolean();
        int cat;
        if (present) {
            cat = scene.objects().get(r.nextInt(scene.objects().size())).category();
        } else {
            do {
                cat = r.nextInt(lex.numCategories());
            } while (has(scene, cat));
        }
        String q = String.format(PRESENCE_Q[r.nextInt(PRESENCE_Q.length)], lex.category(cat).name());
        return new QA("presence", q, present ? "yes" : "no");
    }

    /** "Is the cat sleeping?" with either state of the pair. */
    public QA stateQa(Scene scene, Random r) {
        SceneObject o = scene.objects().get(r.nextInt(scene.objects().size()));
        int asked = r.nextInt(2);
        String state = lex.statesOf(o.category()).get(asked);
        String q = String.format(STATE_Q[0], lex.category(o.category()).name(), state);
        return new QA("state", q, asked == o.state() ? "yes" : "no");
    }

    public QA backgroundQa(Scene scene, Random r) {
        return new QA("background", BACKGROUND_Q[r.nextInt(BACKGROUND_Q.length)],
                "the " + lex.backgrounds().get(scene.background()) + " .");
    }

    public QA describeQa(Scene scene, Random r) {
        return new QA("describe", DESCRIBE_Q[r.nextInt(DESCRIBE_Q.length)], caption(scene, r));
    }

    private static boolean has(Scene scene, int cat) {
        for (SceneObject o : scene.objects()) {
            if (o.category() == cat) {
                return true;
            }
        }
        return false;
    }

    /** The question set written for a scene: one of each type, plus a colour and a state question per object. */
    public List<QA> questionSet(Scene scene, Random r) {
        List<QA> out = new ArrayList<>();
        out.add(objectQa(scene));
        out.add(countQa(scene, r));
        out.add(presenceQa(scene, r));
        out.add(presenceQa(scene, r));
        out.add(backgroundQa(scene, r));
        for (SceneObject o : scene.objects()) {
            String name = lex.category(o.category()).name();
            out.add(new QA("colour", String.format(COLOUR_Q[0], name), lex.colours().get(o.colour())));
            int asked = r.nextInt(2);
            out.add(new QA("state", String.format(STATE_Q[0], name, lex.statesOf(o.category()).get(asked)),
                    asked == o.state() ? "yes" : "no"));
        }
        return out;
    }
}
