package org.vistabench.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;
import org.vistabench.spec.NodeReader.Entries;
import org.yaml.snakeyaml.nodes.Node;

/** The {@code judge} section of a spec: which judge reads latent labels and steered answers. */
final class JudgeSection {
    /** A POSIX-style environment variable name. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final NodeReader r;

    JudgeSection(NodeReader r) {
        this.r = r;
    }

    /** The section, or null when the spec has none (the lexicon judge); null too after a reported error. */
    JudgeSpec judge(Node n) {
        if (n == null) {
            return null;
        }
        Entries m = r.mapping(n, "judge", SpecSchema.KEYS.get("judge"));
        if (m == null) {
            return null;
        }
        String kind = m.get("kind") == null ? JudgeSpec.LEXICON : r.choice(m.get("kind"), "judge.kind",
                JudgeSpec.KINDS);
        String baseUrl = m.get("base_url") == null ? null : baseUrl(m.get("base_url"));
        String model = m.get("model") == null ? null : r.string(m.get("model"), "judge.model", "a model name");
        String keyEnv = m.get("api_key_env") == null ? null : keyEnv(m.get("api_key_env"));
        Double timeout = m.get("timeout_s") == null ? Double.valueOf(JudgeSpec.DEFAULT_TIMEOUT_S)
                : r.number(m.get("timeout_s"), "judge.timeout_s", "a positive number of seconds", d -> d > 0);
        Long retries = m.get("retries") == null ? Long.valueOf(JudgeSpec.DEFAULT_RETRIES)
                : r.integer(m.get("retries"), "judge.retries", 0, 20, "a number of retries");
        if (JudgeSpec.OPENAI.equals(kind)) {
            r.required(m, "base_url", "the server's API root, e.g. http://127.0.0.1:8000/v1");
            r.required(m, "model", "the model name the server knows");
        }
        if (kind == null || timeout == null || retries == null || (m.get("base_url") != null && baseUrl == null)
                || (m.get("model") != null && model == null) || (m.get("api_key_env") != null && keyEnv == null)) {
            return null;
        }
        return new JudgeSpec(kind, baseUrl, model, keyEnv, timeout, retries.intValue());
    }

    private String baseUrl(Node n) {
        String s = r.string(n, "judge.base_url", "an http:// or https:// URL");
        if (s == null) {
            return null;
        }
        try {
            URI u = new URI(s);
            if ((!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) || u.getHost() == null
                    || u.getQuery() != null || u.getFragment() != null) {
                r.error(n, "judge.base_url", "expected an http:// or https:// URL with a host and no query, got '"
                        + s + "'");
                return null;
            }
        } catch (URISyntaxException e) {
            r.error(n, "judge.base_url", "expected an http:// or https:// URL, got '" + s + "' (" + e.getReason()
                    + ")");
            return null;
        }
        // "<base_url>/chat/completions" whether or not the user wrote a trailing slash
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private String keyEnv(Node n) {
        String s = r.string(n, "judge.api_key_env", "the name of an environment variable");
        if (s != null && !ENV_NAME.matcher(s).matches()) {
            r.error(n, "judge.api_key_env", "expected the name of an environment variable (the key itself never goes "
                    + "in a spec), got '" + s + "'");
            return null;
        }
        return s;
    }
}
