package io.github.finegrain.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code finegrain} command line: a thin layer that turns flags into the library's validated records and
 * calls the library. Exit codes: 0 ok, 2 usage error, 3 bad input data, 1 internal error.
 */
@Command(name = "finegrain", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Interpretable spatial latent factor models on Deeplearning4j.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, PlotCommand.class,
                TuneCommand.class, ImportSportvuCommand.class, FactorizeCommand.class, BenchCommand.class,
                SynthSportvuCommand.class,
                CommandLine.HelpCommand.class})
public final class FinegrainCli {

    /** Exit code for bad input data (a file that cannot be read or does not fit its format). */
    public static final int EXIT_BAD_INPUT = 3;

    /** Runs the CLI and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // Keep DL4J's start-up INFO lines off the console unless the user asks for them.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(args));
    }

    /** Runs the CLI in-process (used by tests) and returns the exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured picocli command line with every subcommand registered. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FinegrainCli());
        cl.setExecutionExceptionHandler(new ExceptionHandler());
        // a command that fails removes the output folders it created that are still empty (CliFiles)
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> {
            CliFiles.commandStarted();
            boolean ok = false;
            try {
                int code = run.execute(parsed);
                ok = code == 0;
                return code;
            } finally {
                CliFiles.commandEnded(ok);
            }
        });
        return cl;
    }
}
