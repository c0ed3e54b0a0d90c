package io.github.finegrain.data;

import java.io.IOException;

/**
 * Input data that does not fit its documented format or rules. The message names the file (and the segment, game,
 * event or frame where it applies) and says what was expected and what was found.
 */
public class DataFormatException extends IOException {
    /** @param message what was expected and found, and where */
    public DataFormatException(String message) {
        super(message);
    }
}
