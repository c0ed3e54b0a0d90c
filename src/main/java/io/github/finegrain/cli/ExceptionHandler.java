package io.github.finegrain.cli;

import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.npy.NpyFormatException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Maps exceptions to the documented exit codes: bad input data (a file that does not fit its format, a missing
 * file) to 3 with a one-line message, anything else to 1 with the stack trace.
 */
final class ExceptionHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (ex instanceof DataFormatException || ex instanceof NpyFormatException
                || ex instanceof NoSuchFileException) {
            cmd.getErr().println("error: bad input: " + ex.getMessage());
            return FinegrainCli.EXIT_BAD_INPUT;
        }
        if (ex instanceof IllegalArgumentException) {
            cmd.getErr().println("error: " + ex.getMessage());
            cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            return CommandLine.ExitCode.USAGE;
        }
        cmd.getErr().println("error: internal error: " + ex);
        ex.printStackTrace(cmd.getErr());
        return CommandLine.ExitCode.SOFTWARE;
    }
}
