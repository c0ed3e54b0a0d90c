package io.github.finegrain.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.TrainedModel;
import io.github.finegrain.train.Trainer;
import io.github.finegrain.train.TrainingOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Save/load of a small trained model, and what a corrupt bundle says. */
class ModelBundleTest {

    static TrainedModel model;
    static ExampleSet scoring;

    @TempDir
    Path dir;

    /** Random examples of {@code players} ball handlers: handler in the zone, defenders around him. */
    static ExampleSet examples(int n, int players, long seed) {
        Random rnd = new Random(seed);
        String[] keys = new String[n];
        double[] f = new double[n * ExampleSet.FEATURES];
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            keys[i] = "player " + rnd.nextInt(players);
            f[i * 12] = rnd.nextDouble() * 40;
            f[i * 12 + 1] = rnd.nextDouble() * 50;
            for (int k = 2; k < 12; k++) {
                f[i * 12 + k] = -8 + rnd.nextDouble() * 16;
            }
            y[i] = (byte) (rnd.nextDouble() < (f[i * 12] < 15 ? 0.5 : 0.1) ? 1 : 0);
        }
        return new ExampleSet(keys, f, y, new int[n], new int[n]);
    }

    @BeforeAll
    static void train() {
        TrainingOptions o = new TrainingOptions(GridSpec.court(4, 5), GridSpec.defenderBox(3, 3), 3, 5, 64, "adam",
                0.05, 1e-4, 0, 1.0, 7L, DataType.FLOAT, 1);
        model = new Trainer(o).fit(examples(400, 3, 1), examples(100, 3, 2)).model();
        scoring = examples(50, 4, 3); // "player 3" was not seen in training: scored on the league task
    }

    private Path saved() throws IOException {
        Path file = dir.resolve("model.zip");
        ModelBundle.save(model, ModelBundle.manifestOf(model, List.of()), file);
        return file;
    }

    /** A copy of {@code file} whose manifest JSON is edited by {@code edit}. */
    private Path withManifest(Path file, Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path copy = Files.createTempFile(dir, "edited", ".zip");
        Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + copy.toUri()), Map.of())) {
            Path entry = zip.getPath(ModelBundle.MANIFEST_ENTRY);
            ObjectNode m = (ObjectNode) json.readTree(Files.readAllBytes(entry));
            edit.accept(m);
            try (OutputStream out = Files.newOutputStream(entry)) {
                json.writeValue(out, m);
            }
        }
        return copy;
    }

    @Test
    void roundTripKeepsPredictionsTasksAndProvenance() throws IOException {
        Path file = saved();
        TrainedModel loaded = ModelBundle.load(file);

        double[] before = model.predict(scoring);
        assertThat(java.util.Arrays.stream(before).boxed().toList())
                .allSatisfy(p -> assertThat(p).isStrictlyBetween(0.0, 1.0))
                .doesNotHaveDuplicates();
        assertThat(loaded.predict(scoring)).containsExactly(before);
        assertThat(loaded.tasks().keys()).containsExactly(TaskIndex.LEAGUE, "player 0", "player 1", "player 2");
        assertThat(loaded.seed()).isEqualTo(7L);
        assertThat(loaded.dataFingerprint()).isEqualTo(model.dataFingerprint()).hasSize(64);
        assertThat(loaded.spec()).isEqualTo(model.spec());

        Manifest m = ModelBundle.readManifest(file);
        assertThat(m.formatVersion()).isEqualTo(Manifest.FORMAT_VERSION);
        assertThat(m.modelKind()).isEqualTo("full-rank");
        assertThat(m.court()).isEqualTo(GridSpec.court(4, 5));
        assertThat(m.defenderBox()).isEqualTo(GridSpec.defenderBox(3, 3));
        assertThat(m.rank()).isNull();
        assertThat(m.inputRow()).hasSize(13).startsWith("taskIndex");
        assertThat(m.fallbackTask()).isEqualTo(TaskIndex.LEAGUE_INDEX);
        assertThat(m.dl4jVersion()).isEqualTo("1.0.0-M2.1");
    }

    @Test
    void plainDl4jLoadsTheBundleWithItsUpdaterAndGivesTheSameOutputs() throws IOException {
        Path file = saved();
        MultiLayerNetwork net = MultiLayerNetwork.load(file.toFile(), true);
        INDArray rows = ExampleRows.scoring(scoring, model.tasks(), DataType.FLOAT).getFeatures();

        double[] plain = net.output(rows, false).reshape(rows.size(0)).toDoubleVector();
        assertThat(plain).containsExactly(model.predictRows(rows));
        assertThat(net.getUpdater().getStateViewArray()).isNotNull();
        assertThat(net.getUpdater().getStateViewArray().length()).isEqualTo(2 * net.numParams()); // Adam: m and v
    }

    @Test
    void randomBytesAreNotABundle() throws IOException {
        Path file = dir.resolve("junk.zip");
        byte[] junk = new byte[1000];
        new Random(5).nextBytes(junk);
        Files.write(file, junk);
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ": not a zip file");
    }

    @Test
    void plainDl4jZipWithoutTheManifestIsNotABundle() throws IOException {
        Path file = dir.resolve("plain.zip");
        model.network().save(file.toFile(), true);
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(file + ": not a finegrain model bundle (no finegrain-manifest.json entry)");
    }

    @Test
    void unknownFormatVersionIsRejectedWithBothVersions() throws IOException {
        Path file = withManifest(saved(), m -> m.put("formatVersion", 99));
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + ": manifest format version 99 is not supported")
                .hasMessageEndingWith("reads version 1)");
    }

    @Test
    void newerFormatWithFieldsThisVersionDoesNotKnowIsReportedAsANewerVersion() throws IOException {
        Path file = withManifest(saved(), m -> {
            m.put("formatVersion", 2);
            m.put("stageSchedule", "coarse-to-fine");
        });
        assertThatThrownBy(() -> ModelBundle.readManifest(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("manifest format version 2 is not supported");
    }

    @Test
    void brokenManifestJsonOrMissingFileAreReported() throws IOException {
        Path file = withManifest(saved(), m -> m.put("court", "8x10"));
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(file + " (entry finegrain-manifest.json): bad manifest field court");
        Path noVersion = withManifest(saved(), m -> m.remove("formatVersion"));
        assertThatThrownBy(() -> ModelBundle.readManifest(noVersion))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(noVersion + " (entry finegrain-manifest.json): field formatVersion: expected an integer, "
                        + "found null");
        Path missing = dir.resolve("nope.zip");
        assertThatThrownBy(() -> ModelBundle.load(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nope.zip");
    }

    @Test
    void manifestThatDisagreesWithTheNetworkIsRejected() throws IOException {
        Path file = withManifest(saved(), m -> m.withArray("tasks").remove(3));
        assertThatThrownBy(() -> ModelBundle.load(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(file + ": manifest (full-rank, 3 tasks, 4x5, 3x3) disagrees with the network (full-rank, 4 tasks, "
                        + "4x5, 3x3)");
    }
}
