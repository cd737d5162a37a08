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
        Long steps = r.required(m, "steps", "a positive integer") ? r.positiveInt(m.get("steps"), "train.steps") : null;
        Long batch = r.required(m, "batch", "a positive integer") ? r.positiveInt(m.get("batch"), "train.batch") : null;
        Double lr = r.required(m, "lr", "a positive number") ? number(m.get("lr"), "train.lr", false) : null;
        Long warmup = m.get("warmup") == null ? Long.valueOf(0)
                : r.integer(m.get("warmup"), "train.warmup", 0, Integer.MAX_VALUE, "a non-negative integer");
        if (warmup != null && steps != null && warmup >= steps) {
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
        Long checkpointEvery = m.get("checkpoint_every") == null ? steps
                : r.positiveInt(m.get("checkpoint_every"), "train.checkpoint_every");
        Double gradClip = m.get("grad_clip") == null ? Double.valueOf(1.0)
                : number(m.get("grad_clip"), "train.grad_clip", true);
        Double weightDecay = m.get("weight_decay") == null ? Double.valueOf(0.0)
                : number(m.get("weight_decay"), "train.weight_decay", true);
        Long evalImages = m.get("eval_images") == null ? Long.valueOf(0)
                : r.integer(m.get("eval_images"), "train.eval_images", 0, Integer.MAX_VALUE, "a non-negative integer");
        if (steps == null || batch == null || lr == null || warmup == null || lambda == null || projector == null
                || precision == null || device == null || checkpointEvery == null || gradClip == null
                || weightDecay == null || evalImages == null) {
            return null;
        }
        return new TrainSpec(steps.intValue(), batch.intValue(), lr, warmup.intValue(), lambda, projector, precision,
                device, checkpointEvery.intValue(), gradClip, weightDecay, evalImages.intValue());
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
