package org.vistabench.spec;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in scalar values, taken from an environment map (the process environment
 * in production, a fixed map in tests). {@code $${} writes a literal {@code ${}. Keys are never interpolated: the
 * shape of a spec does not depend on the environment.
 */
final class Interpolation {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Why a value could not be interpolated; the caller adds file, line and key. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private Interpolation() {
    }

    static boolean mayContain(String s) {
        return s.indexOf('$') >= 0;
    }

    static String apply(String value, Map<String, String> env) throws Failure {
        if (!mayContain(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && value.startsWith("${", i)) {
                int end = value.indexOf('}', i + 2);
                if (end < 0) {
                    throw new Failure("unterminated ${ in \"" + value + "\" (write $${ for a literal ${)");
                }
                String body = value.substring(i + 2, end);
                int sep = body.indexOf(":-");
                String name = sep < 0 ? body : body.substring(0, sep);
                if (!NAME.matcher(name).matches()) {
                    throw new Failure("expected ${NAME} or ${NAME:-default} with NAME made of letters, digits and _, got \"${"
                            + body + "}\"");
                }
                String v = env.get(name);
                // As in the shell, ":-" also replaces a variable that is set but empty.
                if (v == null || (sep >= 0 && v.isEmpty())) {
                    if (sep < 0) {
                        throw new Failure("environment variable " + name + " is not set (write ${" + name
                                + ":-default} to give a default)");
                    }
                    v = body.substring(sep + 2);
                }
                out.append(v);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
