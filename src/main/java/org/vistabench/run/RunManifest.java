package org.vistabench.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vistabench.spec.Cell;

/**
 * {@code run.json}: what made the results in a folder. The spec is copied as text (with its sha256) so a result can be
 * re-run or audited without the original file; every session (run, resume, merge) that wrote to the folder is listed
 * with its times; cells carry their status as of the last write.
 *
 * @param sources for a merged folder, the folders it was merged from (empty for a run)
 * @param matrix  every cell id of the spec's matrix (before {@code --shard} / {@code --cells}), so that a merge of
 *                shards can name the cells none of them holds; empty in folders written before it was recorded
 * @param checkpoints every checkpoint file the sessions read (model configs, tokenizers, weight shards, SAE and
 *                label files), by resolved path, with its HF revision, size and sha256; {@code world:} models are
 *                made from the spec and are not listed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunManifest(int format, SpecCopy spec, long seed, List<Long> seeds, Provenance.Git git,
                          Map<String, String> versions, String device, List<Session> sessions,
                          Map<String, CellEntry> cells, List<String> sources, List<String> matrix,
                          Map<String, Provenance.CheckpointFile> checkpoints) {
    public static final int FORMAT = 1;

    /** A manifest that records no checkpoint files yet. */
    public RunManifest(int format, SpecCopy spec, long seed, List<Long> seeds, Provenance.Git git,
                       Map<String, String> versions, String device, List<Session> sessions,
                       Map<String, CellEntry> cells, List<String> sources, List<String> matrix) {
        this(format, spec, seed, seeds, git, versions, device, sessions, cells, sources, matrix, null);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public RunManifest {
        checkpoints = checkpoints == null ? Map.of() : new TreeMap<>(checkpoints);
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        versions = versions == null ? Map.of() : new TreeMap<>(versions);
        sessions = sessions == null ? List.of() : List.copyOf(sessions);
        cells = cells == null ? Map.of() : new TreeMap<>(cells);
        sources = sources == null ? List.of() : List.copyOf(sources);
        matrix = matrix == null ? List.of() : List.copyOf(new java.util.TreeSet<>(matrix));
    }

    /**
     * The spec as it was when the folder was first written. Its identity is {@code sha256} (the file's bytes) and
     * {@code overrides} together: a resume or a merge must agree on both.
     *
     * @param overrides the command line's {@code --set} / {@code --limit} changes in canonical form
     *                  ({@code org.vistabench.spec.Overrides#canonical()}); empty without overrides and in folders
     *                  written before overrides existed
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SpecCopy(String name, String file, String sha256, String text, List<String> overrides) {
        public SpecCopy {
            overrides = overrides == null ? List.of() : List.copyOf(overrides);
        }

        public SpecCopy(String name, String file, String sha256, String text) {
            this(name, file, sha256, text, List.of());
        }

        /** How the identity reads in messages: {@code sha256 0123456789ab} plus {@code --set ...} when any. */
        public String identity() {
            return "sha256 " + ResultsStore.shortSha(sha256) + (overrides.isEmpty() ? ", no --set"
                    : ", with " + String.join(" ", overrides.stream().map(o -> o.startsWith("--") ? o
                            : "--set " + o).toList()));
        }
    }

    /**
     * One process that wrote to the folder.
     *
     * @param command   what it was: {@code run}, {@code run --resume --shard 0/3}, {@code merge a b}
     * @param ended     null while it runs (or when it was killed)
     * @param status    {@code running}, {@code finished}, {@code failed} (an exception ended it), {@code stopped} (a
     *                  signal stopped it at a safe point; {@code --resume} continues it)
     * @param git       the code this session ran (a resume may run newer code than the first session)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Session(String command, long pid, String host, String started, String ended, String status,
                          int ok, int failed, int skipped, Provenance.Git git) {
        Session ended(String when, String how, int okCells, int failedCells, int skippedCells) {
            return new Session(command, pid, host, started, when, how, okCells, failedCells, skippedCells, git);
        }
    }

    /**
     * A cell and its status: {@code pending}, {@code running}, {@code done}, {@code failed}, {@code incomplete}.
     *
     * @param seconds wall seconds of the session that last ran it, per stage (provider name), plus {@code setup}:
     *                the time spent making per-run shared objects (world build, model loads, features) during its
     *                stages, which the stage times exclude; null when not run in this folder's sessions
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CellEntry(String encoder, String llm, String saeLayers, String control, long seed, String status,
                            Map<String, Double> seconds) {
        static CellEntry of(Cell c, String status) {
            return new CellEntry(c.encoder(), c.llm(), c.saeLayers(), c.control(), c.seed(), status, null);
        }

        CellEntry withStatus(String s) {
            return new CellEntry(encoder, llm, saeLayers, control, seed, s, seconds);
        }

        CellEntry withSeconds(Map<String, Double> secs) {
            return new CellEntry(encoder, llm, saeLayers, control, seed, status,
                    secs == null ? null : new java.util.LinkedHashMap<>(secs));
        }

        Cell cell(String id) {
            return new Cell(id, encoder, llm, saeLayers, control, seed);
        }
    }

    RunManifest withSessions(List<Session> s) {
        return new RunManifest(format, spec, seed, seeds, git, versions, device,
                s, cells, sources, matrix, checkpoints);
    }

    RunManifest withCells(Map<String, CellEntry> c) {
        return new RunManifest(format, spec, seed, seeds, git, versions, device,
                sessions, c, sources, matrix, checkpoints);
    }

    RunManifest withSources(List<String> s) {
        return new RunManifest(format, spec, seed, seeds, git, versions, device,
                sessions, cells, s, matrix, checkpoints);
    }

    RunManifest withMatrix(List<String> m) {
        return new RunManifest(format, spec, seed, seeds, git, versions, device,
                sessions, cells, sources, m, checkpoints);
    }

    RunManifest withCheckpoints(Map<String, Provenance.CheckpointFile> c) {
        return new RunManifest(format, spec, seed, seeds, git, versions, device, sessions, cells, sources, matrix, c);
    }

    RunManifest plusSession(Session s) {
        List<Session> all = new ArrayList<>(sessions);
        all.add(s);
        return withSessions(all);
    }
}
