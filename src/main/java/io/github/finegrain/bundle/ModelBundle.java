package io.github.finegrain.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.JsonFiles;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.train.TrainedModel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A model bundle: the DL4J model zip written by {@code ModelSerializer} (so a plain DL4J program loads it with
 * {@code MultiLayerNetwork.load(file, true)}), plus the JSON {@link Manifest} as the extra zip entry
 * {@value #MANIFEST_ENTRY}. The updater state is saved too, so training can continue.
 *
 * <p>A bundle is untrusted input: {@link #load} and {@link #readManifest} read it with {@link NetworkZip}, which
 * accepts only the entries a finegrain bundle has and never deserializes Java objects. DL4J's own
 * {@code MultiLayerNetwork.load} does deserialize a {@code preprocessor.bin} entry with {@code ObjectInputStream}:
 * use it only on files you made yourself.
 */
public final class ModelBundle {
    /** Name of the manifest entry in the zip. */
    public static final String MANIFEST_ENTRY = "finegrain-manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelBundle() {
    }

    /** The manifest that describes {@code model} as a single-stage bundle. */
    public static Manifest manifestOf(TrainedModel model, List<Map<String, Object>> stages) {
        SpatialLayerSpec spec = model.spec();
        return new Manifest(Manifest.FORMAT_VERSION, Versions.finegrain(), Versions.dl4j(), model.layerConf().kind().label(),
                spec.court(), spec.defenderBox(), model.layerConf().rank(), Manifest.INPUT_ROW, model.tasks().keys(), TaskIndex.LEAGUE_INDEX,
                model.seed(), model.dataFingerprint(), stages);
    }

    /**
     * Writes {@code model} and {@code manifest} to {@code file} (replacing it).
     *
     * @throws IOException if the file cannot be written
     */
    public static void save(TrainedModel model, Manifest manifest, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a leftover, or a symbolic link that DL4J's writer would follow
        model.network().save(tmp.toFile(), true);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + tmp.toUri()), Map.of())) {
            try (OutputStream out = Files.newOutputStream(zip.getPath(MANIFEST_ENTRY))) {
                JSON.writeValue(out, manifest);
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Most tasks a manifest may list. */
    public static final int MAX_TASKS = 100_000;

    /**
     * Reads and validates the manifest of a bundle, after {@link NetworkZip}'s checks of the zip's entries (allow-list,
     * names, count, size), so a file with anything but a finegrain bundle's entries is refused here.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws DataFormatException if the file is not a zip, holds an entry a bundle does not have, has no manifest,
     *                             its format version is unknown, or a field is missing, null or out of range (the
     *                             message names the field)
     */
    public static Manifest readManifest(Path file) throws IOException {
        JsonFiles.checkRegularFile(file, NetworkZip.MAX_FILE_BYTES, "a model bundle");
        try (ZipFile zip = NetworkZip.open(file)) {
            var entry = NetworkZip.checkEntries(zip, file).get(MANIFEST_ENTRY);
            if (entry == null) {
                throw new DataFormatException(file + ": not a finegrain model bundle (no " + MANIFEST_ENTRY + " entry)");
            }
            String source = file + " (entry " + MANIFEST_ENTRY + ")";
            // the version is checked before the fields: another version may have fields this one does not know
            JsonNode tree = NetworkZip.jsonEntry(zip, entry, file, "manifest");
            JsonNode version = tree.get("formatVersion");
            if (version == null || !version.isInt()) {
                throw new DataFormatException(source + ": field formatVersion: expected an integer, found " + version);
            }
            if (version.intValue() != Manifest.FORMAT_VERSION) {
                throw new DataFormatException(file + ": manifest format version " + version.intValue()
                        + " is not supported (this finegrain " + Versions.finegrain() + " reads version "
                        + Manifest.FORMAT_VERSION + ")");
            }
            return validate(JsonFiles.convert(tree, Manifest.class, source, "manifest"), source);
        }
    }

    /** Checks every field a loader relies on; errors name the field. */
    static Manifest validate(Manifest m, String source) throws DataFormatException {
        require(m.court() != null, source, "court", "is missing or null");
        require(m.defenderBox() != null, source, "defenderBox", "is missing or null");
        require("full-rank".equals(m.modelKind()) || "cp".equals(m.modelKind()), source, "modelKind",
                "must be full-rank or cp, found " + m.modelKind());
        require("cp".equals(m.modelKind()) == (m.rank() != null), source, "rank",
                "must be given for a cp model and null for a full-rank one, found " + m.rank());
        require(m.rank() == null || m.rank() >= 1, source, "rank", "must be at least 1, found " + m.rank());
        require(Manifest.INPUT_ROW.equals(m.inputRow()), source, "inputRow", "must list the 13 columns "
                + Manifest.INPUT_ROW + ", found " + m.inputRow());
        require(m.tasks() != null && !m.tasks().isEmpty(), source, "tasks", "is missing or empty");
        require(m.tasks().size() <= MAX_TASKS, source, "tasks", "lists " + m.tasks().size() + " tasks, more than "
                + MAX_TASKS);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < m.tasks().size(); i++) {
            String t = m.tasks().get(i);
            require(t != null, source, "tasks[" + i + "]", "is null");
            require(seen.add(t), source, "tasks[" + i + "]", "repeats the task '" + t + "'");
        }
        require(m.fallbackTask() >= 0 && m.fallbackTask() < m.tasks().size(), source, "fallbackTask",
                "must be a task index in 0.." + (m.tasks().size() - 1) + ", found " + m.fallbackTask());
        require(m.dataFingerprint() != null, source, "dataFingerprint", "is missing or null");
        require(m.stages() != null, source, "stages", "is missing or null");
        return m;
    }

    private static void require(boolean ok, String source, String field, String what) throws DataFormatException {
        if (!ok) {
            throw new DataFormatException(source + ": field " + field + " " + what);
        }
    }

    /**
     * Loads a bundle as a {@link TrainedModel}, checking that the network agrees with its manifest. The network is
     * read by {@link NetworkZip} (never by DL4J's {@code MultiLayerNetwork.load}, which deserializes Java objects):
     * no Java deserialization, sizes checked before allocating.
     *
     * @throws DataFormatException if the bundle is corrupt, hostile or inconsistent
     */
    public static TrainedModel load(Path file) throws IOException {
        Manifest m = readManifest(file);
        MultiLayerNetwork net = NetworkZip.read(file, false);
        if (!(net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof SpatialLayerConf layer)) {
            throw new DataFormatException(file + ": layer 0 is not a finegrain spatial layer");
        }
        SpatialLayerSpec spec = layer.spatialSpec();
        if (!spec.court().equals(m.court()) || !spec.defenderBox().equals(m.defenderBox())
                || spec.tasks() != m.tasks().size() || !layer.kind().label().equals(m.modelKind())
                || !java.util.Objects.equals(layer.rank(), m.rank())) {
            throw new DataFormatException(file + ": manifest (" + m.modelKind() + ", " + m.tasks().size() + " tasks, "
                    + m.court().label() + ", " + m.defenderBox().label() + ") disagrees with the network ("
                    + layer.kind() + ", " + spec.tasks() + " tasks, " + spec.court().label() + ", "
                    + spec.defenderBox().label() + ")");
        }
        return new TrainedModel(net, TaskIndex.of(m.tasks()), m.seed(), m.dataFingerprint());
    }
}
