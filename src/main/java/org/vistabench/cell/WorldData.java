package org.vistabench.cell;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
                return ds.categoryNames(id);
            }

            @Override
            public Set<Concept> concepts(long id) {
                Set<Concept> out = new TreeSet<>();
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
                List<ObjectMask> out = new ArrayList<>();
                ds.categoryPatchMasks(id, cols, rows, minCover).forEach((cat, in) -> out.add(new ObjectMask(cat, in)));
                return out;
            }

            /** The whole scene (the mini world's processors do not crop) gives exactly the four-argument masks. */
            @Override
            public List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover, Visible visible) {
                CocoImage im = ds.image(id).orElseThrow(() -> new IllegalArgumentException("no image id " + id));
                if (visible.of(im.width(), im.height()).isFull()) {
                    return objectMasks(id, cols, rows, minCover);
                }
                return VisibleMasks.of(ds, id, cols, rows, minCover, 0, 0, im.width(), im.height(), visible);
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
