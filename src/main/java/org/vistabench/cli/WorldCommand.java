package org.vistabench.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vistabench.core.ExitCodes;
import org.vistabench.spec.WorldSpec;
import org.vistabench.world.World;
import org.vistabench.world.WorldBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vistabench world build}: builds (or verifies) the embedded mini world. */
@Command(name = "world", mixinStandardHelpOptions = true,
        description = "Build or verify the embedded mini world (scenes, tiny Gemma-2 LM, text SAEs, encoders).",
        subcommands = {WorldCommand.Build.class})
public final class WorldCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build the mini world into <out>/<key>/, or verify a cached one (a second call is a cache hit; "
                    + "a deleted or corrupted file is reported and its stage rebuilt).",
            footer = {"", "Examples:", "  vistabench world build                 default scale, seed 17, default cache",
                "  vistabench world build --scale tiny --out /tmp/worlds"})
    static final class Build implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR",
                description = "Cache folder (default: $VISTABENCH_HOME/worlds, else ~/.vistabench/worlds).")
        Path out;

        @Option(names = "--seed", defaultValue = "17", description = "World seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--scale", defaultValue = "default", description = "tiny or default (default: ${DEFAULT-VALUE}).")
        String scale;

        @Option(names = "--threads", defaultValue = "1",
                description = "Torch threads for training (default: ${DEFAULT-VALUE}; 1 gives bit-identical files).")
        int threads;

        @Option(names = "--force", description = "Rebuild every stage even when the cache verifies.")
        boolean force;

        @Option(names = "--no-progress", description = "No progress bars.")
        boolean noProgress;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (threads < 1) {
                throw new org.vistabench.core.VistaException(ExitCodes.USAGE, "--threads: expected at least 1, got " + threads);
            }
            World w = World.ensure(new WorldSpec("mini", scale, seed, out), out,
                    new WorldBuilder.Options(threads, force, !noProgress));
            spec.commandLine().getOut().println(w.root());
            return ExitCodes.OK;
        }
    }
}
