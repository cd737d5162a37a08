package org.vistabench.eval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.ImageSplit;
import org.vistabench.score.Concept;
import org.vistabench.spec.JudgeSpec;

/** Picks a cell's {@link Judge} from the spec's {@code judge:} section (and {@code run --judge}). */
public final class Judges {
    private Judges() {
    }

    /**
     * The spec's judge for one provider of one cell. The LLM judge's candidates are the concepts (and objects) of the
     * images the provider scores; its cache is the results folder's {@code judge/}, shared by every cell and provider.
     */
    static Judge of(CellContext ctx, DataBundle data, ImageSplit split, List<Long> imageIds) {
        JudgeSpec js = JudgeSpec.of(ctx.spec());
        if (js.kind().equals(JudgeSpec.LEXICON)) {
            return new LexiconJudge(data);
        }
        Set<Concept> vocabulary = new TreeSet<>();
        Set<String> objects = new TreeSet<>();
        for (long id : imageIds) {
            Set<Concept> cs = split.concepts(id);
            vocabulary.addAll(cs);
            cs.stream().filter(c -> c.kind() == Concept.Kind.OBJECT).forEach(c -> objects.add(c.word()));
            objects.addAll(split.objects(id));
        }
        return new LlmJudge(js, cacheDir(ctx.cellDir()), vocabulary, objects, System::getenv, Duration.ofSeconds(1));
    }

    /**
     * {@code <results>/judge}: cell folders are {@code <results>/cells/<cell-id>} ({@code run.ResultsStore}), so
     * one cache serves every cell of a run, and {@code merge} can union the shards' caches.
     */
    public static Path cacheDir(Path cellDir) {
        Path abs = cellDir.toAbsolutePath().normalize();
        Path cells = abs.getParent();
        if (cells == null || cells.getParent() == null) {
            throw new IllegalArgumentException("a cell folder is <results>/cells/<cell-id>, got " + cellDir);
        }
        return cells.getParent().resolve(LlmJudge.CACHE_FOLDER);
    }

    /**
     * A label's concepts, judged when first read: {@code score.MatchRate} reads the names of the latents it picks
     * only, so an LLM judge is asked about a few latents per image rather than every labelled latent of the SAE.
     */
    static Set<Concept> lazily(Supplier<Set<Concept>> judge) {
        return new AbstractSet<>() {
            private Set<Concept> value;

            private Set<Concept> get() {
                if (value == null) {
                    value = judge.get();
                }
                return value;
            }

            @Override
            public Iterator<Concept> iterator() {
                return get().iterator();
            }

            @Override
            public int size() {
                return get().size();
            }

            @Override
            public boolean contains(Object o) {
                return get().contains(o);
            }
        };
    }
}
