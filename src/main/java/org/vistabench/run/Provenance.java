package org.vistabench.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.cell.SpecFiles;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.core.Version;
import org.vistabench.io.Sha256;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/**
 * Where a result came from: the code's git commit, the versions of the software that computed it, and the checkpoint
 * files it read (with their sha256).
 */
public final class Provenance {
    public static final String UNKNOWN = "unknown";
    private static final Logger LOG = LoggerFactory.getLogger(Provenance.class);
    /** {@code .../models--org--name/snapshots/<commit>/...}: the Hugging Face hub cache layout. */
    private static final Pattern HF_SNAPSHOT = Pattern.compile(".*/models--([^/]+)/snapshots/([^/]+)/.+");

    /**
     * A checkpoint file a run read.
     *
     * @param model    the encoder or LLM id of the spec it belongs to
     * @param role     {@code config}, {@code tokenizer}, {@code weights}, {@code weights-index}, {@code sae},
     *                 {@code labels}
     * @param path     the resolved path (in an HF cache: the snapshot path, not the blob)
     * @param repo     {@code org/name} when under a Hugging Face cache, else null
     * @param revision the snapshot folder name (the commit {@code refs/main} pointed at) when under an HF cache
     */
    public record CheckpointFile(String model, String role, String path, String repo, String revision, long size,
                                 String sha256) {
    }

    /**
     * SHA-256 of files, each hashed once: cached by path, size and modification time for the life of the object
     * (one per run), so a file several models share, or one listed twice, is read once.
     */
    public static final class Hasher {
        private record Key(Path path, long size, long mtime) {
        }

        private final Map<Key, String> cache = new HashMap<>();
        private int reads;

        public String sha256(Path file) {
            try {
                Path real = file.toRealPath();
                Key k = new Key(real, Files.size(real), Files.getLastModifiedTime(real).toMillis());
                String known = cache.get(k);
                if (known != null) {
                    return known;
                }
                long t0 = System.nanoTime();
                MessageDigest md = Sha256.digest();
                byte[] buf = new byte[1 << 20];
                try (InputStream in = Files.newInputStream(real)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                }
                String hex = Sha256.hex(md);
                reads++;
                double secs = (System.nanoTime() - t0) / 1e9;
                if (k.size() > (64L << 20) || secs > 1) {
                    LOG.info("sha256 of {} ({} MB) in {} s", file, k.size() >> 20, String.format("%.1f", secs));
                }
                cache.put(k, hex);
                return hex;
            } catch (IOException e) {
                throw new VistaException(ExitCodes.CELL_FAILED, file + ": cannot hash for run.json: "
                        + e.getMessage());
            }
        }

        /** How many files were actually read (not answered from the cache). */
        public int reads() {
            return reads;
        }
    }

    /** The checkpoint files the cells read, hashed (every file once), by resolved path. */
    public static Map<String, CheckpointFile> checkpoints(Spec spec, List<Cell> cells, Hasher hasher) {
        Set<String> encoders = new TreeSet<>();
        Set<String> llms = new TreeSet<>();
        cells.forEach(c -> {
            encoders.add(c.encoder());
            llms.add(c.llm());
        });
        Map<String, CheckpointFile> out = new TreeMap<>();
        long t0 = System.nanoTime();
        for (SpecFiles.ReadFile f : SpecFiles.filesRead(spec, encoders, llms)) {
            out.put(f.path().toString(), describe(f.model(), f.role(), f.path(), hasher));
        }
        if (!out.isEmpty()) {
            LOG.info("run.json: {} checkpoint files hashed in {} s", out.size(),
                    String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        }
        return out;
    }

    /** One file's record: its HF repo and revision when its path is in a hub cache snapshot. */
    public static CheckpointFile describe(String model, String role, Path file, Hasher hasher) {
        Path abs = file.toAbsolutePath().normalize();
        Matcher m = HF_SNAPSHOT.matcher(abs.toString().replace('\\', '/'));
        String repo = m.matches() ? m.group(1).replaceFirst("--", "/") : null;
        String rev = m.matches() ? m.group(2) : null;
        long size;
        try {
            size = Files.size(abs);
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, abs + ": cannot stat for run.json: " + e.getMessage());
        }
        return new CheckpointFile(model, role, abs.toString(), repo, rev, size, hasher.sha256(abs));
    }

    /**
     * @param commit {@code git rev-parse HEAD}, or {@code unknown} outside a git checkout
     * @param dirty  whether {@code git status --porcelain} lists changes; null (JSON null) when unknown
     */
    public record Git(String commit, Boolean dirty) {
    }

    private Provenance() {
    }

    /** The git state of the checkout around {@code dir} (the working directory for a CLI run). */
    public static Git git(Path dir) {
        String head = git(dir, "rev-parse", "HEAD");
        if (head == null || head.isBlank()) {
            return new Git(UNKNOWN, null);
        }
        String status = git(dir, "status", "--porcelain");
        return new Git(head.strip(), status == null ? null : !status.isBlank());
    }

    public static Map<String, String> versions() {
        Map<String, String> v = new TreeMap<>();
        v.put("vistabench", Version.VISTABENCH);
        v.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        v.put("djl", Version.DJL);
        v.put("pytorch", Version.PYTORCH);
        return v;
    }

    /** Output of a git command, or null when git is missing, fails or takes too long. */
    private static String git(Path dir, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
