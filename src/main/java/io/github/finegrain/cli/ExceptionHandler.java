package io.github.finegrain.cli;

import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.npy.NpyFormatException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * Maps exceptions to the documented exit codes with one-line messages:
 * <ul>
 *   <li>3, bad input data: a file that does not fit its format ({@link DataFormatException},
 *       {@link NpyFormatException}) or a file or folder that cannot be read or written as asked (any
 *       {@link IOException}: missing, a folder where a file is expected or the reverse, already exists, no
 *       permission); the message names the path and says what is wrong;</li>
 *   <li>2, usage error: an option value the library rejects ({@link IllegalArgumentException});</li>
 *   <li>1, internal error: anything else, with the stack trace.</li>
 * </ul>
 */
final class ExceptionHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        if (e instanceof DataFormatException || e instanceof NpyFormatException) {
            cmd.getErr().println("error: bad input: " + e.getMessage());
            return FinegrainCli.EXIT_BAD_INPUT;
        }
        if (e instanceof IOException io) {
            cmd.getErr().println("error: bad input: " + describe(io));
            return FinegrainCli.EXIT_BAD_INPUT;
        }
        if (e instanceof IllegalArgumentException) {
            cmd.getErr().println("error: " + e.getMessage());
            cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            return CommandLine.ExitCode.USAGE;
        }
        cmd.getErr().println("error: internal error: " + e);
        e.printStackTrace(cmd.getErr());
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** A one-line description of a file problem that names the path and the reason. */
    static String describe(IOException e) {
        if (e instanceof FileSystemException fs) {
            String path = fs.getFile() == null ? "" : fs.getFile();
            String reason = fs.getReason();
            String what = e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof FileAlreadyExistsException ? "already exists (and is not the folder expected here)"
                    : e instanceof NotDirectoryException ? "is not a folder"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof DirectoryNotEmptyException ? "folder is not empty"
                    : reason != null ? reason : "cannot be used";
            String extra = fs.getReason() != null && !what.equals(fs.getReason()) ? " (" + fs.getReason() + ")" : "";
            return path + ": " + what + extra;
        }
        if (e instanceof FileNotFoundException) {
            return e.getMessage() + " (cannot open the file: missing, a folder, or no permission)";
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }
}
