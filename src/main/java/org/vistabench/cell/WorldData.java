package org.vistabench.cell;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vistabench.data.CocoAnnotation;
import org.vistabench.data.CocoDataset;
import org.vistabench.data.CocoImage;
import org.vistabench.data.CocoQuestion;
import org.vistabench.score.Concept;
import org.vistabench.world.World;
import org.vistabench.world.scene.Lexicon;

/** The mini world's splits and lexicon as a {@link DataBundle}. */
final class WorldData implements DataBundle {
    static final java.util.Comparator<Concept> CONCEPT_ORDER =
            java.util.Comparator.comparing(Concept::kind).thenComparing(Concept::word);
    private final World world;

    WorldData(World world) {
        this.world = world;
    }

    World world() {
        return world;
    }

    @Override
    public ImageSplit split(String name) {
        CocoDataset ds = world.dataset(name);
        List<Long> ids = ds.images().stream().map(CocoImage::id).toList();
        return new ImageSplit() {
            @Override
            public List<Long> imageIds() {
                return ids;
            }

            @Override
            public BufferedImage image(long id) {
                return ds.readImage(id);
            }

            @Override
            public Set<String> objects(long id) {
                Set<String> out = new TreeSet<>();
                for (CocoAnnotation a : ds.annotations(id)) {
                    out.add(ds.category(a.categoryId()).name());
                }
                return out;
            }

            @Override
            public Set<Concept> concepts(long id) {
                Set<Concept> out = new TreeSet<>(CONCEPT_ORDER);
                for (CocoAnnotation a : ds.annotations(id)) {
                    out.add(new Concept(Concept.Kind.OBJECT, ds.category(a.categoryId()).name()));
                    a.attributes().values().forEach(v -> conceptOf(v).ifPresent(out::add));
                }
                for (CocoQuestion q : ds.questions(id)) {
                    if (q.type().equals("background")) {
                        for (String w : q.answer().split("[^\\p{L}\\p{N}]+")) {
                            conceptOf(w).filter(c -> c.kind() == Concept.Kind.SCENE).ifPresent(out::add);
                        }
                    }
                }
                return out;
            }

            @Override
            public List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover) {
                CocoImage im = ds.image(id).orElseThrow();
                int w = im.width(), h = im.height();
                int[] area = new int[cols * rows];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        area[(y * rows / h) * cols + x * cols / w]++;
                    }
                }
                Map<String, boolean[]> pixels = new TreeMap<>();
                for (CocoAnnotation a : ds.annotations(id)) {
                    boolean[] m = ds.mask(a);
                    boolean[] u = pixels.computeIfAbsent(ds.category(a.categoryId()).name(), k -> new boolean[w * h]);
                    for (int i = 0; i < m.length; i++) {
                        u[i] |= m[i];
                    }
                }
                List<ObjectMask> out = new ArrayList<>();
                pixels.forEach((cat, m) -> {
                    int[] covered = new int[cols * rows];
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            if (m[y * w + x]) {
                                covered[(y * rows / h) * cols + x * cols / w]++;
                            }
                        }
                    }
                    boolean[] in = new boolean[cols * rows];
                    for (int p = 0; p < in.length; p++) {
                        in[p] = covered[p] > 0 && covered[p] >= minCover * area[p];
                    }
                    out.add(new ObjectMask(cat, in));
                });
                return out;
            }

            @Override
            public List<CocoQuestion> questions(long id) {
                return ds.questions(id);
            }

            @Override
            public String answer(long id, String question) {
                for (CocoQuestion q : ds.questions(id)) {
                    if (q.question().equals(question)) {
                        return q.answer();
                    }
                }
                List<String> caps = ds.captions(id);
                if (caps.isEmpty()) {
                    throw new IllegalStateException(world.root() + ": image " + id + " has neither the question '"
                            + question + "' nor a caption");
                }
                return caps.get(0);
            }
        };
    }

    @Override
    public Optional<String> objectOf(String word) {
        Lexicon lex = world.lexicon();
        return lex.categoryOf(word).map(i -> lex.category(i).name());
    }

    @Override
    public Optional<Concept> conceptOf(String word) {
        return world.lexicon().concept(word).map(c -> new Concept(switch (c.kind()) {
            case CATEGORY -> Concept.Kind.OBJECT;
            case COLOUR, STATE -> Concept.Kind.ATTRIBUTE;
            case BACKGROUND -> Concept.Kind.SCENE;
        }, c.word()));
    }

    @Override
    public List<String> alternatives(String attributeWord) {
        for (List<String> pair : world.lexicon().statesBySupercategory().values()) {
            if (pair.contains(attributeWord)) {
                return pair.stream().filter(w -> !w.equals(attributeWord)).toList();
            }
        }
        return List.of();
    }

    @Override
    public String id() {
        return "world:" + world.root().getFileName();
    }
}
