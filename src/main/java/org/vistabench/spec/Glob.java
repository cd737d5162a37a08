package org.vistabench.spec;

import java.util.regex.Pattern;

/** Shell-style globs over cell ids: {@code *} any run of characters (also empty), {@code ?} one character. */
public final class Glob {
    private final String text;
    private final Pattern pattern;

    private Glob(String text) {
        this.text = text;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        this.pattern = Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    public static Glob of(String text) {
        return new Glob(text);
    }

    public boolean matches(String s) {
        return pattern.matcher(s).matches();
    }

    public static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
