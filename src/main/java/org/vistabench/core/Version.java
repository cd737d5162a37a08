package org.vistabench.core;

/** The versions a result records and {@code --version} prints: ours, and the DJL / PyTorch builds we link. */
public final class Version {
    public static final String VISTABENCH = "0.1.0";
    public static final String DJL = "0.36.0";
    public static final String PYTORCH = "2.7.1";

    private Version() {
    }
}
