package org.vistabench.model.projector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * The LLaVA-1.5 vision-to-language projector: {@code mlp2x_gelu} (Linear → GELU → Linear, HF
 * {@code LlavaMultiModalProjector}) or {@code linear} (one Linear, LLaVA-1's projector).
 *
 * <p>Weights use HF LLaVA's names and nn.Linear's layout ({@code weight [out, in]}): {@code
 * multi_modal_projector.linear_1.weight}, {@code .linear_1.bias}, {@code .linear_2.weight}, {@code .linear_2.bias}.
 * The GELU is the exact (erf) one, as {@code nn.GELU()} / HF's {@code projector_hidden_act: gelu}.
 *
 * <p>The parameters are F32 leaves that require gradients; they live in a sub-manager of the one given, so they
 * survive the per-step managers of a training loop. {@link #forward} results live in the features' manager.
 */
public final class Projector implements AutoCloseable {
    public static final String PREFIX = "multi_modal_projector.";
    public static final String W1 = PREFIX + "linear_1.weight";
    public static final String B1 = PREFIX + "linear_1.bias";
    public static final String W2 = PREFIX + "linear_2.weight";
    public static final String B2 = PREFIX + "linear_2.bias";

    private final ProjectorKind kind;
    private final int inDim;
    private final int outDim;
    private final NDManager manager;
    /** Name → parameter, in {@link #names()} order. */
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    private Projector(ProjectorKind kind, int inDim, int outDim, NDManager parent, Map<String, float[]> values) {
        if (inDim <= 0 || outDim <= 0) {
            throw new IllegalArgumentException("projector dims must be positive, got in=" + inDim + " out=" + outDim);
        }
        this.kind = kind;
        this.inDim = inDim;
        this.outDim = outDim;
        this.manager = parent.newSubManager();
        for (String name : names(kind)) {
            long[] shape = shapeOf(kind, inDim, outDim, name);
            float[] v = values.get(name);
            if (v == null) {
                manager.close();
                throw new IllegalArgumentException("projector: missing tensor " + name);
            }
            NDArray p = NdArrays.owned(manager, v, new Shape(shape));
            p.setRequiresGradient(true);
            params.put(name, p);
        }
    }

    /**
     * A freshly initialised projector, as {@code nn.Linear} initialises (kaiming_uniform with a = √5, which is
     * U(−1/√fan_in, 1/√fan_in) for the weight, and the same bound for the bias), deterministic in {@code seed}.
     * The random stream is Java's {@link SplittableRandom}, so the values differ from torch's for the same seed.
     */
    public static Projector init(ProjectorKind kind, int inDim, int outDim, long seed, NDManager manager) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> v = new TreeMap<>();
        for (String name : names(kind)) {
            long[] shape = shapeOf(kind, inDim, outDim, name);
            long fanIn = name.startsWith(PREFIX + "linear_1") ? inDim : outDim;
            double bound = 1.0 / Math.sqrt(fanIn);
            int n = Math.toIntExact(numel(shape));
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            v.put(name, a);
        }
        return new Projector(kind, inDim, outDim, manager, v);
    }

    /** A projector from given values (name → row-major data), e.g. from a checkpoint or optimizer state. */
    public static Projector of(ProjectorKind kind, int inDim, int outDim, Map<String, float[]> values,
                               NDManager manager) {
        return new Projector(kind, inDim, outDim, manager, values);
    }

    /** The tensor names of a kind, in canonical order. */
    public static List<String> names(ProjectorKind kind) {
        return kind == ProjectorKind.LINEAR ? List.of(W1, B1) : List.of(W1, B1, W2, B2);
    }

    /** The nn.Linear shape of a tensor. */
    public static long[] shapeOf(ProjectorKind kind, int inDim, int outDim, String name) {
        return switch (name) {
            case W1 -> new long[] {outDim, inDim};
            case B1, B2 -> new long[] {outDim};
            case W2 -> new long[] {outDim, outDim};
            default -> throw new IllegalArgumentException("projector " + kind + ": no tensor " + name);
        };
    }

    public ProjectorKind kind() {
        return kind;
    }

    public int inDim() {
        return inDim;
    }

    public int outDim() {
        return outDim;
    }

    public List<String> names() {
        return List.copyOf(params.keySet());
    }

    /** The parameters by name (the live leaf arrays: the optimizer updates them in place). */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    public long parameterCount() {
        long n = 0;
        for (NDArray p : params.values()) {
            n += p.size();
        }
        return n;
    }

    /** features {@code [..., in]} → visual tokens {@code [..., out]}; differentiable w.r.t. the parameters. */
    public NDArray forward(NDArray features) {
        return forward(features, null);
    }

    /**
     * As {@link #forward(NDArray)}, computing in {@code compute} (e.g. BF16 on a GPU whose JNI has the BF16 patch);
     * the parameters stay F32 masters and are cast inside the graph, so their gradients are F32. Null = F32.
     */
    public NDArray forward(NDArray features, DataType compute) {
        Shape s = features.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != inDim) {
            throw new IllegalArgumentException("projector expects features [..., " + inDim + "], got " + s);
        }
        NDArray x = compute == null ? features : features.toType(compute, false);
        NDArray h = linear(x, param(W1, compute), param(B1, compute));
        if (kind == ProjectorKind.LINEAR) {
            return h;
        }
        return linear(Activation.gelu(h), param(W2, compute), param(B2, compute));
    }

    private NDArray param(String name, DataType compute) {
        NDArray p = params.get(name);
        return compute == null || compute == DataType.FLOAT32 ? p : p.toType(compute, false);
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray b) {
        // x · Wᵀ + b, as nn.Linear.
        return x.matMul(w.transpose()).add(b);
    }

    /** The current values (name → row-major floats), e.g. for bit-identity checks. */
    public Map<String, float[]> values() {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Saves as safetensors with HF LLaVA names; metadata says the kind and dims. Atomic. */
    public void save(Path file, Map<String, String> extraMetadata) {
        writer(extraMetadata).write(file);
    }

    /** A writer holding the weights (and metadata), for callers that add tensors (optimizer state) to the file. */
    public SafeTensorsWriter writer(Map<String, String> extraMetadata) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        Map<String, String> md = new TreeMap<>(extraMetadata);
        md.put("projector_type", kind.specName());
        md.put("mm_hidden_size", Integer.toString(inDim));
        md.put("hidden_size", Integer.toString(outDim));
        w.metadata(md);
        params.forEach((name, p) -> w.put(name, DType.F32, p.getShape().getShape(), p.toFloatArray()));
        return w;
    }

    /** Loads what {@link #save} wrote (or any file with HF LLaVA projector tensors and our metadata). */
    public static Projector load(Path file, NDManager manager) {
        try (SafeTensors st = SafeTensors.open(file)) {
            Map<String, String> md = st.metadata();
            String type = md.get("projector_type");
            if (type == null) {
                type = st.has(W2) ? ProjectorKind.MLP2X_GELU.specName() : ProjectorKind.LINEAR.specName();
            }
            ProjectorKind kind = ProjectorKind.parse(type);
            if (!st.has(W1)) {
                throw new VistaException(ExitCodes.CELL_FAILED, file + ": tensor '" + W1 + "' is missing");
            }
            long[] w1 = st.info(W1).shape();
            int out = (int) w1[0];
            int in = (int) w1[1];
            Map<String, float[]> v = new TreeMap<>();
            for (String name : names(kind)) {
                if (!st.has(name)) {
                    throw new VistaException(ExitCodes.CELL_FAILED, file + ": tensor '" + name + "' is missing");
                }
                long[] want = shapeOf(kind, in, out, name);
                long[] got = st.info(name).shape();
                if (!java.util.Arrays.equals(want, got)) {
                    throw new VistaException(ExitCodes.CELL_FAILED, file + ": tensor '" + name + "' has shape "
                            + java.util.Arrays.toString(got) + ", expected " + java.util.Arrays.toString(want));
                }
                v.put(name, st.floats(name));
            }
            return new Projector(kind, in, out, manager, v);
        }
    }

    /** Copies {@code values} into the live parameters (same names and sizes), outside autograd. */
    public void assign(Map<String, float[]> values) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null || v.length != e.getValue().size()) {
                missing.add(e.getKey());
                continue;
            }
            try (NDManager tmp = manager.newSubManager()) {
                NDArray src = NdArrays.owned(tmp, v, e.getValue().getShape());
                e.getValue().set(new ai.djl.ndarray.index.NDIndex("..."), src);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("projector assign: missing or mis-sized " + missing);
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public void close() {
        manager.close();
    }
}
