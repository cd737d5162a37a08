package org.vistabench.cli;

import org.vistabench.core.Version;
import picocli.CommandLine;

/** {@code --version}: ours, Java's, DJL's and the PyTorch native library's, without starting the engine. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "vistabench " + Version.VISTABENCH,
            "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
            "djl " + Version.DJL + ", pytorch native " + Version.PYTORCH + " (cpu, linux-x86_64)"
        };
    }
}
