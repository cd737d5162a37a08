package org.vistabench.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vistabench.spec.NodeReader.Entries;
import org.vistabench.spec.NodeReader.Scalar;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** The {@code train} section (with its device) and the {@code metrics} section of a spec. */
final class TrainSection {
    private final NodeReader r;

    TrainSection(NodeReader r) {
        this.r = r;
    }

    TrainSpec train(Node n) {
        Entries m = r.mapping(n, "train", SpecSchema.KEYS.get("train"));
        if (m == null) {
            return null;
        }
        boolean staged = m.get("stages") != null;
        // With stages, steps, batch and lr are defaults that each stage may override (a stage without them needs
        // them here).
        Long steps = staged ? (m.get("steps") == null ? null : r.positiveInt(m.get("steps"), "train.steps"))
                : r.required(m, "steps", "a positive integer") ? r.positiveInt(m.get("steps"), "train.steps") : null;
        Long batch = staged ? (m.get("batch") == null ? null : r.positiveInt(m.get("batch"), "train.batch"))
                : r.required(m, "batch", "a positive integer") ? r.positiveInt(m.get("batch"), "train.batch") : null;
        Double lr = staged ? (m.get("lr") == null ? null : number(m.get("lr"), "train.lr", false))
                : r.required(m, "lr", "a positive number") ? number(m.get("lr"), "train.lr", false) : null;
        Long warmup = m.get("warmup") == null ? Long.valueOf(0)
                : r.integer(m.get("warmup"), "train.warmup", 0, Integer.MAX_VALUE, "a non-negative integer");
        if (warmup != null && steps != null && warmup >= steps && m.get("warmup") != null) {
            r.error(m.get("warmup"), "train.warmup", "expected fewer warmup steps than train.steps (" + steps
                    + "), got " + warmup);
        }
        Double lambda = m.get("lambda_sae") == null ? Double.valueOf(1.0)
                : number(m.get("lambda_sae"), "train.lambda_sae", true);
        String projector = m.get("projector") == null ? "mlp2x_gelu"
                : r.choice(m.get("projector"), "train.projector", SpecSchema.PROJECTORS);
        String precision = m.get("precision") == null ? "fp32"
                : r.choice(m.get("precision"), "train.precision", SpecSchema.PRECISIONS);
        String device = m.get("device") == null ? "auto" : device(m.get("device"));
        Long checkpointEvery = m.get("checkpoint_every") == null ? (staged ? Long.valueOf(0) : steps)
                : r.positiveInt(m.get("checkpoint_every"), "train.checkpoint_every");
        Double gradClip = m.get("grad_clip") == null ? Double.valueOf(1.0)
                : number(m.get("grad_clip"), "train.grad_clip", true);
        Double weightDecay = m.get("weight_decay") == null ? Double.valueOf(0.0)
                : number(m.get("weight_decay"), "train.weight_decay", true);
        Long evalImages = m.get("eval_images") == null ? Long.valueOf(0)
                : r.integer(m.get("eval_images"), "train.eval_images", 0, Integer.MAX_VALUE, "a non-negative integer");
        Long accumulation = m.get("accumulation") == null ? Long.valueOf(1)
                : r.positiveInt(m.get("accumulation"), "train.accumulation");
        List<StageSpec> stages = List.of();
        if (staged) {
            StageDefaults d = new StageDefaults(steps, batch, lr, warmup, accumulation, lambda, weightDecay, gradClip);
            stages = stages(m.get("stages"), d);
            if (stages == null) {
                return null;
            }
            steps = 0L;
            long maxBatch = 0;
            for (StageSpec st : stages) {
                steps += st.steps() == null ? 0 : st.steps();
                maxBatch = Math.max(maxBatch, st.batch());
            }
            batch = maxBatch;
            lr = lr == null ? stages.get(0).lr() : lr;
        }
        if (steps == null || batch == null || lr == null || warmup == null || lambda == null || projector == null
                || precision == null || device == null || checkpointEvery == null || gradClip == null
                || weightDecay == null || evalImages == null || accumulation == null) {
            return null;
        }
        return new TrainSpec(steps.intValue(), batch.intValue(), lr, warmup.intValue(), lambda, projector, precision,
                device, checkpointEvery.intValue(), gradClip, weightDecay, evalImages.intValue(),
                accumulation.intValue(), stages);
    }

    /** The train section's values that stages inherit (null where the section had none or an error). */
    private record StageDefaults(Long steps, Long batch, Double lr, Long warmup, Long accumulation, Double lambda,
                                 Double weightDecay, Double gradClip) {
    }

