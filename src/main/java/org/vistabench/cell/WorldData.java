package org.vistabench.cell;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.vistabench.data.CocoAnnotation;
import org.vistabench.data.CocoDataset;
import org.vistabench.data.CocoImage;
import org.vistabench.data.CocoQuestion;
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
                Set<String> out = new TreeSet<>();
                for (CocoAnnotation a : ds.annotations(id)) {
                    out.add(ds.category(a.categoryId()).name());
                }
                return out;
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
    public String id() {
        return "world:" + world.root().getFileName();
    }
}
