package org.vistabench.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.vistabench.core.Version;

/** Where a result came from: the code's git commit and the versions of the software that computed it. */
public final class Provenance {
    public static final String UNKNOWN = "unknown";

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