    /** {@code train.stages}: a non-empty list of stages with unique names; null after any error. */
    private List<StageSpec> stages(Node n, StageDefaults d) {
        List<Node> items = r.list(n, "train.stages", "a non-empty list of stages", true);
        if (items == null) {
            return null;
        }
        List<StageSpec> out = new ArrayList<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            String p = "train.stages[" + i + "]";
            StageSpec st = stage(items.get(i), p, d);
            if (st == null) {
                ok = false;
                continue;
            }
            Integer before = names.putIfAbsent(st.name(), i);
            if (before != null) {
                r.error(((MappingNode) items.get(i)).getValue().stream()
                        .filter(t -> ((ScalarNode) t.getKeyNode()).getValue().equals("name")).findFirst()
                        .map(NodeTuple::getValueNode).orElse(items.get(i)), p + ".name", "expected a stage name not"
                        + " used before, got \"" + st.name() + "\" (also train.stages[" + before + "])");
                ok = false;
                continue;
            }
            out.add(st);
        }
        return ok ? Collections.unmodifiableList(out) : null;
    }

    private StageSpec stage(Node n, String p, StageDefaults d) {
        Entries m = r.mapping(n, p, SpecSchema.KEYS.get("train.stages[]"));
        if (m == null) {
            return null;
        }
        String name = null;
        if (r.required(m, "name", "a stage name")) {
            name = r.string(m.get("name"), p + ".name", "a stage name");
            if (name != null && !SpecSchema.ID.matcher(name).matches()) {
                r.error(m.get("name"), p + ".name", "expected letters, digits, '.', '_' or '-' (starting and ending"
                        + " with a letter or digit), got \"" + name + "\"");
                name = null;
            }
        }
        String data = StageSpec.COCO;
        if (m.get("data") != null) {
            data = r.string(m.get("data"), p + ".data", "coco or the name of a data.conversations set");
            if (data != null && !SpecSchema.ID.matcher(data).matches()) {
                r.error(m.get("data"), p + ".data", "expected coco or the name of a data.conversations set, got \""
                        + data + "\"");
                data = null;
            }
        }
        boolean bad = name == null || data == null;
        Long steps = null;
        Long epochs = null;
        if (m.get("steps") != null && m.get("epochs") != null) {
            r.error(m.get("epochs"), p + ".epochs", "expected steps or epochs, not both");
            bad = true;
        } else if (m.get("steps") != null) {
            steps = r.positiveInt(m.get("steps"), p + ".steps");
            bad |= steps == null;
        } else if (m.get("epochs") != null) {
            epochs = r.positiveInt(m.get("epochs"), p + ".epochs");
            bad |= epochs == null;
        } else if (d.steps() != null) {
            steps = d.steps();
        } else if (!r.misspelt(m, "steps") && !r.misspelt(m, "epochs")) {
            r.error(m.node(), p, "missing key \"steps\" or \"epochs\" (how long the stage trains; train.steps is not"
                    + " set either)");
            bad = true;
        } else {
            bad = true;
        }
        Double lr = m.get("lr") != null ? number(m.get("lr"), p + ".lr", false)
                : inherited(m, p, "lr", d.lr(), "a positive number");
        Long batch = m.get("batch") != null ? r.positiveInt(m.get("batch"), p + ".batch")
                : inherited(m, p, "batch", d.batch(), "a positive integer");
        Long accumulation = m.get("accumulation") != null ? r.positiveInt(m.get("accumulation"), p + ".accumulation")
                : d.accumulation();
        String schedule = m.get("schedule") == null ? "cosine"
                : r.choice(m.get("schedule"), p + ".schedule", SpecSchema.SCHEDULES);
        Long warmup = d.warmup();
        Double ratio = null;
        if (m.get("warmup") != null && m.get("warmup_ratio") != null) {
            r.error(m.get("warmup_ratio"), p + ".warmup_ratio", "expected warmup or warmup_ratio, not both");
            bad = true;
        } else if (m.get("warmup") != null) {
            warmup = r.integer(m.get("warmup"), p + ".warmup", 0, Integer.MAX_VALUE, "a non-negative integer");
            if (warmup != null && steps != null && warmup >= steps) {
                r.error(m.get("warmup"), p + ".warmup", "expected fewer warmup steps than the stage's steps ("
                        + steps + "), got " + warmup);
                bad = true;
            }
        } else if (m.get("warmup_ratio") != null) {
            ratio = r.number(m.get("warmup_ratio"), p + ".warmup_ratio", "a number in [0, 1)", v -> v >= 0 && v < 1);
            bad |= ratio == null;
        } else if (warmup != null && steps != null && warmup >= steps) {
            r.error(m.node(), p, "train.warmup (" + warmup + ") is not fewer than this stage's steps (" + steps
                    + "); give the stage its own warmup or warmup_ratio");
            bad = true;
        }
        Double lambda = m.get("lambda_sae") != null ? number(m.get("lambda_sae"), p + ".lambda_sae", true)
                : d.lambda();
        Double wd = m.get("weight_decay") != null ? number(m.get("weight_decay"), p + ".weight_decay", true)
                : d.weightDecay();
        Double clip = m.get("grad_clip") != null ? number(m.get("grad_clip"), p + ".grad_clip", true) : d.gradClip();
        if (bad || lr == null || batch == null || accumulation == null || schedule == null || warmup == null
                || lambda == null || wd == null || clip == null) {
            return null;
        }
        return new StageSpec(name, data, steps == null ? null : steps.intValue(),
                epochs == null ? null : epochs.intValue(), lr, schedule, warmup.intValue(), ratio, batch.intValue(),
                accumulation.intValue(), lambda, wd, clip);
    }

    /** A stage key the stage leaves out: the train section's value, or an error when it has none either. */
    private <T> T inherited(Entries m, String p, String key, T dflt, String expected) {
        if (dflt == null && !r.misspelt(m, key)) {
            r.error(m.node(), p, "missing key \"" + key + "\" (expected " + expected + "; train." + key
                    + " is not set either)");
        }
        return dflt;
    }

    private String device(Node n) {
        Scalar s = r.scalar(n, "train.device", "auto|cpu|gpu|gpu:N");
        if (s == null) {
            return null;
        }
        if (s.isNull() || !SpecSchema.DEVICE.matcher(s.value()).matches()) {
            r.error(n, "train.device", "expected auto|cpu|gpu|gpu:N, got " + NodeReader.describe(s)
                    + r.didYouMean(s.value(), List.of("auto", "cpu", "gpu")));
            return null;
        }
        return s.value();
    }

    /** A finite number; positive, or non-negative when {@code zeroOk}. */
    private Double number(Node n, String p, boolean zeroOk) {
        return zeroOk ? r.number(n, p, "a non-negative number", d -> d >= 0)
                : r.number(n, p, "a positive number", d -> d > 0);
    }

    Map<String, Map<String, Object>> metrics(Node n, Map<String, LayerSet> layerSets) {
        if (n == null) {
            return Map.of();
        }
        Entries m = r.mapping(n, "metrics", null);
        if (m == null) {
            return Map.of();
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        boolean first = true;
        for (Map.Entry<String, NodeTuple> e : m.byKey().entrySet()) {
            String provider = e.getKey();
            String p = m.path(provider);
            Node v = e.getValue().getValueNode();
            if (provider.equals("train") && !first) {
                r.error(e.getValue().getKeyNode(), p, "expected train to be the first metric (the other providers use "
                        + "the projector it trains)");
            }
            first = false;
            Map<String, Object> params;
            if (NodeReader.isNull(v)) {
                params = Map.of();
            } else if (v instanceof MappingNode) {
                Object converted = r.value(v, p);
                @SuppressWarnings("unchecked")
                Map<String, Object> cast = converted instanceof Map<?, ?> ? (Map<String, Object>) converted : Map.of();
                params = cast;
                checkLayerSetParams((MappingNode) v, p, layerSets);
            } else {
                r.error(v, p, "expected a mapping of parameters (or {}), got " + NodeReader.describe(v));
                continue;
            }
            out.put(provider, params);
        }
        return Collections.unmodifiableMap(out);
    }

    private void checkLayerSetParams(MappingNode params, String p, Map<String, LayerSet> layerSets) {
        for (NodeTuple t : params.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k) || !SpecSchema.LAYER_SET_PARAMS.contains(k.getValue())) {
                continue;
            }
            String kp = NodeReader.join(p, k.getValue());
            Node v = t.getValueNode();
            List<Node> refs = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            if (v instanceof SequenceNode seq) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    refs.add(seq.getValue().get(i));
                    paths.add(kp + "[" + i + "]");
                }
            } else {
                refs.add(v);
                paths.add(kp);
            }
            for (int i = 0; i < refs.size(); i++) {
                Scalar s = r.scalar(refs.get(i), paths.get(i), "the name of a layer set");
                if (s != null && !layerSets.containsKey(s.value())) {
                    r.error(refs.get(i), paths.get(i), "expected the name of a layer set defined under sae_layer_sets ("
                            + String.join(", ", layerSets.keySet()) + "), got " + NodeReader.describe(s)
                            + r.didYouMean(s.value(), layerSets.keySet()));
                }
            }
        }
    }
}
