package org.vistabench.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;

/**
 * {@code run.lock} in a results folder: one run (or merge) writes a folder at a time. The file is created with
 * {@code CREATE_NEW}, so of two runs racing for it exactly one wins. A lock left by a dead process (killed, machine
 * rebooted) is taken over with a WARN. The lock is released on {@link #close()}: a run stopped by SIGTERM unwinds to it
 * ({@link StopOnSignal}); a shutdown hook releases it when the JVM exits any other way (System.exit, a second signal).
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = "run.lock";
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    /** A lock file still empty after this long was left by a process that died between create and write. */
    private static final long EMPTY_LOCK_STALE_MS = 10_000;

    /** Who holds a lock. */
    public record Holder(long pid, String host, String started) {
        static Holder current() {
            return new Holder(ProcessHandle.current().pid(), hostName(), Instant.now().toString());
        }
    }

    private final Path file;
    private final Holder holder;
    private final Thread hook;
    private boolean released;

    private RunLock(Path file, Holder holder) {
        this.file = file;
        this.holder = holder;
        this.hook = new Thread(this::deleteIfOurs, "vistabench-release-" + FILE);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Takes the lock of {@code dir} (created if missing).
     *
     * @throws VistaException exit 2 when a live process holds it, naming pid, host and start time
     */
    public static RunLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new VistaException(ExitCodes.USAGE, "--out " + dir + " is a file, not a folder: choose a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, "cannot create results folder " + dir + ": " + reason(e), e);
        }
        Holder me = Holder.current();
        byte[] content = toJson(me);
        // A few rounds: each one either creates the lock, or finds a live holder (error), or removes a stale one.
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new RunLock(file, me);
            } catch (FileAlreadyExistsException e) {
                takeOverIfStale(dir, file);
            } catch (IOException e) {
                throw new VistaException(ExitCodes.USAGE, "cannot write in results folder " + dir + ": " + reason(e)
                        + " (choose a writable --out)", e);
            }
        }
        throw new VistaException(ExitCodes.USAGE, dir + " is in use: " + file + " keeps reappearing");
    }

    /** An I/O failure in words: "permission denied", "read-only file system", or the exception's own message. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    public Holder holder() {
        return holder;
    }

    /** The holder recorded in {@code dir}'s lock, if there is a readable one. */
    public static Optional<Holder> readHolder(Path dir) {
        try {
            return parse(Files.readAllBytes(dir.resolve(FILE)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void takeOverIfStale(Path dir, Path file) {
        byte[] bytes;
        long ageMs;
        try {
            bytes = Files.readAllBytes(file);
            ageMs = System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis();
        } catch (NoSuchFileException gone) {
            return; // released meanwhile: try again
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Optional<Holder> other = parse(bytes);
        if (other.isEmpty()) {
            if (ageMs < EMPTY_LOCK_STALE_MS) {
                // Probably being written right now by the process that created it.
                throw new VistaException(ExitCodes.USAGE, dir + " is in use: " + file + " was created "
                        + ageMs + " ms ago and is not readable yet");
            }
            LOG.warn("taking over unreadable lock {} ({} ms old)", file, ageMs);
        } else {
            Holder h = other.get();
            String why = staleReason(h);
            if (why == null) {
                throw new VistaException(ExitCodes.USAGE, dir + " is in use by pid " + h.pid() + " on host "
                        + h.host() + " since " + h.started() + " (if that process is gone, delete " + file + ")");
            }
            LOG.warn("taking over stale lock {} of pid {} on host {} since {}: {}", file, h.pid(), h.host(),
                    h.started(), why);
        }
        try {
            // Delete only if it is still the lock we judged stale, so we never remove a newcomer's fresh lock
            // (a small window remains between this read and the delete; two takers of one stale lock are rare).
            if (java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException gone) {
            // someone else removed it: fine
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove stale lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Why the holder cannot be alive, or null when it may be. */
    static String staleReason(Holder h) {
        if (!h.host().equals(hostName())) {
            return null; // cannot look at another machine's processes: assume it is alive
        }
        Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
        if (p.isEmpty() || !p.get().isAlive()) {
            return "no process " + h.pid() + " on this host";
        }
        Optional<String> command = p.get().info().command();
        if (command.isPresent()) {
            String name = Path.of(command.get()).getFileName().toString();
            if (!name.startsWith("java")) {
                return "pid " + h.pid() + " is now '" + name + "', not a java process (pid reused)";
            }
        }
        return null;
    }

    private static Optional<Holder> parse(byte[] bytes) {
        try {
            Holder h = Json.MAPPER.readValue(bytes, Holder.class);
            return h.host() == null || h.started() == null ? Optional.empty() : Optional.of(h);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] toJson(Holder h) {
        try {
            return (Json.MAPPER.writeValueAsString(h) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hostName() {
        return HostName.VALUE;
    }

    /** Looked up once: {@code getLocalHost} can take seconds on a machine with a poor resolver setup. */
    private static final class HostName {
        static final String VALUE = lookUp();
    }

    private static String lookUp() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown" : env;
        }
    }

    private synchronized void deleteIfOurs() {
        if (released) {
            return;
        }
        released = true;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (parse(bytes).filter(holder::equals).isPresent()) {
                Files.deleteIfExists(file);
            } else {
                LOG.warn("not removing {}: it is no longer ours", file);
            }
        } catch (NoSuchFileException gone) {
            LOG.warn("lock {} disappeared while we held it", file);
        } catch (IOException e) {
            LOG.warn("cannot remove lock {}: {}", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        deleteIfOurs();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) anyway; deleteIfOurs is idempotent
        }
    }
}
