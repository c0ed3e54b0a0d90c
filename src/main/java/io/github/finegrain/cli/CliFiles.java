package io.github.finegrain.cli;

import io.github.finegrain.data.DataFormatException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Up-front checks of the paths a command was given, so that a wrong path fails with its name and the reason. */
final class CliFiles {
    private CliFiles() {
    }

    /** {@code p} must be an existing regular file. */
    static Path inputFile(Path p, String what) throws java.io.IOException {
        if (Files.isDirectory(p)) {
            throw new DataFormatException(p + ": is a folder; expected " + what + " (a file)");
        }
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "missing " + what);
        }
        return p;
    }

    /** {@code p} must be an existing folder. */
    static Path inputFolder(Path p, String what) throws java.io.IOException {
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString(), null, "missing " + what);
        }
        if (!Files.isDirectory(p)) {
            throw new DataFormatException(p + ": is a file; expected " + what + " (a folder)");
        }
        return p;
    }

    /** {@code p} will be written as a file: it must not be a folder, and its parent folder must exist. */
    static Path outputFile(Path p, String what) throws java.io.IOException {
        if (Files.isDirectory(p)) {
            throw new DataFormatException(p + ": is a folder; expected a file name for " + what);
        }
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new NoSuchFileException(parent.toString(), null, "the folder for " + what + " does not exist");
        }
        return p;
    }

    /** {@code p} will be used as an output folder (created if missing): it must not be a regular file. */
    static Path outputFolder(Path p, String what) throws java.io.IOException {
        if (Files.exists(p) && !Files.isDirectory(p)) {
            throw new DataFormatException(p + ": is a file; expected a folder for " + what);
        }
        Files.createDirectories(p);
        return p;
    }
}
