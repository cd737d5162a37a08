package org.vistabench.cli;

import java.io.PrintWriter;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.FileErrorsException;
import org.vistabench.core.VistaException;
import org.vistabench.spec.SpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code vistabench} command. Each subcommand is one class in this package; none holds business logic. */
@Command(name = "vistabench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Benchmark and reproducibility harness for VISTA (text-SAE interpretability transfer to vision).",
        subcommands = {
            ValidateCommand.class, PlanCommand.class, RunCommand.class, MergeCommand.class, CheckCommand.class,
            ReportCommand.class, ParityCommand.class, WorldCommand.class, CommandLine.HelpCommand.class
        },
        footer = {"", "Examples:",
            "  vistabench run specs/mini.yaml              train and score the mini default",
            "  vistabench validate specs/mini.yaml         check a spec, write nothing",
            "  vistabench plan specs/mini.yaml --shards 3  list cells and their shards",
            "  vistabench world build                      build (or verify) the mini world",
            "", "Exit codes: 0 ok and all claims hold; 1 a golden claim failed;",
            "  2 spec or usage error; 3 a cell failed to run; 4 unexpected internal error;",
            "  143 (130) run stopped by SIGTERM (SIGINT) at a safe point (go on: --resume)."})
public final class Main implements Runnable {
    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of unexpected errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        org.vistabench.tensor.DjlRuntime.configureEngineCache();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.registerConverter(java.nio.file.Path.class, Main::path);
        cl.setExitCodeExceptionMapper(t -> t instanceof VistaException ve ? ve.exitCode() : ExitCodes.INTERNAL);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            ex.getCommandLine().getErr().println("(see: " + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help)");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean debug = debug(parsed);
            if (ex instanceof FileErrorsException fe && !fe.errors().isEmpty()) {
                fe.errors().forEach(e -> c.getErr().println("error: " + e)); // one located problem a line
            } else if (ex instanceof SpecException se && !se.errors().isEmpty()) {
                se.errors().forEach(e -> c.getErr().println("error: " + e));
            } else if (ex instanceof VistaException) {
                c.getErr().println("error: " + oneLine(ex.getMessage()));
            }
            if (ex instanceof VistaException ve) {
                if (debug) {
                    ex.printStackTrace(c.getErr());
                }
                return ve.exitCode();
            }
            c.getErr().println("internal error: " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage())
                    + (debug ? "" : " (rerun with --debug for the stack trace)"));
            if (debug) {
                ex.printStackTrace(c.getErr());
            }
            return ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }

    /**
     * Whether {@code --debug} was given at any level: before the subcommand ({@code vistabench --debug run}) or after
     * it ({@code vistabench run --debug}, {@code vistabench world build --debug}); picocli records an inherited option
     * in the parse result of the command it follows.
     */
    static boolean debug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A path argument. Java decodes file names with the locale's charset ({@code sun.jnu.encoding}): under
     * {@code LANG=C} a non-ASCII name cannot be represented, and the raw {@code InvalidPathException} says nothing
     * useful. The launcher switches to C.UTF-8 when it can; this names the cause when it could not.
     */
    static java.nio.file.Path path(String s) {
        try {
            return java.nio.file.Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            String charset = System.getProperty("sun.jnu.encoding", java.nio.charset.Charset.defaultCharset().name());
            throw new CommandLine.TypeConversionException("'" + s + "' cannot be used as a path here: the platform's"
                    + " file-name charset (" + charset + ") cannot represent it; run under a UTF-8 locale, e.g."
                    + " LC_ALL=C.UTF-8 (./vistabench does this itself)");
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
