package io.github.finegrain.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.train.TrainedModel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files are untrusted input (issue 14 items 17, 18): hostile bundles, each generated from the small golden
 * bundle, are refused with a {@link DataFormatException} that names the file and the entry or field, before anything
 * is deserialized or allocated at a size the file claims.
 */
class HostileBundleTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/bundle-v1/model.zip");

    @TempDir
    Path dir;

    /** The golden bundle's entries, in order. */
    static Map<String, byte[]> entries() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(GOLDEN.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry e = all.nextElement();
                m.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
        }
        return m;
    }

    /** A zip of the golden entries after {@code edit}. */
    Path bundle(String name, Consumer<Map<String, byte[]>> edit) throws IOException {
        Map<String, byte[]> m = entries();
        edit.accept(m);
        Path file = dir.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (var e : m.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return file;
    }

    static byte[] editManifest(byte[] json, Consumer<ObjectNode> edit) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode m = (ObjectNode) mapper.readTree(json);
            edit.accept(m);
            return mapper.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theGoldenBundleLoadsThroughTheSafeReaderWithItsUpdaterState() throws IOException {
        Path file = bundle("copy.zip", m -> { });
        TrainedModel model = ModelBundle.load(file);
        assertThat(model.tasks().keys()).containsExactly("(league)", "LeBron James");
        MultiLayerNetwork withState = NetworkZip.read(file, true);
        assertThat(withState.params().length()).isEqualTo(42942L);
        assertThat(withState.getUpdater().getStateViewArray().length()).isEqualTo(2 * 42942L);
        assertThat(withState.params().equalsWithEps(model.network().params(), 0)).isTrue();
    }

    @Test
    void aPreprocessorEntryIsRefusedBeforeAnythingIsDeserialized() throws IOException {
        // the entry DL4J's ModelSerializer would read with ObjectInputStream.readObject(); here a harmless HashSet
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            Set<Object> root = new HashSet<>(Set.of("a", "b"));
            out.writeObject(root);
        }
        Path file = bundle("preprocessor.zip", m -> m.put("preprocessor.bin", bytes.toByteArray()));
        for (var load : java.util.List.<ThrowingLoad>of(ModelBundle::load, ModelBundle::readManifest,
                f -> NetworkZip.read(f, true))) {
            assertThatThrownBy(() -> load.apply(file))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageStartingWith(file + ": unexpected entry 'preprocessor.bin'")
                    .hasMessageContaining("deserialize");
        }
    }

    interface ThrowingLoad {
        Object apply(Path file) throws IOException;
    }

    @Test
    void entryNamesThatLeaveTheArchiveAreRefused() throws IOException {
        for (String name : new String[] {"../evil.json", "/etc/passwd", "a/../../b"}) {
            Path file = bundle("names.zip", m -> m.put(name, new byte[] {1}));
            assertThatThrownBy(() -> ModelBundle.load(file))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessage(file + ": unsafe entry name '" + name + "' (a path that leaves the archive); refused");
        }
    }

    @Test
    void aZipWithThousandsOfEntriesIsRefusedByCount() throws IOException {
        Path file = bundle("many.zip", m -> {
            for (int i = 0; i < 2000; i++) {
                m.put("e" + i, new byte[0]);
            }
        });
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ": the zip lists 2004 entries; a finegrain model has at most 4");
    }

    /** An {@code Nd4j.write} header for a FLOAT vector of {@code length} values, followed by {@code values}. */
    static byte[] arrayHeader(long length, int values) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeUTF("MIXED_DATA_TYPES");
        out.writeLong(6);
        out.writeUTF("LONG");
        for (long v : new long[] {1, length, 1, 8192, 1, 'c'}) {
            out.writeLong(v);
        }
        out.writeUTF("MIXED_DATA_TYPES");
        out.writeLong(length);
        out.writeUTF("FLOAT");
        for (int i = 0; i < values; i++) {
            out.writeFloat(0.5f);
        }
        out.flush();
        return b.toByteArray();
    }

    @Test
    void aCoefficientsHeaderClaimingTwoBillionFloatsIsRefusedBeforeAllocating() throws IOException {
        Path file = bundle("claims.zip", m -> {
            try {
                m.put(NetworkZip.COEFFICIENTS, arrayHeader(2_000_000_000L, 16));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(file + " (entry coefficients.bin): dimension 0 is 2000000000 (expected 0.." + (1L << 28)
                        + ")");
        // a plausible length that is not the configuration's
        Path other = bundle("other.zip", m -> {
            try {
                m.put(NetworkZip.COEFFICIENTS, arrayHeader(1000, 1000));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThatThrownBy(() -> ModelBundle.load(other))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(other + " (entry coefficients.bin): header states 1000 values but the configuration's "
                        + "parameter count is 42942");
    }

    /** Rewrites the uncompressed size that the central directory declares for {@code entry}. */
    static void declareSize(Path file, String entry, int size) throws IOException {
        byte[] zip = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        boolean patched = false;
        for (int i = 0; i + 46 < zip.length; i++) {
            if (b.getInt(i) == 0x02014b50) {
                int nameLength = b.getShort(i + 28) & 0xffff;
                if (new String(zip, i + 46, nameLength, StandardCharsets.UTF_8).equals(entry)) {
                    b.putInt(i + 24, size);
                    patched = true;
                }
            }
        }
        assertThat(patched).isTrue();
        Files.write(file, zip);
    }

    @Test
    void truncatedAndZipBombCoefficientsAreRefusedByTheirRealSize() throws IOException {
        Path truncated = bundle("short.zip", m -> m.put(NetworkZip.COEFFICIENTS,
                java.util.Arrays.copyOf(m.get(NetworkZip.COEFFICIENTS), 1000)));
        assertThatThrownBy(() -> ModelBundle.load(truncated))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(truncated + " (entry coefficients.bin): the zip declares 1000 bytes but the array header "
                        + "announces 171881");
        declareSize(truncated, NetworkZip.COEFFICIENTS, 171881); // the declared size lies: the real one decides
        assertThatThrownBy(() -> ModelBundle.load(truncated))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(truncated + " (entry coefficients.bin): ");
        // 8 MiB of zeros after a valid array: deflates to a few KB; reading stops right after the announced size
        Path bomb = bundle("bomb.zip", m -> {
            byte[] c = m.get(NetworkZip.COEFFICIENTS);
            m.put(NetworkZip.COEFFICIENTS, java.util.Arrays.copyOf(c, c.length + (8 << 20)));
        });
        assertThat(Files.size(bomb)).isLessThan(600_000);
        assertThatThrownBy(() -> ModelBundle.load(bomb))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(bomb + " (entry coefficients.bin): the zip declares 8560489 bytes but the array header "
                        + "announces 171881");
        declareSize(bomb, NetworkZip.COEFFICIENTS, 171881);
        assertThatThrownBy(() -> ModelBundle.load(bomb))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(bomb + " (entry coefficients.bin): the header announces 171881 bytes but the entry holds "
                        + "more");
    }

    @Test
    void anEntryDeclaringOneAndAHalfGibibytesIsRefusedByItsDeclaredSize() throws IOException {
        Path file = bundle("declared.zip", m -> { });
        declareSize(file, NetworkZip.CONFIGURATION, 0x60000000);
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(file + " (entry configuration.json): declares 1610612736 bytes, more than the 4194304 "
                        + "allowed for network configuration");
    }

    @Test
    void aFileFarLargerThanItsEntriesIsRefused() throws IOException {
        Path file = bundle("padded.zip", m -> { });
        byte[] zip = Files.readAllBytes(file);
        byte[] padded = new byte[zip.length + (1 << 20)];
        java.util.Arrays.fill(padded, 0, 1 << 20, (byte) ' ');
        System.arraycopy(zip, 0, padded, 1 << 20, zip.length);
        Files.write(file, padded);
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ": the file is " + padded.length + " bytes but its entries account "
                        + "for only ");
    }

    @Test
    void aConfigurationNamingAClassOutsideDl4jIsRefused() throws IOException {
        Path file = bundle("class.zip", m -> m.put(NetworkZip.CONFIGURATION, new String(m.get(NetworkZip.CONFIGURATION),
                StandardCharsets.UTF_8).replace("org.nd4j.linalg.activations.impl.ActivationIdentity",
                "java.util.HashSet").getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(file + " (entry configuration.json): field confs[0].layer.activationFn.@class names "
                        + "'java.util.HashSet', not a DL4J, ND4J or finegrain class");
    }

    @Test
    void manifestsWithMissingNullOrOutOfRangeFieldsNameTheField() throws IOException {
        Map<String, Consumer<ObjectNode>> cases = new LinkedHashMap<>();
        cases.put("field court is missing or null", m -> m.remove("court"));
        cases.put("field tasks is missing or empty", m -> m.putNull("tasks"));
        cases.put("field tasks[1] is null", m -> m.withArray("tasks").set(1, m.nullNode()));
        cases.put("field fallbackTask must be a task index in 0..1, found 7", m -> m.put("fallbackTask", 7));
        cases.put("field modelKind must be full-rank or cp, found ../x", m -> m.put("modelKind", "../x"));
        cases.put("field rank must be at least 1, found -3", m -> m.put("rank", -3));
        cases.put("bad manifest field seed", m -> m.put("seed", "many"));
        cases.put("bad manifest field court.rows", m -> m.with("court").put("rows", "x"));
        for (var c : cases.entrySet()) {
            Path file = bundle("manifest.zip", m -> m.put(ModelBundle.MANIFEST_ENTRY,
                    editManifest(m.get(ModelBundle.MANIFEST_ENTRY), c.getValue())));
            assertThatThrownBy(() -> ModelBundle.load(file))
                    .as(c.getKey())
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageStartingWith(file + " (entry finegrain-manifest.json): " + c.getKey());
        }
    }

    @Test
    void deeplyNestedOrHugeJsonInTheManifestIsRefusedNamingTheEntry() throws IOException {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        Path nested = bundle("nested.zip", m -> m.put(ModelBundle.MANIFEST_ENTRY, new String(
                m.get(ModelBundle.MANIFEST_ENTRY), StandardCharsets.UTF_8).replace("\"seed\"", "\"x\" : " + deep
                + ", \"seed\"").getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> ModelBundle.load(nested))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(nested + " (entry finegrain-manifest.json): bad manifest")
                .hasMessageContaining("nesting depth");
        Path huge = bundle("huge.zip", m -> m.put(ModelBundle.MANIFEST_ENTRY, new String(
                m.get(ModelBundle.MANIFEST_ENTRY), StandardCharsets.UTF_8).replace("\"seed\"", "\"x\" : \""
                + "a".repeat(2 << 20) + "\", \"seed\"").getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> ModelBundle.load(huge))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(huge + " (entry finegrain-manifest.json): bad manifest")
                .hasMessageContaining("String value length");
    }

    @Test
    void notAZipAndAFifoAreRefusedNamingTheFile() throws IOException, InterruptedException {
        Path text = dir.resolve("text.zip");
        Files.writeString(text, "not a zip");
        assertThatThrownBy(() -> ModelBundle.load(text))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(text + ": not a zip file");
        Path fifo = dir.resolve("fifo.zip");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            assertThatThrownBy(() -> ModelBundle.load(fifo))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageStartingWith(fifo + ": not a regular file");
        }
    }
}
