package org.vistabench.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.io.Sha256;
import org.vistabench.results.MetricsTable;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/**
 * A results folder {@code results/<run-id>/}:
 * <pre>
 *   run.json                 manifest ({@link RunManifest})
 *   run.lock                 held while a process writes here ({@link RunLock})
 *   cells/&lt;cell-id&gt;/         metrics.json (atomic), then the {@code done} marker; or error.txt then {@code failed}
 *   tables/metrics.csv       long format, rebuilt from every done cell ({@link org.vistabench.results.MetricsCsv})
 * </pre>
 * A cell folder without {@code done} is incomplete: it is redone, and its other files (a provider's checkpoints) are
 * left for the provider to resume from. An open store holds the folder's lock until {@link #close()}.
 */
public final class ResultsStore implements AutoCloseable {
    public static final String MANIFEST = "run.json";
    public static final String CELLS = "cells";
    public static final String TABLES = "tables";
    public static final String METRICS_CSV = "metrics.csv";
    public static final String METRICS = "metrics.json";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
    public static final String ERROR = "error.txt";

    /** Where a cell stands on disk. */
    public enum Status {
        /** no folder yet */
        PENDING,
        /** a folder without {@code done} or {@code failed}: a process died in it (or is in it now) */
        INCOMPLETE,
        FAILED,
        DONE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ResultsStore.class);

    private final Path dir;
    private final RunLock lock;
    private final Map<String, RunManifest.CellEntry> cells;
    private RunManifest manifest;
    private boolean finished;

    private ResultsStore(Path dir, RunLock lock, RunManifest manifest) {
        this.dir = dir;
        this.lock = lock;
        this.manifest = manifest;
        this.cells = new TreeMap<>(manifest.cells());
    }

    /**
     * Opens {@code dir} for a run of {@code spec}: takes the lock, then checks the folder. A folder that holds results
     * of another spec is refused (exit 2), with or without {@code resume}; one that holds this spec is refused without
     * {@code resume} (so runs are never mixed by accident).
     *
     * @param command how this session is described in the manifest, e.g. {@code run --shard 0/3}
     */
    public static ResultsStore open(Path dir, Spec spec, boolean resume, String command) {
        return open(dir, spec, List.of(), resume, command);
    }

    /**
     * {@link #open(Path, Spec, boolean, String)} for a spec loaded with command-line overrides: they are recorded in
     * {@code run.json} beside the file's sha256, and a folder holding the same spec with other overrides is refused.
     *
     * @param overrides the canonical overrides ({@code Overrides#canonical()}), empty for none
     */
    public static ResultsStore open(Path dir, Spec spec, List<String> overrides, boolean resume, String command) {
        RunManifest fresh = new RunManifest(RunManifest.FORMAT, specCopy(spec, overrides), spec.seed(), spec.seeds(),
                Provenance.git(Path.of("").toAbsolutePath()), Provenance.versions(), device(spec), List.of(),
                Map.of(), List.of(), List.of());
        if (resume && readManifest(dir).isEmpty()) {
            LOG.warn("--resume: {} holds no earlier run; starting from scratch", dir);
        }
        return open(dir, fresh, resume, command);
    }

