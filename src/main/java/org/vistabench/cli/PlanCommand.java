package org.vistabench.cli;

import java.util.concurrent.Callable;
import org.vistabench.VistaException;
import picocli.CommandLine.Command;

/** Placeholder until its owner fills it in. */
@Command(name = "plan", mixinStandardHelpOptions = true, description = "(not implemented yet)")
public final class PlanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new VistaException(ExitCodes.INTERNAL, "'plan' is not implemented yet");
    }
}
