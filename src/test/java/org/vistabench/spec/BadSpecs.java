package org.vistabench.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The malformed specs every command that reads a spec must refuse cleanly (exit 2, one line per error, no stack
 * trace). The files under {@code src/test/resources/specs/bad/} start with {@code # expect: <line>:<col> <key.path>}
 * ({@code -} for no key path); the ones too big or too odd to keep in git are generated into a temp folder.
 * Reused by the CLI tests of {@code validate}, {@code plan} and {@code run}.
 */
public final class BadSpecs {
    public static final Path DIR = Path.of("src/test/resources/specs/bad");
    private static final Pattern EXPECT = Pattern.compile("# expect: (\\d+):(\\d+) (\\S+)");

    /**
     * One malformed spec and where its (first expected) error is.
     *
     * @param line 0 for errors about the whole file (its size), which carry no position
     * @param keyPath empty when the error has no key path (before parsing: tabs, bytes, an empty file)
     */
    public record BadSpec(String name, Path file, int line, int column, String keyPath) {
        /** The text the error line must contain, e.g. {@code :12:5: train.lr: }. */
        public String location() {
            if (line == 0) {
                return file + ": ";
            }
            return ":" + line + ":" + column + ": " + (keyPath.isEmpty() ? "" : keyPath);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private BadSpecs() {
    }

    /** The checked-in bad specs plus the generated ones (written into {@code tmp}). */
    public static List<BadSpec> all(Path tmp) {
        List<BadSpec> out = new ArrayList<>(files());
        out.addAll(generated(tmp));
        return out;
    }

    public static List<BadSpec> files() {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().map(BadSpecs::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BadSpec parse(Path file) {
        try {
            String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            Matcher m = EXPECT.matcher(first);
            if (!m.matches()) {
                throw new IllegalStateException(file + ": first line must be '# expect: <line>:<col> <key.path>'");
            }
            String key = m.group(3).equals("-") ? "" : m.group(3);
            return new BadSpec(file.getFileName().toString(), file, Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)), key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Specs generated at test time: huge, alias bombs, 5000-deep nesting, binary data. */
    public static List<BadSpec> generated(Path tmp) {
        List<BadSpec> out = new ArrayList<>();
        try {
            // 10 MB: refused from its size alone, before it is read.
            byte[] big = ("# padding line of a spec that is far too large to be a real one\n")
                    .repeat(10 * 1024 * 1024 / 64).getBytes(StandardCharsets.US_ASCII);
            out.add(write(tmp, "too-large.yaml", big, 0, 0, ""));

            // Billion laughs within the alias limit: 50 aliases, but f would expand to more than a million nodes.
            StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
            String[] names = {"a", "b", "c", "d", "e"};
            for (int i = 1; i <= 5; i++) {
                String ref = ("*" + names[i - 1] + ", ").repeat(10);
                ref = ref.substring(0, ref.length() - 2);
                bomb.append(i < 5 ? names[i] + ": &" + names[i] + " [" : "f: [").append(ref).append("]\n");
            }
            out.add(write(tmp, "alias-bomb.yaml", bomb.toString().getBytes(StandardCharsets.UTF_8), 6, 4, "f"));

            // More aliases than allowed, even cheap scalar ones: the 51st is refused where it stands.
            String many = "x: &x 1\nl: [" + "*x, ".repeat(50) + "*x]\n";
            out.add(write(tmp, "alias-too-many.yaml", many.getBytes(StandardCharsets.UTF_8), 2, 5 + 4 * 50, "l[50]"));

            // A node that contains itself would expand forever.
            out.add(write(tmp, "alias-recursive.yaml", "seed: 1\na: &a [1, *a]\n".getBytes(StandardCharsets.UTF_8),
                    2, 4, "a[1]"));

            // 5000 levels of flow nesting: refused at level 64 (the top mapping is level 1).
            String deep = "deep: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
            out.add(write(tmp, "deep-5000.yaml", deep.getBytes(StandardCharsets.UTF_8), 1, 7 + 63, "deep[0][0]"));

            // 70 levels of block nesting.
            StringBuilder block = new StringBuilder();
            for (int i = 0; i < 70; i++) {
                block.append("  ".repeat(i)).append("k:\n");
            }
            out.add(write(tmp, "deep-block.yaml", block.toString().getBytes(StandardCharsets.UTF_8), 65, 129,
                    "k.k.k"));

            // Binary garbage that starts like a PNG file.
            byte[] garbage = new byte[4096];
            new Random(17).nextBytes(garbage);
            byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
            System.arraycopy(png, 0, garbage, 0, png.length);
            out.add(write(tmp, "binary-garbage.yaml", garbage, 1, 1, ""));

            // Valid UTF-8 that holds NUL bytes.
            out.add(write(tmp, "nul-bytes.yaml", "name: a\nseed: 1\0\0\n".getBytes(StandardCharsets.UTF_8), 2, 8, ""));

            // Latin-1 text where UTF-8 is expected: 0xE9 followed by 'n' is not UTF-8.
            byte[] latin1 = "name: ok\nseed: 1\nworld: {kind: m\u00e9ni}\n".getBytes(StandardCharsets.ISO_8859_1);
            out.add(write(tmp, "latin1.yaml", latin1, 3, 16, ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static BadSpec write(Path dir, String name, byte[] bytes, int line, int col, String key) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return new BadSpec(name, f, line, col, key);
    }
}
