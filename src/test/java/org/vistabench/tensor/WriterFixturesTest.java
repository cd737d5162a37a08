package org.vistabench.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SafeTensorsWriter must reproduce every fixture checkpoint byte for byte (F32, BF16, I64): the hf-parity files come
 * from the Python {@code safetensors} library (dtype-then-name layout, the writer's default), the sae-formats files
 * from a hand-written writer in make_sae_fixtures.py (tensors by name, metadata in insertion order).
 */
class WriterFixturesTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @Test
    void everyFixtureCheckpointIsReproducedByteForByte() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(FIXTURES)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        assertTrue(files.size() >= 17, "fixtures found: " + files.size());
        for (Path f : files) {
            boolean pythonLibrary = f.startsWith(FIXTURES.resolve("hf-parity"));
            SafeTensorsWriter w = new SafeTensorsWriter();
            try (SafeTensors st = SafeTensors.open(f)) {
                if (pythonLibrary) {
                    w.metadata(st.metadata());
                } else {
                    w.order(SafeTensorsWriter.TensorOrder.NAME).metadataInOrder(st.metadata());
                }
                for (String n : st.names()) {
                    TensorInfo t = st.info(n);
                    switch (t.dtype()) {
                        case I64 -> w.put(n, t.shape(), st.longs(n));
                        case F32, BF16 -> w.put(n, t.dtype(), t.shape(), st.floats(n));
                        default -> throw new AssertionError(f + ": fixture has dtype " + t.dtype());
                    }
                }
            }
            assertArrayEquals(Files.readAllBytes(f), w.toBytes(), f.toString());
        }
    }
}
