package org.vistabench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
     * @param copied     cells copied into the output
     * @param identical  cells found more than once (or already in the output) with byte-identical metrics.json
     * @param duplicates one line per such cell: where it was found and which copy was kept; sorted by cell
     * @param notDone    failed or incomplete cells of the inputs, not merged
     * @param missing    cells of the spec's matrix (as the inputs' run.json record it) that are not done in the merged
     *                   folder: shards not merged, failed or unfinished cells; sorted
     * @param matrix     how many cells the matrix has (0 when the inputs predate its recording)
     * @param judged     files of the LLM judge's cache ({@value #JUDGE}/) copied into the output
     */
    public record Summary(int copied, int identical, List<String> duplicates, int notDone, List<String> missing,
                          int matrix, int judged, MetricsTable table) {
        public Summary {
            duplicates = List.copyOf(duplicates);
            missing = List.copyOf(missing);
        }
    }

    /**
     * The LLM judge's answer cache inside a results folder: files named by the sha256 of what was asked, so a name
     * holds one content wherever it appears and folders union them.
     */
    public static final String JUDGE = "judge";

    private record Found(Path input, CellResult result) {
        Path metricsFile() {
            return ResultsStore.cellDir(input, result.cell().id()).resolve(ResultsStore.METRICS);
        }
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
            requireSameRun(inputs.get(0), first, inputs.get(i), manifests.get(i));
        }
        Optional<RunManifest> existing = ResultsStore.readManifest(out);
        if (existing.isPresent()) {
            requireSameRun(inputs.get(0), first, out, existing.get());
        }
        Map<String, Found> cells = new TreeMap<>();
        Map<String, String> duplicates = new TreeMap<>();
        int identical = 0;
        int notDone = 0;
        for (Path in : inputs) {
            for (CellResult r : ResultsStore.readDoneCells(in)) {
                Found seen = cells.get(r.cell().id());
                Found now = new Found(in, r);
                if (seen == null) {
                    cells.put(r.cell().id(), now);
                } else {
                    requireSame(seen, now);
                    identical++;
                    duplicates.merge(r.cell().id(), "cell " + r.cell().id() + " is done in " + seen.input() + " and "
                            + in, (a, b) -> a + " and " + in);
                }
            }
            notDone += warnNotDone(in);
        }
        duplicates.replaceAll((id, line) -> line + " with byte-identical " + ResultsStore.METRICS + ": kept "
                + cells.get(id).input() + "'s");
        // Merging into an earlier merge of the same spec is allowed; it must agree with what is there.
        Map<String, CellResult> already = new TreeMap<>();
        if (existing.isPresent()) {
            for (CellResult r : ResultsStore.readDoneCells(out)) {
                already.put(r.cell().id(), r);
                Found f = cells.get(r.cell().id());
                if (f != null) {
                    requireSame(new Found(out, r), f);
                    duplicates.put(r.cell().id(), "cell " + r.cell().id() + " is done in " + f.input() + " and already"
                            + " in " + out + " with byte-identical " + ResultsStore.METRICS + ": kept " + out + "'s");
                }
            }
        }
        List<JudgeFile> judgeFiles = judgeFilesToCopy(inputs, out);

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
            copyJudgeFiles(judgeFiles, out);
            // the checkpoint files every shard read (path, revision, sha256); a path whose bytes differ between shards
            // is warned about (the same spec read different weights)
            for (RunManifest m : manifests) {
                store.recordCheckpoints(m.checkpoints());
            }
            java.util.SortedSet<String> matrix = new java.util.TreeSet<>(store.manifest().matrix());
            manifests.forEach(m -> matrix.addAll(m.matrix()));
            store.recordMatrixIds(new ArrayList<>(matrix));
            MetricsTable table = store.rebuildTables();
            store.finish(new RunSummary(copied, 0, identical, List.of()));
            Set<String> done = new java.util.HashSet<>();
            ResultsStore.readDoneCells(out).forEach(r -> done.add(r.cell().id()));
            List<String> missing = matrix.stream().filter(id -> !done.contains(id)).toList();
            LOG.info("merged {} folders into {}: {} cells copied, {} duplicates identical, {} not done, {} judge "
                    + "files", inputs.size(), out, copied, identical, notDone, judgeFiles.size());
            return new Summary(copied, identical, new ArrayList<>(duplicates.values()), notDone, missing,
                    matrix.size(), judgeFiles.size(), table);
        }
    }

    /**
     * Two folders merge only when they ran the same spec file (sha256), with the same {@code --set}/{@code --limit}
     * overrides and the same seeds; the message names both folders and the first thing that differs.
     */
    private static void requireSameRun(Path aDir, RunManifest a, Path bDir, RunManifest b) {
        RunManifest.SpecCopy sa = a.spec();
        RunManifest.SpecCopy sb = b.spec();
        if (!sa.sha256().equals(sb.sha256())) {
            throw new VistaException(ExitCodes.USAGE, "merge: " + aDir + " (spec " + sa.file() + ", sha256 "
                    + ResultsStore.shortSha(sa.sha256()) + ") and " + bDir + " (spec " + sb.file() + ", sha256 "
                    + ResultsStore.shortSha(sb.sha256()) + ") hold results of different specs");
        }
        if (!sa.overrides().equals(sb.overrides())) {
            throw new VistaException(ExitCodes.USAGE, "merge: " + aDir + " (spec " + sa.file() + ", " + sa.identity()
                    + ") and " + bDir + " (" + sb.identity() + ") hold results of different specs: the same file "
                    + "run with different overrides");
        }
        if (a.seed() != b.seed() || !a.seeds().equals(b.seeds())) {
            throw new VistaException(ExitCodes.USAGE, "merge: " + aDir + " (seed " + a.seed() + ", seeds " + a.seeds()
                    + ") and " + bDir + " (seed " + b.seed() + ", seeds " + b.seeds() + ") hold results of different "
                    + "seeds");
        }
    }

    /** A cell done twice must have byte-identical metrics.json; otherwise both places and the first difference. */
    private static void requireSame(Found a, Found b) {
        if (Arrays.equals(bytes(a.metricsFile()), bytes(b.metricsFile()))
                && a.result().cell().equals(b.result().cell())) {
            return;
        }
        Map<String, Double> ma = a.result().metrics();
        Map<String, Double> mb = b.result().metrics();
        Set<String> names = new java.util.TreeSet<>(ma.keySet());
        names.addAll(mb.keySet());
        String diff = names.stream().filter(n -> !Objects.equals(ma.get(n), mb.get(n))).findFirst()
                .map(n -> n + " = " + ma.get(n) + " vs " + mb.get(n))
                .orElse(a.result().cell().equals(b.result().cell()) ? "same values, different bytes"
                        : "cell coordinates differ");
        throw new VistaException(ExitCodes.USAGE, "merge: cell " + a.result().cell().id() + " differs between "
                + a.metricsFile() + " and " + b.metricsFile() + " (" + diff + ")");
    }

    /**
     * The judge cache files to copy (relative to {@code judge/}), in the first input that has each; a name found with
     * two contents (in two inputs, or an input and the output) is refused before anything is written.
     */
    private record JudgeFile(Path from, String rel) {
    }

    private static List<JudgeFile> judgeFilesToCopy(List<Path> inputs, Path out) {
        Map<String, Path> byName = new TreeMap<>();
        for (Path in : inputs) {
            for (Path f : listTree(in.resolve(JUDGE))) {
                String rel = in.resolve(JUDGE).relativize(f).toString();
                Path seen = byName.putIfAbsent(rel, f);
                if (seen != null && !Arrays.equals(bytes(seen), bytes(f))) {
                    throw new VistaException(ExitCodes.USAGE, "merge: judge cache file " + rel + " differs between "
                            + seen + " and " + f + " (a name is the sha256 of its question: the same name must hold "
                            + "the same answer)");
                }
            }
        }
        List<JudgeFile> toCopy = new ArrayList<>();
        for (Map.Entry<String, Path> e : byName.entrySet()) {
            Path dest = out.resolve(JUDGE).resolve(e.getKey());
            if (Files.exists(dest)) {
                if (!Arrays.equals(bytes(dest), bytes(e.getValue()))) {
                    throw new VistaException(ExitCodes.USAGE, "merge: judge cache file " + e.getKey() + " differs "
                            + "between " + e.getValue() + " and " + dest);
                }
            } else {
                toCopy.add(new JudgeFile(e.getValue(), e.getKey()));
            }
        }
        return toCopy;
    }

    private static void copyJudgeFiles(List<JudgeFile> files, Path out) {
        for (JudgeFile f : files) {
            AtomicFiles.write(out.resolve(JUDGE).resolve(f.rel()), bytes(f.from()));
        }
    }

    private static List<Path> listTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
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
