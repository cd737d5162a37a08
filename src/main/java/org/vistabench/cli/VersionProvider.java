package org.vistabench.cli;

import picocli.CommandLine;

/** {@code --version}: ours, Java's, DJL's and the PyTorch native library's, without starting the engine. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";
    public static final String DJL = "0.36.0";
    public static final String PYTORCH = "2.7.1";

    @Override
    public String[] getVersion() {
        return new String[] {
            "vistabench " + VERSION,
            "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
            "djl " + DJL + ", pytorch native " + PYTORCH + " (cpu, linux-x86_64)"
        };
    }
}
