package io.github.finegrain.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading the JSON files finegrain writes (manifests, checkpoint state, traces, run options, metrics, search spaces,
 * example-file metadata) as untrusted input, with limits and errors that name the file and the field.
 *
 * <p>Limits (also stated in the README): a JSON document of at most {@value #MAX_NESTING} nested arrays/objects,
 * strings of at most {@value #MAX_STRING_CHARS} characters, numbers of at most {@value #MAX_NUMBER_CHARS} digits,
 * and a file of at most the size its caller allows (by default {@value #DEFAULT_MAX_BYTES} bytes). Only regular
 * files are read (a FIFO, a device or a folder in place of a JSON file is refused instead of blocking).
 * Duplicate keys are an error. The limits are checked by finegrain's own parser wrapper rather than Jackson 2.15's
 * {@code StreamReadConstraints}: finegrain stays on Jackson 2.13 to coexist with Apache Spark 3.3.
 */
public final class JsonFiles {
    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_NESTING = 64;
    /** Longest string value or key accepted, in characters. */
    public static final int MAX_STRING_CHARS = 1 << 20;
    /** Longest number accepted, in characters. */
    public static final int MAX_NUMBER_CHARS = 100;
    /** Largest JSON file read when the caller gives no other limit, in bytes (64 MiB). */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private static final ObjectMapper MAPPER = create();

    private JsonFiles() {
    }

    /**
     * A new mapper with the reading limits above, duplicate-key detection, and indented output; use it for writing
     * too, so that what is written can be read back.
     */
    public static ObjectMapper create() {
        LimitedJsonFactory factory = new LimitedJsonFactory(MAX_NESTING, MAX_STRING_CHARS, MAX_NUMBER_CHARS);
        return new ObjectMapper(factory).enable(SerializationFeature.INDENT_OUTPUT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    }

    /** The shared, configured mapper (thread-safe; do not reconfigure it). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Checks that {@code file} is a regular file (not a FIFO, device or folder; a symbolic link to a regular file is
     * accepted) of at most {@code maxBytes} bytes.
     *
     * @throws NoSuchFileException if it does not exist
     * @throws DataFormatException if it is not a regular file or too large
     */
    public static void checkRegularFile(Path file, long maxBytes, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "missing " + what);
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file + ": not a regular file (" + what + " must be a plain file, not a "
                    + (Files.isDirectory(file) ? "folder" : "pipe, device or socket") + ")");
        }
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new DataFormatException(file + ": " + what + " is " + size + " bytes, more than the "
                    + maxBytes + " bytes allowed");
        }
    }

    /** Reads {@code file} as a JSON tree: {@link #checkRegularFile} with {@link #DEFAULT_MAX_BYTES}, then parses. */
    public static JsonNode readTree(Path file, String what) throws IOException {
        return readTree(file, what, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads {@code file} (at most {@code maxBytes}) as a JSON tree.
     *
     * @throws DataFormatException naming the file, the place and the problem if it is not a JSON document within the
     *                             limits, or is empty
     */
    public static JsonNode readTree(Path file, String what, long maxBytes) throws IOException {
        checkRegularFile(file, maxBytes, what);
        try (InputStream in = Files.newInputStream(file)) {
            return readTree(in, file.toString(), what, maxBytes);
        }
    }

    /**
     * Parses a JSON tree from {@code in}, reading at most {@code maxBytes} bytes; {@code source} names it in errors
     * (a file, or a file and a zip entry).
     */
    public static JsonNode readTree(InputStream in, String source, String what, long maxBytes) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new DataFormatException(source + ": " + what + " is larger than the " + maxBytes + " bytes allowed");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw error(source, what, e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new DataFormatException(source + ": " + what + " is empty (expected a JSON document)");
        }
        return tree;
    }

    /** Reads {@code file} as a value of {@code type}; errors name the file and the field. */
    public static <T> T read(Path file, Class<T> type, String what) throws IOException {
        return convert(readTree(file, what), type, file.toString(), what);
    }

    /** Reads {@code file} as a value of {@code type}; errors name the file and the field. */
    public static <T> T read(Path file, JavaType type, String what) throws IOException {
        JsonNode tree = readTree(file, what);
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw error(file.toString(), what, e);
        }
    }

    /** Converts a parsed tree to {@code type}; errors name {@code source} and the field. */
    public static <T> T convert(JsonNode tree, Class<T> type, String source, String what) throws DataFormatException {
        try {
            T value = MAPPER.treeToValue(tree, type);
            if (value == null) {
                throw new DataFormatException(source + ": " + what + " is null (expected a JSON object)");
            }
            return value;
        } catch (JacksonException | IllegalArgumentException e) {
            throw error(source, what, e);
        }
    }

    /**
     * A {@link DataFormatException} for a JSON problem: the source, the field path (e.g. {@code stages[2].court})
     * when known, and the cause (the constructor's message when a value was rejected by its record).
     */
    public static DataFormatException error(String source, String what, Exception e) {
        String field = "";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            field = " field " + fieldPath(m);
        }
        String reason;
        Throwable cause = e.getCause();
        if (cause != null && cause != e && (cause instanceof IllegalArgumentException
                || cause instanceof NullPointerException)) {
            reason = cause.getMessage();
        } else if (e instanceof JsonProcessingException p) {
            reason = p.getOriginalMessage();
        } else {
            reason = e.getMessage();
        }
        if (reason != null) {
            reason = reason.replaceAll("\\s+", " ");
            if (reason.length() > 300) {
                reason = reason.substring(0, 300) + "...";
            }
        }
        String where = e instanceof JsonProcessingException p && p.getLocation() != null
                && p.getLocation().getLineNr() > 0 ? " (line " + p.getLocation().getLineNr() + ", column "
                + p.getLocation().getColumnNr() + ")" : "";
        DataFormatException d = new DataFormatException(source + ": bad " + what + field + where + ": " + reason);
        d.initCause(e);
        return d;
    }

    private static String fieldPath(JsonMappingException m) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Parses {@code text} (e.g. metadata embedded in a binary file) as a JSON tree; errors name {@code source}. */
    public static JsonNode parse(String text, String source, String what) throws DataFormatException {
        try {
            JsonNode tree = MAPPER.readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new DataFormatException(source + ": " + what + " is empty (expected a JSON document)");
            }
            return tree;
        } catch (JacksonException e) {
            throw error(source, what, e);
        }
    }
}
