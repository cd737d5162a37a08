package org.vistabench.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes that never leave a half-written file behind: temp file in the same folder, then an atomic rename. Files and
 * folders get the modes the process's umask gives any new file (not {@code createTempFile}'s 0600 / 0700), so results
 * and caches can be shared and merged between users.
 */
public final class AtomicFiles {
    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

    private AtomicFiles() {
    }

    /** A name beside {@code target} that no other writer (thread or process) uses. */
    private static Path uniqueBeside(Path dir, Path target, String suffix) {
        return dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + COUNTER.incrementAndGet() + suffix);
    }

    public static void write(Path target, byte[] bytes) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = uniqueBeside(dir, target, ".tmp");
            try {
                Files.write(tmp, bytes, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                move(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Moves a fully built temp folder into place, replacing whatever was there. */
    public static void replaceDirectory(Path builtTmp, Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            if (Files.exists(target)) {
                Path old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
                move(target, old);
                move(builtTmp, target);
                deleteTree(old);
            } else {
                move(builtTmp, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + builtTmp + " to " + target + ": " + e.getMessage(), e);
        }
    }

    /** A fresh temp folder beside {@code target}, on the same file system so the final rename is atomic. */
    public static Path tempDirectoryBeside(Path target) {
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            return Files.createDirectory(uniqueBeside(parent, target, ".d"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp folder beside " + target + ": " + e.getMessage(), e);
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
