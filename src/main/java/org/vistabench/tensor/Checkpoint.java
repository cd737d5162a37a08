package org.vistabench.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vistabench.io.Json;

/**
 * A model's weights: {@code model.safetensors}, or shards listed in {@code model.safetensors.index.json}, or any single
 * {@code *.safetensors} file given directly.
 */
public final class Checkpoint implements AutoCloseable {
    private static final ObjectMapper INDEX_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Path location;
    private final Map<String, SafeTensors> byTensor;
    private final List<SafeTensors> files;

    private Checkpoint(Path location, Map<String, SafeTensors> byTensor, List<SafeTensors> files) {
        this.location = location;
        this.byTensor = byTensor;
        this.files = files;
    }

    public static Checkpoint open(Path dirOrFile) {
        if (Files.isRegularFile(dirOrFile)) {
            SafeTensors st = SafeTensors.open(dirOrFile);
            Map<String, SafeTensors> m = new TreeMap<>();
            st.names().forEach(n -> m.put(n, st));
            return new Checkpoint(dirOrFile, m, List.of(st));
        }
        Path index = dirOrFile.resolve("model.safetensors.index.json");
        Path single = dirOrFile.resolve("model.safetensors");
        if (Files.isRegularFile(index)) {
            return openSharded(dirOrFile, index);
        }
        if (Files.isRegularFile(single)) {
            return open(single);
        }
        throw new TensorFormatException(dirOrFile + ": no model.safetensors or model.safetensors.index.json found");
    }

    private static Checkpoint openSharded(Path dir, Path index) {
        JsonNode root;
        try {
            root = INDEX_JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new TensorFormatException(index + ": not valid JSON: " + Json.why(e));
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new TensorFormatException(index + ": missing object 'weight_map'");
        }
        Map<String, SafeTensors> shards = new LinkedHashMap<>();
        Map<String, SafeTensors> byTensor = new TreeMap<>();
        try {
            var it = wm.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new TensorFormatException(index + ": weight_map entry '" + e.getKey()
                            + "' must name a shard file, found " + e.getValue());
                }
                String shardName = e.getValue().asText();
                Path shardPath = dir.resolve(shardName).normalize();
                if (shardName.isEmpty() || !shardPath.startsWith(dir.normalize()) || shardPath.equals(dir.normalize())) {
                    throw new TensorFormatException(index + ": weight_map entry '" + e.getKey() + "' names shard '"
                            + shardName + "' outside the checkpoint folder");
                }
                SafeTensors st = shards.get(shardName);
                if (st == null) {
                    if (!Files.isRegularFile(shardPath)) {
                        throw new TensorFormatException(shardPath + ": shard is missing (" + index.getFileName()
                                + " lists it for tensor '" + e.getKey() + "')");
                    }
                    st = SafeTensors.open(shardPath);
                    shards.put(shardName, st);
                }
                if (!st.has(e.getKey())) {
                    throw new TensorFormatException(st.file() + ": tensor '" + e.getKey()
                            + "' is listed in " + index.getFileName() + " but missing from the shard");
                }
                byTensor.put(e.getKey(), st);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafeTensors::close);
            throw e;
        }
        return new Checkpoint(dir, byTensor, List.copyOf(shards.values()));
    }

    public Path location() {
        return location;
    }

    public Set<String> names() {
        return new TreeSet<>(byTensor.keySet());
    }

    public boolean has(String name) {
        return byTensor.containsKey(name);
    }

    public TensorInfo info(String name) {
        return source(name).info(name);
    }

    public Path fileOf(String name) {
        return source(name).file();
    }

    public float[] floats(String name) {
        return source(name).floats(name);
    }

    public long[] longs(String name) {
        return source(name).longs(name);
    }

    public NDArray toNd(NDManager m, String name) {
        return source(name).toNd(m, name);
    }

    /**
     * A tensor the model needs, as F32 (or I64); missing → error naming the checkpoint and tensor; a wrong shape →
     * both shapes. Pass no {@code expectedShape} to skip the shape check.
     */
    public NDArray require(NDManager m, String name, long... expectedShape) {
        TensorInfo t = info(name);
        if (expectedShape.length > 0 && !Arrays.equals(t.shape(), expectedShape)) {
            throw new TensorFormatException(fileOf(name) + ": tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(expectedShape)
                    + " (from config.json)");
        }
        return toNd(m, name);
    }

    private SafeTensors source(String name) {
        SafeTensors st = byTensor.get(name);
        if (st == null) {
            throw new TensorFormatException(location + ": tensor '" + name + "' is missing (the model config needs it)");
        }
        return st;
    }

    @Override
    public void close() {
        files.forEach(SafeTensors::close);
    }
}
