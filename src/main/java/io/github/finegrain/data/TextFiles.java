package io.github.finegrain.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading text inputs (CSV files given to {@code predict}, play-by-play files) as untrusted input: strict UTF-8
 * (a byte sequence that is not UTF-8 is an error naming the file and the line, not "Input length = 1"), a cap on
 * each line's length and on the whole file, and only regular files.
 */
public final class TextFiles {
    /** Longest line accepted by default, in characters (64 Ki). */
    public static final int MAX_LINE_CHARS = 1 << 16;

    private TextFiles() {
    }

    /**
     * The lines of {@code file} (without line terminators; LF, CR LF or CR end a line).
     *
     * @param maxLineChars longest line accepted
     * @param maxBytes     largest file accepted
     * @throws DataFormatException naming the file and line if a line is longer than {@code maxLineChars}, the text is
     *                             not UTF-8, the file is larger than {@code maxBytes} or not a regular file
     */
    public static List<String> readLines(Path file, String what, int maxLineChars, long maxBytes) throws IOException {
        JsonFiles.checkRegularFile(file, maxBytes, what);
        try (InputStream in = Files.newInputStream(file)) {
            return readLines(in, file.toString(), what, maxLineChars, maxBytes);
        }
    }

    /** The lines of {@code in} (see {@link #readLines(Path, String, int, long)}); {@code source} names it. */
    public static List<String> readLines(InputStream in, String source, String what, int maxLineChars, long maxBytes)
            throws IOException {
        // split on bytes (LF and CR never occur inside a UTF-8 sequence), then decode each line strictly
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // a UTF-8 character is at most 4 bytes: a line of maxLineChars characters fits in 4 * maxLineChars bytes
        long maxLineBytes = 4L * maxLineChars;
        List<String> lines = new ArrayList<>();
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int prev = -1;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > maxBytes) {
                throw new DataFormatException(source + ": " + what + " is larger than the " + maxBytes
                        + " bytes allowed");
            }
            int start = 0; // bytes [start, i) of buf belong to the current line
            for (int i = 0; i < n; i++) {
                int c = buf[i];
                if (c == '\n' && prev == '\r') {
                    start = i + 1; // the LF of a CR LF pair: the CR ended the line
                } else if (c == '\n' || c == '\r') {
                    line.write(buf, start, i - start);
                    checkLength(line, maxLineBytes, source, what, lines.size() + 1, maxLineChars);
                    lines.add(decode(decoder, line, source, what, lines.size() + 1, maxLineChars));
                    line.reset();
                    start = i + 1;
                }
                prev = c;
            }
            line.write(buf, start, n - start);
            checkLength(line, maxLineBytes, source, what, lines.size() + 1, maxLineChars);
        }
        if (line.size() > 0) {
            lines.add(decode(decoder, line, source, what, lines.size() + 1, maxLineChars));
        }
        return lines;
    }

    private static void checkLength(java.io.ByteArrayOutputStream line, long maxLineBytes, String source, String what,
            int lineNumber, int maxLineChars) throws DataFormatException {
        if (line.size() > maxLineBytes) {
            throw tooLong(source, what, lineNumber, maxLineChars);
        }
    }

    private static DataFormatException tooLong(String source, String what, int line, int maxLineChars) {
        return new DataFormatException(source + " line " + line + ": longer than the " + maxLineChars
                + " characters allowed in " + what);
    }

    private static String decode(CharsetDecoder decoder, java.io.ByteArrayOutputStream bytes, String source,
            String what, int line, int maxLineChars) throws DataFormatException {
        try {
            String s = decoder.reset().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
            if (s.length() > maxLineChars) {
                throw tooLong(source, what, line, maxLineChars);
            }
            return s;
        } catch (CharacterCodingException e) {
            throw new DataFormatException(source + " line " + line + ": " + what + " is not UTF-8 text");
        }
    }

    /**
     * The whole of {@code file} as UTF-8 text, at most {@code maxBytes} bytes.
     *
     * @throws DataFormatException naming the file if it is too large, not a regular file or not UTF-8
     */
    public static String readString(Path file, String what, long maxBytes) throws IOException {
        JsonFiles.checkRegularFile(file, maxBytes, what);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
        if (bytes.length > maxBytes) {
            throw new DataFormatException(file + ": " + what + " is larger than the " + maxBytes + " bytes allowed");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new DataFormatException(file + " line " + line + ": " + what + " is not UTF-8 text (byte "
                    + in.position() + ")");
        }
        return out.flip().toString();
    }
}
