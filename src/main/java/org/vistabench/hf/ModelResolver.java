package org.vistabench.hf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/**
 * Turns a model reference from a spec into a local folder. Never downloads.
 *
 * <ul>
 *   <li>{@code hf:org/name[@rev]}: a snapshot in the Hugging Face hub cache,
 *       {@code <cache>/models--org--name/snapshots/<commit>/}. The cache is the first of {@code $HF_HUB_CACHE},
 *       {@code $HUGGINGFACE_HUB_CACHE} (its deprecated name), {@code $HF_HOME/hub},
 *       {@code $XDG_CACHE_HOME/huggingface/hub}, {@code ~/.cache/huggingface/hub} that is set, as huggingface_hub
 *       picks it. {@code rev} is a commit hash (a snapshot folder) or a ref name ({@code refs/<rev>} holds the
 *       commit); without it {@code refs/main}, and without that the only snapshot, or the newest by mtime with a
 *       WARN when there are several.</li>
 *   <li>anything else: a path, resolved against the spec's folder when relative.</li>
 * </ul>
 * A missing model → exit 3 with every path that was looked at.
 */
public final class ModelResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ModelResolver.class);
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");

    private final Map<String, String> env;
    private final Path home;

    /** @param env the environment (tests pass their own); {@code home} the user's home folder */
    public ModelResolver(Map<String, String> env, Path home) {
        this.env = Map.copyOf(env);
        this.home = home;
    }

    /** A resolver reading the process environment. */
    public static ModelResolver system() {
        return new ModelResolver(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** {@link #resolvePath} with the process environment. */
    public static Path resolve(String ref, Path specDir) {
        return system().resolvePath(ref, specDir);
    }

    /** {@link #resolve(String, Path)} against the working directory. */
    public static Path resolve(String ref) {
        return resolve(ref, null);
    }

    /** The hub cache folder and the variable that chose it. */
    public record HubCache(Path dir, String chosenBy) {
    }

    public HubCache hubCache() {
        if (set("HF_HUB_CACHE")) {
            return new HubCache(Path.of(env.get("HF_HUB_CACHE")), "$HF_HUB_CACHE");
        }
        if (set("HUGGINGFACE_HUB_CACHE")) {
            return new HubCache(Path.of(env.get("HUGGINGFACE_HUB_CACHE")), "$HUGGINGFACE_HUB_CACHE");
        }
        if (set("HF_HOME")) {
            return new HubCache(Path.of(env.get("HF_HOME")).resolve("hub"), "$HF_HOME/hub");
        }
        if (set("XDG_CACHE_HOME")) {
            return new HubCache(Path.of(env.get("XDG_CACHE_HOME")).resolve("huggingface").resolve("hub"),
                    "$XDG_CACHE_HOME/huggingface/hub");
        }
        return new HubCache(home.resolve(".cache").resolve("huggingface").resolve("hub"),
                "~/.cache/huggingface/hub (no HF_HUB_CACHE or HF_HOME set)");
    }

    private boolean set(String key) {
        String v = env.get(key);
        return v != null && !v.isBlank();
    }

    public Path resolvePath(String ref, Path specDir) {
        if (ref == null || ref.isBlank()) {
            throw new VistaException(ExitCodes.USAGE, "empty model reference");
        }
        if (ref.startsWith("hf:")) {
            return resolveHub(ref);
        }
        if (ref.startsWith("world:")) {
            throw new VistaException(ExitCodes.USAGE, "'" + ref + "': world: references are resolved by the mini"
                    + " world, not as a path");
        }
        Path p = Path.of(ref);
        Path full = p.isAbsolute() || specDir == null ? p : specDir.resolve(p);
        full = full.toAbsolutePath().normalize();
        if (!Files.exists(full)) {
            throw new VistaException(ExitCodes.CELL_FAILED, "model '" + ref + "' not found: looked for " + full
                    + (specDir == null || p.isAbsolute() ? "" : " (relative to the spec's folder " + specDir + ")"));
        }
        return full;
    }

    private Path resolveHub(String ref) {
        String body = ref.substring(3);
        String repo = body;
        String rev = null;
        int at = body.indexOf('@');
        if (at >= 0) {
            repo = body.substring(0, at);
            rev = body.substring(at + 1);
            if (rev.isEmpty() || rev.contains("..") || rev.startsWith("/")) {
                throw new VistaException(ExitCodes.USAGE, "'" + ref + "': bad revision after '@'");
            }
        }
        if (!REPO.matcher(repo).matches()) {
            throw new VistaException(ExitCodes.USAGE, "'" + ref + "': expected hf:org/name[@revision]");
        }
        HubCache cache = hubCache();
        Path repoDir = cache.dir().resolve("models--" + repo.replace("/", "--"));
        Path snapshots = repoDir.resolve("snapshots");
        String where = " (hub cache " + cache.dir() + " from " + cache.chosenBy() + "; nothing is downloaded: run"
                + " `hf download " + repo + "` first)";
        List<Path> looked = new ArrayList<>();
        if (rev != null) {
            Path direct = snapshots.resolve(rev);
            looked.add(direct);
            if (!rev.contains("/") && Files.isDirectory(direct)) {
                return direct;
            }
            Path refFile = repoDir.resolve("refs").resolve(rev);
            looked.add(refFile);
            if (Files.isRegularFile(refFile)) {
                Path snap = snapshots.resolve(readRef(refFile));
                looked.add(snap);
                if (Files.isDirectory(snap)) {
                    return snap;
                }
            }
            throw missing(ref, looked, where);
        }
        Path main = repoDir.resolve("refs").resolve("main");
        looked.add(main);
        if (Files.isRegularFile(main)) {
            Path snap = snapshots.resolve(readRef(main));
            looked.add(snap);
            if (Files.isDirectory(snap)) {
                return snap;
            }
            // refs/main names a snapshot that is not there (an interrupted download): do not guess another one.
            throw missing(ref, looked, where);
        }
        looked.add(snapshots);
        List<Path> snaps = listDirs(snapshots);
        if (snaps.isEmpty()) {
            throw missing(ref, looked, where);
        }
        if (snaps.size() == 1) {
            return snaps.get(0);
        }
        Path newest = snaps.stream().max(Comparator.comparing(ModelResolver::mtime).thenComparing(Path::toString))
                .orElseThrow();
        LOG.warn("{}: no refs/main and {} snapshots {}; using the newest by mtime, {} (pin one with @<commit>)", ref,
                snaps.size(), snaps.stream().map(s -> s.getFileName().toString()).toList(), newest.getFileName());
        return newest;
    }

    private static VistaException missing(String ref, List<Path> looked, String where) {
        return new VistaException(ExitCodes.CELL_FAILED, "model '" + ref + "' not found in the Hugging Face cache:"
                + " looked for " + String.join(", ", looked.stream().map(Path::toString).toList()) + where);
    }

    private static String readRef(Path refFile) {
        try {
            String s = Files.readString(refFile, StandardCharsets.UTF_8).trim();
            if (s.isEmpty() || s.contains("/") || s.contains("\\") || s.contains("..")) {
                throw new VistaException(ExitCodes.CELL_FAILED, refFile + ": expected a commit hash, found '" + s + "'");
            }
            return s;
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, refFile + ": cannot read: " + e.getMessage());
        }
    }

    private static List<Path> listDirs(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, dir + ": cannot list: " + e.getMessage());
        }
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
