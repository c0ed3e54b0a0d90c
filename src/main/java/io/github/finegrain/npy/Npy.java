package io.github.finegrain.npy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader and writer for NumPy's {@code .npy} format (see numpy.lib.format): a magic string
 * {@code \x93NUMPY}, a version (1.0, 2.0 or 3.0), a header length, a Python-literal header dict with keys
 * {@code descr}, {@code fortran_order} and {@code shape}, then the raw values.
 *
 * <p>Supported: C order, little-endian {@code <f8}, {@code <f4}, {@code <i8}, {@code <i4} (and {@code |u1}).
 * Everything else is rejected with an {@link NpyFormatException} that names the source and what was found.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final double MAX_EXACT_LONG = 9007199254740992.0; // 2^53
    /** Most values (and dimensions) one array may hold: a Java array's limit. */
    public static final long MAX_VALUES = Integer.MAX_VALUE - 8;
    /** Most dimensions an array may have (NumPy's limit). */
    public static final int MAX_RANK = 64;

    private Npy() {
    }

    /**
     * Reads a whole {@code .npy} file.
     *
     * @throws NpyFormatException if the file is not a supported {@code .npy} file (message names the file)
     * @throws IOException        if the file cannot be read
     */
    public static NpyArray read(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new NpyFormatException(file + ": not a regular file (expected a .npy file)");
        }
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), size);
        }
    }

    /**
     * Reads one {@code .npy} array from a stream (the stream is not closed).
     *
     * @param source a name for error messages (file or resource name)
     * @throws NpyFormatException if the content is not a supported {@code .npy} array
     */
    public static NpyArray read(InputStream stream, String source) throws IOException {
        return read(stream, source, -1);
    }

    /**
     * Reads one array; when {@code length} is not negative, the header's shape must account for exactly
     * {@code length} bytes in all, checked before anything is allocated. Without a length, memory grows only with
     * the values actually read, so a header that claims more than the stream holds fails at the end of the stream.
     */
    private static NpyArray read(InputStream stream, String source, long length) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = new byte[6];
        readFully(in, magic, source, "magic string");
        if (!Arrays.equals(magic, MAGIC)) {
            throw new NpyFormatException(source + ": not a .npy file (expected magic \\x93NUMPY, found "
                    + printable(magic) + ")");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long headerLength;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            headerLength = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        } else {
            throw new NpyFormatException(source + ": unsupported .npy format version " + major
                    + " (expected 1, 2 or 3)");
        }
        if (headerLength > 1_000_000) {
            throw new NpyFormatException(source + ": implausible .npy header length " + headerLength);
        }
        byte[] headerBytes = new byte[(int) headerLength];
        readFully(in, headerBytes, source, "header");
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, source, "descr");
        if ("True".equals(group(FORTRAN, header, source, "fortran_order"))) {
            throw new NpyFormatException(source + ": Fortran-order arrays are not supported (expected C order)");
        }
        int[] shape = parseShape(group(SHAPE, header, source, "shape"), source);
        long count = 1;
        for (int d : shape) {
            count *= d; // each d is in [0, 2^31 - 1] and the running count below 2^31, so this cannot overflow
            if (count > MAX_VALUES) {
                throw new NpyFormatException(source + ": shape " + Arrays.toString(shape) + " holds more than the "
                        + MAX_VALUES + " values this reader accepts");
            }
        }
        int width = switch (descr) {
            case "<f8", "<i8" -> 8;
            case "<f4", "<i4" -> 4;
            case "|u1", "|b1" -> 1;
            default -> throw new NpyFormatException(source + ": unsupported dtype '" + descr
                    + "' (expected little-endian <f8, <f4, <i8, <i4 or |u1)");
        };
        long dataStart = 6 + 2 + (major == 1 ? 2 : 4) + headerLength;
        if (length >= 0 && length != dataStart + count * width) {
            throw new NpyFormatException(source + ": the header's shape " + Arrays.toString(shape) + " of " + descr
                    + " needs " + (dataStart + count * width) + " bytes but the file has " + length);
        }
        // grow with the values actually read: a header claiming more than the stream holds cannot allocate it all
        double[] data = new double[(int) Math.min(count, 1 << 16)];
        byte[] raw = new byte[(int) Math.min(count * width, 1 << 20) / width * width];
        int done = 0;
        while (done < count) {
            int n = (int) Math.min(count - done, raw.length / width);
            readFully(in, raw, 0, n * width, source, "data (value " + done + " of " + count + ")");
            if (done + n > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(count, Math.max(2L * data.length, done + n)));
            }
            ByteBuffer buf = ByteBuffer.wrap(raw, 0, n * width).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                data[done + i] = switch (descr) {
                    case "<f8" -> buf.getDouble();
                    case "<f4" -> buf.getFloat();
                    case "<i8" -> checkedLong(buf.getLong(), source, done + i);
                    case "<i4" -> buf.getInt();
                    default -> buf.get() & 0xff;
                };
            }
            done += n;
        }
        return new NpyArray(shape, data);
    }

    /**
     * Writes {@code array} as a version 1.0, C-order, little-endian float64 ({@code <f8}) file.
     *
     * @throws IOException if the file cannot be written
     */
    public static void writeDoubles(Path file, NpyArray array) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, array, "<f8");
        }
    }

    /** Writes {@code array} as int64 ({@code <i8}); every value must be an integer. */
    public static void writeLongs(Path file, NpyArray array) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, array, "<i8");
        }
    }

    private static void write(OutputStream out, NpyArray array, String descr) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < array.rank(); i++) {
            shape.append(array.dim(i)).append(i == 0 && array.rank() == 1 ? "," : (i + 1 < array.rank() ? ", " : ""));
        }
        shape.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xff);
        head.write((header.length() >>> 8) & 0xff);
        head.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        ByteBuffer buf = ByteBuffer.allocate(8 * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : array.data()) {
            if ("<i8".equals(descr)) {
                if (v != Math.rint(v)) {
                    throw new IllegalArgumentException("value " + v + " is not an integer; cannot write as int64");
                }
                buf.putLong((long) v);
            } else {
                buf.putDouble(v);
            }
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    private static double checkedLong(long v, String source, int index) throws NpyFormatException {
        if (Math.abs((double) v) > MAX_EXACT_LONG) {
            throw new NpyFormatException(source + ": int64 value " + v + " at flat index " + index
                    + " cannot be represented exactly as a double");
        }
        return v;
    }

    private static int[] parseShape(String text, String source) throws NpyFormatException {
        String[] parts = text.split(",");
        if (parts.length > MAX_RANK + 1) {
            throw new NpyFormatException(source + ": shape in header has more than " + MAX_RANK + " dimensions");
        }
        int[] dims = new int[parts.length];
        int n = 0;
        for (String p : parts) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            long d;
            try {
                d = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw new NpyFormatException(source + ": bad shape entry '" + (t.length() > 40 ? t.substring(0, 40)
                        + "..." : t) + "' in header (expected a non-negative integer)");
            }
            if (d < 0 || d > MAX_VALUES) {
                throw new NpyFormatException(source + ": shape entry " + d + " in header is "
                        + (d < 0 ? "negative" : "larger than " + MAX_VALUES));
            }
            dims[n++] = (int) d;
        }
        return Arrays.copyOf(dims, n);
    }

    private static String group(Pattern p, String header, String source, String key) throws NpyFormatException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            String shown = printable(header.trim().getBytes(StandardCharsets.ISO_8859_1));
            throw new NpyFormatException(source + ": .npy header has no readable '" + key + "' entry: "
                    + (shown.length() > 120 ? shown.substring(0, 120) + "..." : shown) + " (corrupt header)");
        }
        return m.group(1);
    }

    private static void readFully(DataInputStream in, byte[] b, String source, String what) throws IOException {
        readFully(in, b, 0, b.length, source, what);
    }

    private static void readFully(DataInputStream in, byte[] b, int off, int len, String source, String what)
            throws IOException {
        try {
            in.readFully(b, off, len);
        } catch (EOFException e) {
            throw new NpyFormatException(source + ": file ends inside the " + what + " (truncated .npy file)");
        }
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(x >= 32 && x < 127 ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return s.toString();
    }
}
