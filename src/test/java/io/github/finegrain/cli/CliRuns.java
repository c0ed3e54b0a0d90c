package io.github.finegrain.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Runs the finegrain CLI in-process the way {@code main} does, capturing its output, for the command tests. */
final class CliRuns {
    private CliRuns() {
    }

    /** {@code finegrain args...} with standard output into {@code out} and errors into {@code err}; the exit code. */
    static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = FinegrainCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** {@code finegrain command args...}. */
    static int run(StringWriter out, StringWriter err, String command, String... args) {
        return run(out, err, Stream.concat(Stream.of(command), Stream.of(args)).toArray(String[]::new));
    }
}
