package io.github.finegrain.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.TaskIndex;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.train.TrainedModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A model bundle: the DL4J model zip written by {@code ModelSerializer} (so a plain DL4J program loads it with
 * {@code MultiLayerNetwork.load(file, true)}), plus the JSON {@link Manifest} as the extra zip entry
 * {@value #MANIFEST_ENTRY}. The updater state is saved too, so training can continue.
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
        model.network().save(tmp.toFile(), true);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + tmp.toUri()), Map.of())) {
            try (OutputStream out = Files.newOutputStream(zip.getPath(MANIFEST_ENTRY))) {
                JSON.writeValue(out, manifest);
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads the manifest of a bundle.
     *
     * @throws DataFormatException if the file is not a zip, has no manifest, or its format version is unknown
     */
    public static Manifest readManifest(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + " (model bundle not found)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entry = zip.getEntry(MANIFEST_ENTRY);
            if (entry == null) {
                throw new DataFormatException(file + ": not a finegrain model bundle (no " + MANIFEST_ENTRY + " entry)");
            }
            // the version is checked before the fields: another version may have fields this one does not know
            com.fasterxml.jackson.databind.JsonNode tree;
            try (InputStream in = zip.getInputStream(entry)) {
                tree = JSON.readTree(in);
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new DataFormatException(file + ": corrupt manifest " + MANIFEST_ENTRY + ": " + e.getOriginalMessage());
            }
            com.fasterxml.jackson.databind.JsonNode version = tree == null ? null : tree.get("formatVersion");
            if (version == null || !version.isInt()) {
                throw new DataFormatException(file + ": corrupt manifest " + MANIFEST_ENTRY
                        + ": expected an integer formatVersion, found " + version);
            }
            if (version.intValue() != Manifest.FORMAT_VERSION) {
                throw new DataFormatException(file + ": manifest format version " + version.intValue()
                        + " is not supported (this finegrain " + Versions.finegrain() + " reads version "
                        + Manifest.FORMAT_VERSION + ")");
            }
            try {
                return JSON.treeToValue(tree, Manifest.class);
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new DataFormatException(file + ": corrupt manifest " + MANIFEST_ENTRY + ": " + e.getOriginalMessage());
            }
        } catch (ZipException e) {
            throw new DataFormatException(file + ": not a zip file (" + e.getMessage() + ")");
        }
    }

    /**
     * Loads a bundle as a {@link TrainedModel}, checking that the network agrees with its manifest.
     *
     * @throws DataFormatException if the bundle is corrupt or inconsistent
     */
    public static TrainedModel load(Path file) throws IOException {
        Manifest m = readManifest(file);
        MultiLayerNetwork net;
        try {
            net = MultiLayerNetwork.load(file.toFile(), false);
        } catch (RuntimeException | IOException e) {
            throw new DataFormatException(file + ": the DL4J model in the bundle cannot be read: " + e.getMessage());
        }
        if (!(net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof SpatialLayerConf layer)) {
            throw new DataFormatException(file + ": layer 0 is not a finegrain spatial layer");
        }
        SpatialLayerSpec spec = layer.spatialSpec();
        if (!spec.court().equals(m.court()) || !spec.defenderBox().equals(m.defenderBox())
                || spec.tasks() != m.tasks().size()) {
            throw new DataFormatException(file + ": manifest (" + m.tasks().size() + " tasks, " + m.court().label()
                    + ", " + m.defenderBox().label() + ") disagrees with the network (" + spec.tasks() + " tasks, "
                    + spec.court().label() + ", " + spec.defenderBox().label() + ")");
        }
        return new TrainedModel(net, TaskIndex.of(m.tasks()), m.seed(), m.dataFingerprint());
    }
}
