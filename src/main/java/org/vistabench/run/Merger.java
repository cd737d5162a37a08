package org.vistabench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.AtomicFiles;
import org.vistabench.results.MetricsTable;
import org.vistabench.results.RecordFiles;

/**
 * {@code merge DIR... --out DIR}: joins results folders of one spec (shards, or runs on different machines) into one.
 * Done cells are copied whole (with the providers' files); a cell done in two inputs must have the same metrics, bit
 * for bit. Everything is checked before anything is written.
 */
public final class Merger {
    private static final Logger LOG = LoggerFactory.getLogger(Merger.class);

    /**
     * @param copied    cells copied into the output
     * @param identical cells found more than once (or already in the output) with identical metrics
     * @param notDone   failed or incomplete cells of the inputs, not merged
     * @param missing   cells of the spec's matrix (as the inputs' run.json record it) that are not done in the merged
     *                  folder: shards not merged, failed or unfinished cells; sorted
     * @param matrix    how many cells the matrix has (0 when the inputs predate its recording)
     */
    public record Summary(int copied, int identical, int notDone, List<String> missing, int matrix,
                          MetricsTable table) {
        public Summary {
            missing = List.copyOf(missing);
        }
    }

    private record Found(Path input, CellResult result) {
    }

    private Merger() {
    }

    public static Summary merge(List<Path> inputs, Path out) {
        if (inputs.isEmpty()) {
            throw new VistaException(ExitCodes.USAGE, "merge: no input folders given");
        }
        Path outAbs = out.toAbsolutePath().normalize();
        List<RunManifest> manifests = new ArrayList<>();
        for (Path in : inputs) {
            if (in.toAbsolutePath().normalize().equals(outAbs)) {
                throw new VistaException(ExitCodes.USAGE, "merge: --out " + out + " is also an input; choose a new "
                        + "folder");
            }
            manifests.add(ResultsStore.readManifest(in).orElseThrow(() -> new VistaException(ExitCodes.USAGE,
                    in + " has no " + ResultsStore.MANIFEST + ": not a results folder")));
        }
        RunManifest first = manifests.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            RunManifest.SpecCopy a = first.spec();
            RunManifest.SpecCopy b = manifests.get(i).spec();
            if (!a.sha256().equals(b.sha256())) {
                throw new VistaException(ExitCodes.USAGE, "merge: " + inputs.get(0) + " (spec " + a.file()
                        + ", sha256 " + ResultsStore.shortSha(a.sha256()) + ") and " + inputs.get(i) + " (spec "
                        + b.file() + ", sha256 " + ResultsStore.shortSha(b.sha256()) + ") hold results of different "
                        + "specs");
            }
        }
        Map<String, Found> cells = new TreeMap<>();
        int identical = 0;
        int notDone = 0;
        for (Path in : inputs) {
            for (CellResult r : ResultsStore.readDoneCells(in)) {
                Found seen = cells.get(r.cell().id());
                if (seen == null) {
                    cells.put(r.cell().id(), new Found(in, r));
                } else {
                    requireSame(seen, new Found(in, r));
                    identical++;
                }
            }
            notDone += warnNotDone(in);
        }
        // Merging into an earlier merge of the same spec is allowed; it must agree with what is there.
        Map<String, CellResult> already = new TreeMap<>();
        if (ResultsStore.readManifest(out).isPresent()) {
            for (CellResult r : ResultsStore.readDoneCells(out)) {
                already.put(r.cell().id(), r);
                Found f = cells.get(r.cell().id());
                if (f != null) {
                    requireSame(new Found(out, r), f);
                }
            }
        }

        RunManifest template = new RunManifest(RunManifest.FORMAT, first.spec(), first.seed(), first.seeds(),
                first.git(), first.versions(), first.device(), List.of(), Map.of(), List.of(),
                manifests.stream().flatMap(m -> m.matrix().stream()).toList());
        String command = "merge " + String.join(" ", inputs.stream().map(Path::toString).toList());
        int copied = 0;
        try (ResultsStore store = ResultsStore.open(out, template, true, command)) {
            Set<String> sources = new LinkedHashSet<>(store.manifest().sources());
            inputs.forEach(p -> sources.add(p.toString()));
            store.setSources(new ArrayList<>(sources));
            for (Found f : cells.values()) {
                if (already.containsKey(f.result().cell().id())) {
                    identical++;
                    continue;
                }
                copyCell(ResultsStore.cellDir(f.input(), f.result().cell().id()), store.cellDir(f.result().cell()));
                copied++;
            }
            for (Path in : inputs) {
                copyImages(in.resolve(RecordFiles.IMAGES), out.resolve(RecordFiles.IMAGES));
            }
            java.util.SortedSet<String> matrix = new java.util.TreeSet<>(store.manifest().matrix());
            manifests.forEach(m -> matrix.addAll(m.matrix()));
            store.recordMatrixIds(new ArrayList<>(matrix));
            MetricsTable table = store.rebuildTables();
            store.finish(new RunSummary(copied, 0, identical, List.of()));
            Set<String> done = new java.util.HashSet<>();
            ResultsStore.readDoneCells(out).forEach(r -> done.add(r.cell().id()));
            List<String> missing = matrix.stream().filter(id -> !done.contains(id)).toList();
            LOG.info("merged {} folders into {}: {} cells copied, {} duplicates identical, {} not done", inputs.size(),
                    out, copied, identical, notDone);
            return new Summary(copied, identical, notDone, missing, matrix.size(), table);
        }
    }

    private static void requireSame(Found a, Found b) {
        Map<String, Double> ma = a.result().metrics();
        Map<String, Double> mb = b.result().metrics();
        if (ma.equals(mb) && a.result().cell().equals(b.result().cell())) {
            return;
        }
        Set<String> names = new java.util.TreeSet<>(ma.keySet());
        names.addAll(mb.keySet());
        String diff = names.stream().filter(n -> !Objects.equals(ma.get(n), mb.get(n))).findFirst()
                .map(n -> n + " = " + ma.get(n) + " vs " + mb.get(n)).orElse("cell coordinates differ");
        throw new VistaException(ExitCodes.USAGE, "merge: cell " + a.result().cell().id() + " differs between "
                + a.input() + " and " + b.input() + " (" + diff + ")");
    }

    private static int warnNotDone(Path in) {
        Path root = in.resolve(ResultsStore.CELLS);
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(root)) {
            List<Path> bad = s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> ResultsStore.statusOnDisk(p) != ResultsStore.Status.DONE).sorted().toList();
            for (Path p : bad) {
                LOG.warn("cell {} is {} in {}: not merged", p.getFileName(), ResultsStore.statusOnDisk(p).label(), in);
            }
            return bad.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The per-image PNGs the cells' records name ({@code images/<id>.png}, written by the metric providers): copied
     * when absent, so a merged folder draws the same figures as its shards.
     */
    private static void copyImages(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.sorted().toList()) {
                Path dest = to.resolve(p.getFileName().toString());
                if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".") && !Files.exists(dest)) {
                    AtomicFiles.write(dest, Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** Copies a whole cell folder beside its target, then renames it into place: no half-copied cell. */
    private static void copyCell(Path from, Path to) {
        Path tmp = AtomicFiles.tempDirectoryBeside(to);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dest = tmp.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
        AtomicFiles.replaceDirectory(tmp, to);
    }
}
