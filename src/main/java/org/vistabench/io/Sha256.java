package org.vistabench.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex: the one place that asks the JVM for the algorithm (every JVM has it). */
public final class Sha256 {
    private Sha256() {
    }

    /** A fresh digest to {@code update} piece by piece; finish with {@link #hex(MessageDigest)}. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** Of the string's UTF-8 bytes. */
    public static String hex(String s) {
        return hex(s.getBytes(StandardCharsets.UTF_8));
    }
}
