package io.github.finegrain.npy;

import java.io.IOException;

/** A {@code .npy} file that is not in a supported form; the message names the source and what was found. */
public class NpyFormatException extends IOException {
    /** @param message what was expected and found, naming the file */
    public NpyFormatException(String message) {
        super(message);
    }
}