    /** Opens {@code dir} for a session whose manifest, if the folder is new, is {@code fresh} (merge uses this). */
    static ResultsStore open(Path dir, RunManifest fresh, boolean resume, String command) {
        RunLock lock = RunLock.acquire(dir);
        try {
            RunManifest base = check(dir, fresh, resume);
            RunManifest.Session session = new RunManifest.Session(command, lock.holder().pid(), lock.holder().host(),
                    lock.holder().started(), null, "running", 0, 0, 0, fresh.git());
            ResultsStore store = new ResultsStore(dir, lock, base.plusSession(session));
            store.refreshFromDisk();
            store.writeManifest();
            return store;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static RunManifest check(Path dir, RunManifest fresh, boolean resume) {
        Optional<RunManifest> existing = readManifest(dir);
        String sha = fresh.spec().sha256();
        if (existing.isPresent()) {
            RunManifest.SpecCopy old = existing.get().spec();
            if (!old.sha256().equals(sha)) {
                throw new VistaException(ExitCodes.USAGE, dir + " holds results of spec " + old.file() + " (sha256 "
                        + shortSha(old.sha256()) + "), not of " + fresh.spec().file() + " (sha256 " + shortSha(sha)
                        + "); results of different specs are never mixed: choose a new --out");
            }
            if (!old.overrides().equals(fresh.spec().overrides())) {
                throw new VistaException(ExitCodes.USAGE, dir + " holds results of spec " + old.file() + " "
                        + old.identity() + ", not " + fresh.spec().identity() + "; results of different overrides "
                        + "are never mixed: repeat the same --set/--limit, or choose a new --out");
            }
            if (!resume) {
                throw new VistaException(ExitCodes.USAGE, dir + " already holds a run of " + fresh.spec().file()
                        + "; add --resume to continue it, or choose a new --out");
            }
            return existing.get();
        }
        List<String> other = entriesBesideLock(dir);
        if (!other.isEmpty()) {
            throw new VistaException(ExitCodes.USAGE, dir + " is not empty (" + String.join(", ", other)
                    + ") and has no " + MANIFEST + ": it is not a results folder; choose a new --out");
        }
        return fresh;
    }

    /**
     * What a folder holds besides the lock and an LLM judge cache ({@code judge/}, copied in ahead of a run so that
     * its answers are reused offline): anything else means it is not a fresh results folder.
     */
    private static List<String> entriesBesideLock(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(RunLock.FILE) && !(n.equals(Merger.JUDGE) && Files.isDirectory(dir.resolve(n))))
                    .sorted().limit(3).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public RunManifest manifest() {
        return manifest.withCells(cells);
    }

    public Path cellDir(Cell cell) {
        return cellDir(dir, cell.id());
    }

    public Status status(Cell cell) {
        return statusOnDisk(cellDir(cell));
    }

    /** Records the cells this session means to run (their status as found on disk). */
    public void register(List<Cell> planned) {
        for (Cell c : planned) {
            setStatus(c, status(c).label());
        }
        writeManifest();
    }

    /** Records the spec's whole matrix (every cell id, before shard and glob selection) in the manifest. */
    public void recordMatrix(List<Cell> all) {
        recordMatrixIds(all.stream().map(Cell::id).toList());
    }

    /**
     * Adds the checkpoint files this session read to {@code run.json} (by path; a file whose hash differs from what
     * an earlier session recorded is replaced, with a WARN).
     */
    public void recordCheckpoints(Map<String, Provenance.CheckpointFile> read) {
        Map<String, Provenance.CheckpointFile> all = new TreeMap<>(manifest.checkpoints());
        read.forEach((path, f) -> {
            Provenance.CheckpointFile old = all.put(path, f);
            if (old != null && !old.sha256().equals(f.sha256())) {
                LOG.warn("{} changed since an earlier session of this run (sha256 {} -> {})", path, old.sha256(),
                        f.sha256());
            }
        });
        manifest = manifest.withCheckpoints(all);
        writeManifest();
    }

    void recordMatrixIds(List<String> ids) {
        manifest = manifest.withMatrix(ids);
        writeManifest();
    }

    /** Records a cell's stage times (see {@link RunManifest.CellEntry#seconds()}); written with its next status. */
    public void cellSeconds(Cell cell, Map<String, Double> seconds) {
        RunManifest.CellEntry e = cells.get(cell.id());
        cells.put(cell.id(), (e == null ? RunManifest.CellEntry.of(cell, status(cell).label()) : e)
                .withSeconds(seconds));
    }

    /** Prepares the cell's folder for a new attempt: markers of an earlier failed attempt are removed. */
    public Path beginCell(Cell cell) {
        Path cd = cellDir(cell);
        try {
            Files.createDirectories(cd);
            // `failed` goes first: a crash in between leaves an incomplete cell, which is redone anyway.
            Files.deleteIfExists(cd.resolve(FAILED));
            Files.deleteIfExists(cd.resolve(ERROR));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + cd + ": " + e.getMessage(), e);
        }
        cells.put(cell.id(), RunManifest.CellEntry.of(cell, "running"));
        writeManifest();
        return cd;
    }

    /** Writes {@code metrics.json} atomically, then the {@code done} marker (holding the metrics file's sha256). */
    public void cellDone(Cell cell, Map<String, Double> metrics) {
        Path cd = cellDir(cell);
        byte[] json = metricsJson(cell, metrics);
        AtomicFiles.write(cd.resolve(METRICS), json);
        AtomicFiles.writeString(cd.resolve(DONE), Sha256.hex(json) + "\n");
        setStatus(cell, Status.DONE.label());
        writeManifest();
    }

    /** Writes {@code error.txt} (message first line, then details), then the {@code failed} marker. */
    public void cellFailed(Cell cell, String message, String details) {
        Path cd = cellDir(cell);
        AtomicFiles.writeString(cd.resolve(ERROR), message + "\n" + (details == null ? "" : details));
        AtomicFiles.writeString(cd.resolve(FAILED), "");
        setStatus(cell, Status.FAILED.label());
        writeManifest();
    }

    /** Rebuilds {@code tables/metrics.csv} from every done cell in the folder (all sessions, all shards). */
    public MetricsTable rebuildTables() {
        MetricsTable table = readTable(dir);
        org.vistabench.results.MetricsCsv.write(dir.resolve(TABLES).resolve(METRICS_CSV), table);
        return table;
    }

    /** Ends this session in the manifest (the lock stays until {@link #close()}). */
    public void finish(RunSummary summary) {
        finish("finished", summary.ok(), summary.failed(), summary.skipped());
    }

    private void finish(String how, int ok, int failed, int skipped) {
        List<RunManifest.Session> sessions = new ArrayList<>(manifest.sessions());
        int last = sessions.size() - 1;
        sessions.set(last, sessions.get(last).ended(Instant.now().toString(), how, ok, failed, skipped));
        manifest = manifest.withSessions(sessions);
        finished = true;
        refreshFromDisk();
        writeManifest();
    }

    void setSources(List<String> sources) {
        manifest = manifest.withSources(sources);
        writeManifest();
    }

    /**
     * Ends this session as {@code stopped}: a signal asked it to stop at a safe point, and the cell it interrupted is
     * left incomplete for {@code --resume} (the lock stays until {@link #close()}).
     */
    public void stopped() {
        finishAs("stopped");
    }

    /** Ends the session with the counts of its cells' recorded statuses. */
    private void finishAs(String how) {
        int ok = (int) cells.values().stream().filter(c -> c.status().equals("done")).count();
        int bad = (int) cells.values().stream().filter(c -> c.status().equals("failed")).count();
        finish(how, ok, bad, 0);
    }

    /** Ends the session (as {@code failed} if {@link #finish} was not called) and releases the lock. */
    @Override
    public void close() {
        try {
            if (!finished) {
                finishAs("failed");
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot record the end of this session in {}: {}", dir.resolve(MANIFEST), e.getMessage());
        } finally {
            lock.close();
        }
    }

    /** Sets each known cell's status, and adds cells found on disk, from the markers in the cell folders. */
    private void refreshFromDisk() {
        for (Map.Entry<String, RunManifest.CellEntry> e : cells.entrySet()) {
            Status s = statusOnDisk(cellDir(dir, e.getKey()));
            if (s != Status.PENDING || !e.getValue().status().equals("pending")) {
                e.setValue(e.getValue().withStatus(s.label()));
            }
        }
        for (CellResult r : readDoneCells(dir)) {
            setStatus(r.cell(), Status.DONE.label());
        }
    }

    /** A cell's entry with a new status, keeping its recorded stage times. */
    private void setStatus(Cell cell, String status) {
        RunManifest.CellEntry e = cells.get(cell.id());
        cells.put(cell.id(), e == null ? RunManifest.CellEntry.of(cell, status) : e.withStatus(status));
    }

    private void writeManifest() {
        try {
            AtomicFiles.write(dir.resolve(MANIFEST), Json.MAPPER.writeValueAsBytes(manifest.withCells(cells)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(MANIFEST) + ": " + e.getMessage(), e);
        }
    }

    // ---- reading a results folder (no lock needed: every file is written atomically) ----

    public static Optional<RunManifest> readManifest(Path dir) {
        Path f = dir.resolve(MANIFEST);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            RunManifest m = Json.MAPPER.readValue(f.toFile(), RunManifest.class);
            if (m.spec() == null || m.spec().sha256() == null) {
                throw new VistaException(ExitCodes.USAGE, f + ": no spec.sha256 in the manifest");
            }
            return Optional.of(m);
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, "cannot read " + f + ": " + Json.why(e), e);
        }
    }

    public static Status statusOnDisk(Path cellDir) {
        if (Files.exists(cellDir.resolve(DONE))) {
            return Status.DONE;
        }
        if (Files.exists(cellDir.resolve(FAILED))) {
            return Status.FAILED;
        }
        return Files.isDirectory(cellDir) ? Status.INCOMPLETE : Status.PENDING;
    }

    /** Every done cell of a results folder, sorted by cell id. */
    public static List<CellResult> readDoneCells(Path dir) {
        Path root = dir.resolve(CELLS);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> done;
        try (Stream<Path> s = Files.list(root)) {
            // Names starting with '.' are temp folders of a merge copy in progress (or interrupted).
            done = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.exists(p.resolve(DONE))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        List<CellResult> out = new ArrayList<>();
        for (Path cd : done) {
            CellResult r = readCell(cd);
            if (!r.cell().id().equals(cd.getFileName().toString())) {
                throw new VistaException(ExitCodes.USAGE, cd.resolve(METRICS) + ": holds cell " + r.cell().id()
                        + ", expected " + cd.getFileName());
            }
            out.add(r);
        }
        return out;
    }

    /** The long-format table of every done cell in {@code dir}. */
    public static MetricsTable readTable(Path dir) {
        return table(readDoneCells(dir));
    }

    /** The long-format table of cells already read. */
    static MetricsTable table(List<CellResult> done) {
        List<MetricsTable.Row> rows = new ArrayList<>();
        for (CellResult r : done) {
            r.metrics().forEach((k, v) -> rows.add(new MetricsTable.Row(r.cell(), k, v)));
        }
        return new MetricsTable(rows);
    }

    public static CellResult readCell(Path cellDir) {
        Path f = cellDir.resolve(METRICS);
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readAllBytes(f));
            Cell cell = Json.MAPPER.treeToValue(root.required("cell"), Cell.class);
            Map<String, Double> metrics = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.required("metrics").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                metrics.put(e.getKey(), parseValue(f, e.getKey(), e.getValue()));
            }
            return new CellResult(cell, metrics);
        } catch (NoSuchFileException e) {
            throw new VistaException(ExitCodes.USAGE, cellDir + " is marked done but has no " + METRICS);
        } catch (IOException | IllegalArgumentException e) {
            throw new VistaException(ExitCodes.USAGE, "cannot read " + f + ": " + Json.why(e), e);
        }
    }

    /** metrics.json bytes: finite values as JSON numbers (exact round trip), NaN/Infinity as strings. */
    static byte[] metricsJson(Cell cell, Map<String, Double> metrics) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.set("cell", Json.MAPPER.valueToTree(cell));
        ObjectNode m = root.putObject("metrics");
        new TreeMap<>(metrics).forEach((k, v) -> {
            if (Double.isFinite(v)) {
                m.put(k, v.doubleValue());
            } else {
                m.put(k, Double.toString(v));
            }
        });
        try {
            return (Json.MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double parseValue(Path f, String key, JsonNode v) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new VistaException(ExitCodes.USAGE, f + ": metric " + key + " is " + v + ", expected a number");
    }

    static Path cellDir(Path dir, String cellId) {
        if (cellId.isEmpty() || cellId.contains("/") || cellId.contains("\\") || cellId.startsWith(".")) {
            throw new IllegalArgumentException("cell id '" + cellId + "' cannot be a folder name");
        }
        return dir.resolve(CELLS).resolve(cellId);
    }

    static RunManifest.SpecCopy specCopy(Spec spec) {
        return specCopy(spec, List.of());
    }

    static RunManifest.SpecCopy specCopy(Spec spec, List<String> overrides) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(spec.file());
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, "cannot read spec " + spec.file() + ": " + e.getMessage(), e);
        }
        String sha = Sha256.hex(bytes);
        if (spec.sha256() != null && !spec.sha256().equalsIgnoreCase(sha)) {
            throw new VistaException(ExitCodes.USAGE, "spec " + spec.file() + " changed after it was loaded (sha256 "
                    + shortSha(spec.sha256()) + " then, " + shortSha(sha) + " now)");
        }
        return new RunManifest.SpecCopy(spec.name(), spec.file().toString(), sha,
                new String(bytes, StandardCharsets.UTF_8), overrides);
    }

    private static String device(Spec spec) {
        String requested = spec.train() == null || spec.train().device() == null ? "auto" : spec.train().device();
        return requested + " (" + org.vistabench.tensor.DjlRuntime.describe() + ")";
    }

    static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
