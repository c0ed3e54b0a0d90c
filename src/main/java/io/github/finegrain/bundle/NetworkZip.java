package io.github.finegrain.bundle;

import io.github.finegrain.data.CountingInputStream;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.JsonFiles;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.SpatialLayerSpec;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * finegrain's safe reader of a DL4J {@code ModelSerializer} zip (a model bundle or a checkpoint's
 * {@code network.zip}): a model file is untrusted input, so nothing in it is deserialized as a Java object.
 *
 * <p>DL4J's own {@code MultiLayerNetwork.load} / {@code ModelSerializer.restoreMultiLayerNetwork} (1.0.0-M2.1)
 * reads every entry into memory at its declared size and deserializes an entry named {@code preprocessor.bin} with
 * {@code ObjectInputStream.readObject()}; a file someone sent you can then instantiate arbitrary classes or keep the
 * CPU busy for minutes. This reader does what {@code ModelSerializer} does for a finegrain network (configuration
 * JSON, {@code Nd4j.read} of the coefficients and the updater state, {@code init(params, false)},
 * {@code setStateViewArray}) and nothing else, after these checks, each failing with a {@link DataFormatException}
 * that names the file and the entry:
 * <ul>
 *   <li>only a regular file of at most {@value #MAX_FILE_BYTES} bytes, a zip of at most {@value #MAX_ENTRIES}
 *       entries, each named in the allow-list {@link #ALLOWED_ENTRIES} (so {@code preprocessor.bin},
 *       {@code normalizer.bin}, folders, names with {@code ..} or absolute paths are refused before anything is
 *       read), no duplicate names, and no more bytes in the file than its entries account for (plus
 *       {@value #SLACK_BYTES} bytes of zip structure);</li>
 *   <li>{@code configuration.json} of at most {@value #MAX_JSON_BYTES} bytes within {@link JsonFiles}' limits
 *       (nesting, string length), whose {@code @class} type names all lie in DL4J's, ND4J's or finegrain's
 *       packages;</li>
 *   <li>the number of parameters implied by the configuration at most {@value #MAX_PARAMETERS}; the header of
 *       {@code coefficients.bin} (and {@code updaterState.bin}) must state exactly the length the configuration
 *       implies, with a float or double type, and the entry must inflate to exactly the bytes that header announces
 *       — checked by streaming through the entry, before any array is allocated. An entry that inflates beyond
 *       that (a zip bomb) is stopped as soon as it passes the expected size.</li>
 * </ul>
 */
public final class NetworkZip {
    /** The configuration entry (DL4J's {@code ModelSerializer.CONFIGURATION_JSON}). */
    public static final String CONFIGURATION = "configuration.json";
    /** The parameters entry (DL4J's {@code ModelSerializer.COEFFICIENTS_BIN}). */
    public static final String COEFFICIENTS = "coefficients.bin";
    /** The updater state entry (DL4J's {@code ModelSerializer.UPDATER_BIN}). */
    public static final String UPDATER = "updaterState.bin";
    /** The only entries a finegrain bundle or checkpoint network holds. */
    public static final Set<String> ALLOWED_ENTRIES = Set.of(CONFIGURATION, COEFFICIENTS, UPDATER,
            ModelBundle.MANIFEST_ENTRY);
    /** Most entries a zip may list (a finegrain bundle has 4). */
    public static final int MAX_ENTRIES = 8;
    /** Largest model file read, in bytes (8 GiB). */
    public static final long MAX_FILE_BYTES = 8L << 30;
    /** Largest JSON entry (configuration or manifest), in bytes (4 MiB). */
    public static final long MAX_JSON_BYTES = 4L << 20;
    /** Most parameters a network may have (2^28, 1 GiB of floats; the paper's full-size model has 127 M). */
    public static final long MAX_PARAMETERS = 1L << 28;
    /** Bytes of zip structure allowed beyond what the entries hold: local and central headers, names, comment. */
    public static final long SLACK_BYTES = 64L << 10;

    private static final List<String> ALLOWED_CLASS_PREFIXES = List.of("org.deeplearning4j.nn.", "org.nd4j.linalg.",
            "io.github.finegrain.");

    private NetworkZip() {
    }

    /**
     * Reads the network in {@code file} after the checks in the class comment.
     *
     * @param loadUpdater whether to restore the updater state ({@code updaterState.bin}) too
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws DataFormatException               if any check fails or DL4J rejects the configuration
     */
    public static MultiLayerNetwork read(Path file, boolean loadUpdater) throws IOException {
        JsonFiles.checkRegularFile(file, MAX_FILE_BYTES, "a model zip");
        try (ZipFile zip = open(file)) {
            Map<String, ZipEntry> entries = checkEntries(zip, file);
            ZipEntry configEntry = entries.get(CONFIGURATION);
            if (configEntry == null) {
                throw new DataFormatException(file + ": no " + CONFIGURATION + " entry (not a DL4J model zip)");
            }
            ZipEntry coefficients = entries.get(COEFFICIENTS);
            if (coefficients == null) {
                throw new DataFormatException(file + ": no " + COEFFICIENTS + " entry (the network has no parameters)");
            }
            MultiLayerConfiguration conf = configuration(zip, configEntry, file);
            long numParams = parameterCount(conf, file);
            INDArray params = readArray(zip, coefficients, file, numParams, "the configuration's parameter count");
            conf.setDataType(params.dataType());
            MultiLayerNetwork net;
            try {
                net = new MultiLayerNetwork(conf);
                net.init(params, false);
            } catch (RuntimeException e) {
                throw new DataFormatException(file + ": the network in " + CONFIGURATION + " cannot be built: " + e);
            }
            ZipEntry updater = entries.get(UPDATER);
            if (loadUpdater && updater != null) {
                INDArray view = net.getUpdater().getStateViewArray();
                long expected = view == null ? 0 : view.length();
                if (expected == 0) {
                    throw new DataFormatException(file + ": has an " + UPDATER + " entry but the configured updater"
                            + " keeps no state");
                }
                INDArray state = readArray(zip, updater, file, expected, "the configured updater's state size");
                if (state.dataType() != params.dataType()) {
                    throw new DataFormatException(file + ": " + UPDATER + " holds " + state.dataType()
                            + " values but " + COEFFICIENTS + " holds " + params.dataType());
                }
                net.getUpdater().setStateViewArray(net, state, false);
            }
            return net;
        }
    }

    static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new DataFormatException(file + ": not a zip file (" + e.getMessage() + ")");
        }
    }

    /**
     * The entries of {@code zip} by name, after the allow-list, name, count and whole-file size checks.
     *
     * @throws DataFormatException naming the first entry that fails
     */
    static Map<String, ZipEntry> checkEntries(ZipFile zip, Path file) throws IOException {
        if (zip.size() > MAX_ENTRIES) {
            throw new DataFormatException(file + ": the zip lists " + zip.size() + " entries; a finegrain model has "
                    + "at most " + ALLOWED_ENTRIES.size() + " (" + String.join(", ", sorted(ALLOWED_ENTRIES)) + ")");
        }
        Map<String, ZipEntry> byName = new java.util.HashMap<>();
        long accounted = 0;
        Enumeration<? extends ZipEntry> all;
        try {
            all = zip.entries();
        } catch (IllegalStateException e) {
            throw new DataFormatException(file + ": unreadable zip (" + e.getMessage() + ")");
        }
        while (all.hasMoreElements()) {
            ZipEntry e = all.nextElement();
            String name = e.getName();
            if (name.contains("..") || name.startsWith("/") || name.startsWith("\\") || name.contains(":")
                    || name.contains("\\")) {
                throw new DataFormatException(file + ": unsafe entry name '" + printable(name) + "' (a path that "
                        + "leaves the archive); refused");
            }
            if (!ALLOWED_ENTRIES.contains(name)) {
                throw new DataFormatException(file + ": unexpected entry '" + printable(name) + "'; a finegrain "
                        + "model holds only " + String.join(", ", sorted(ALLOWED_ENTRIES)) + " (refused before DL4J "
                        + "reads the file: DL4J's own loader would deserialize a preprocessor.bin entry as a Java "
                        + "object)");
            }
            if (byName.put(name, e) != null) {
                throw new DataFormatException(file + ": entry '" + name + "' appears twice");
            }
            long c = e.getCompressedSize();
            accounted += Math.max(c, 0) + 2L * name.length() + 200;
        }
        long size = Files.size(file);
        if (size > accounted + SLACK_BYTES) {
            throw new DataFormatException(file + ": the file is " + size + " bytes but its entries account for only "
                    + accounted + "; extra data refused");
        }
        return byName;
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }

    private static String printable(String name) {
        String s = name.replaceAll("[^\\x20-\\x7e]", "?");
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** Reads a JSON entry of at most {@value #MAX_JSON_BYTES} bytes as a tree; errors name file and entry. */
    static JsonNode jsonEntry(ZipFile zip, ZipEntry entry, Path file, String what) throws IOException {
        String source = file + " (entry " + entry.getName() + ")";
        if (entry.getSize() > MAX_JSON_BYTES) {
            throw new DataFormatException(source + ": declares " + entry.getSize() + " bytes, more than the "
                    + MAX_JSON_BYTES + " allowed for " + what);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return JsonFiles.readTree(in, source, what, MAX_JSON_BYTES);
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(source + ": corrupt zip entry (" + e.getMessage() + ")");
        }
    }

    private static MultiLayerConfiguration configuration(ZipFile zip, ZipEntry entry, Path file) throws IOException {
        JsonNode tree = jsonEntry(zip, entry, file, "network configuration");
        checkClassNames(tree, file, "");
        try {
            return MultiLayerConfiguration.fromJson(JsonFiles.mapper().writeValueAsString(tree));
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String reason = String.valueOf(root.getMessage()).replaceAll("\\s+", " ");
            throw new DataFormatException(file + " (entry " + CONFIGURATION + "): not a DL4J MultiLayerConfiguration"
                    + " this finegrain can read: " + (reason.length() > 300 ? reason.substring(0, 300) + "..." : reason));
        }
    }

    /** Every {@code @class} value must name a class in DL4J's, ND4J's or finegrain's packages. */
    private static void checkClassNames(JsonNode node, Path file, String path) throws DataFormatException {
        if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                if (f.getKey().equals("@class")) {
                    String c = f.getValue().asText();
                    if (!f.getValue().isTextual() || ALLOWED_CLASS_PREFIXES.stream().noneMatch(c::startsWith)) {
                        throw new DataFormatException(file + " (entry " + CONFIGURATION + "): field " + path
                                + "@class names '" + printable(c) + "', not a DL4J, ND4J or finegrain class");
                    }
                } else {
                    checkClassNames(f.getValue(), file, path + f.getKey() + ".");
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkClassNames(node.get(i), file, path.isEmpty() ? "[" + i + "]."
                        : path.substring(0, path.length() - 1) + "[" + i + "].");
            }
        }
    }

    private static long parameterCount(MultiLayerConfiguration conf, Path file) throws DataFormatException {
        long total = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            NeuralNetConfiguration c = conf.getConf(i);
            if (c.getLayer() instanceof SpatialLayerConf s) {
                SpatialLayerSpec spec = s.spatialSpec();
                double cells = (double) spec.tasks() * spec.court().cellCount() * (spec.defenderBox().cellCount() + 1.0);
                if (s.rank() != null) {
                    cells = ((double) spec.tasks() + spec.court().cellCount() + spec.defenderBox().cellCount() + 1.0)
                            * Math.max(1, s.rank()) + spec.tasks();
                }
                if (cells > MAX_PARAMETERS) {
                    throw new DataFormatException(file + " (entry " + CONFIGURATION + "): layer " + i + " would have "
                            + String.format("%.3g", cells) + " parameters, more than the " + MAX_PARAMETERS
                            + " this finegrain loads");
                }
            }
            long n;
            try {
                n = c.getLayer().initializer().numParams(c);
            } catch (RuntimeException e) {
                throw new DataFormatException(file + " (entry " + CONFIGURATION + "): layer " + i
                        + " has an invalid configuration: " + e.getMessage());
            }
            if (n < 0 || n > MAX_PARAMETERS || total + n > MAX_PARAMETERS) {
                throw new DataFormatException(file + " (entry " + CONFIGURATION + "): the network would have more "
                        + "than " + MAX_PARAMETERS + " parameters (layer " + i + ": " + n + ")");
            }
            total += n;
        }
        if (total == 0) {
            throw new DataFormatException(file + " (entry " + CONFIGURATION + "): the network has no parameters");
        }
        return total;
    }

    /** The two headers of an array written by {@code Nd4j.write}: shape information, then data. */
    private record ArrayHeader(long headerBytes, long dataLength, DataType dataType) {
        long totalBytes() {
            return headerBytes + dataLength * dataType.width();
        }
    }

    /**
     * Reads an array written by {@code Nd4j.write} from {@code entry}, after checking that its header states
     * {@code expectedLength} float or double values and that the entry inflates to exactly the bytes announced.
     */
    private static INDArray readArray(ZipFile zip, ZipEntry entry, Path file, long expectedLength, String against)
            throws IOException {
        String source = file + " (entry " + entry.getName() + ")";
        ArrayHeader header;
        long actual;
        try (InputStream raw = zip.getInputStream(entry)) {
            CountingInputStream in = new CountingInputStream(new BufferedInputStream(raw, 1 << 16));
            header = header(in, source);
            if (header.dataLength() != expectedLength) {
                throw new DataFormatException(source + ": header states " + header.dataLength() + " values but "
                        + against + " is " + expectedLength);
            }
            long expectedBytes = header.totalBytes();
            if (entry.getSize() >= 0 && entry.getSize() != expectedBytes) {
                throw new DataFormatException(source + ": the zip declares " + entry.getSize() + " bytes but the "
                        + "array header announces " + expectedBytes);
            }
            // stream through the rest without keeping it: stop as soon as it exceeds what the header announced
            byte[] buf = new byte[1 << 16];
            while (in.count() <= expectedBytes) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, expectedBytes + 1 - in.count()));
                if (r < 0) {
                    break;
                }
            }
            actual = in.count();
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(source + ": corrupt zip entry (" + e.getMessage() + ")");
        }
        if (actual != header.totalBytes()) {
            throw new DataFormatException(source + ": the header announces " + header.totalBytes() + " bytes but the "
                    + "entry holds " + (actual > header.totalBytes() ? "more" : "only " + actual));
        }
        try (InputStream raw = zip.getInputStream(entry);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            INDArray a = Nd4j.read(in);
            if (a.length() != expectedLength) {
                throw new DataFormatException(source + ": holds " + a.length() + " values, expected " + expectedLength);
            }
            return a;
        } catch (RuntimeException e) {
            throw new DataFormatException(source + ": cannot be read as an ND4J array: " + e.getMessage());
        }
    }

    private static ArrayHeader header(CountingInputStream counted, String source) throws IOException {
        DataInputStream in = new DataInputStream(counted);
        long[] shapeHeader = bufferHeader(in, source, "shape");
        long shapeLength = shapeHeader[0];
        DataType shapeType = DataType.values()[(int) shapeHeader[1]];
        if (shapeType != DataType.LONG || shapeLength < 6 || shapeLength > 8) {
            throw new DataFormatException(source + ": shape header states " + shapeLength + " " + shapeType
                    + " values; expected the 6 or 8 LONG values of a vector or matrix");
        }
        long rank = in.readLong();
        if (rank < 1 || rank > 2 || shapeLength != 2 * rank + 4) {
            throw new DataFormatException(source + ": array rank " + rank + " with " + shapeLength + " shape values; "
                    + "expected a parameter vector (rank 1 or 2)");
        }
        long product = 1;
        for (int i = 0; i < rank; i++) {
            long d = in.readLong();
            if (d < 0 || d > MAX_PARAMETERS) {
                throw new DataFormatException(source + ": dimension " + i + " is " + d + " (expected 0.."
                        + MAX_PARAMETERS + ")");
            }
            product *= d;
        }
        for (long i = 1 + rank; i < shapeLength; i++) {
            in.readLong();
        }
        long[] dataHeader = bufferHeader(in, source, "data");
        long length = dataHeader[0];
        DataType type = DataType.values()[(int) dataHeader[1]];
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new DataFormatException(source + ": values of type " + type + "; expected FLOAT or DOUBLE");
        }
        if (length != product) {
            throw new DataFormatException(source + ": data header states " + length + " values but the shape holds "
                    + product);
        }
        long headerBytes = counted.count();
        return new ArrayHeader(headerBytes, length, type);
    }

    /** {@code [length, dataType ordinal]} of one {@code DataBuffer.write} header. */
    private static long[] bufferHeader(DataInputStream in, String source, String which) throws IOException {
        DataBuffer.AllocationMode mode;
        DataType type;
        long length;
        try {
            mode = DataBuffer.AllocationMode.valueOf(shortUtf(in, source));
            length = mode.ordinal() < 3 ? in.readInt() : in.readLong();
            type = DataType.valueOf(shortUtf(in, source));
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(source + ": " + which + " header is not an ND4J array header ("
                    + e.getMessage() + ")");
        } catch (UTFDataFormatException e) {
            throw new DataFormatException(source + ": " + which + " header is not an ND4J array header");
        }
        if (length < 0 || length > MAX_PARAMETERS) {
            throw new DataFormatException(source + ": " + which + " header states " + length + " values (at most "
                    + MAX_PARAMETERS + " allowed)");
        }
        return new long[] {length, type.ordinal()};
    }

    private static String shortUtf(DataInputStream in, String source) throws IOException {
        in.mark(2);
        int len = in.readUnsignedShort();
        if (len > 64) {
            throw new DataFormatException(source + ": array header holds a " + len + "-byte name; not an ND4J array");
        }
        in.reset();
        return in.readUTF();
    }

}
