package io.github.finegrain.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.train.TrainedModel;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bundles written by earlier versions keep loading and predicting the same; the shipped model scores as its card says. */
class GoldenBundleTest {
    static ExampleSet test;

    @BeforeAll
    static void data() throws Exception {
        test = ExampleBuilder.build(BundledData.load(Split.TEST)).examples();
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(GoldenBundleTest.class.getResource("/golden/bundle-v1/" + name).toURI());
    }

    @Test
    void formatVersion1BundleReproducesItsPredictions() throws Exception {
        TrainedModel m = ModelBundle.load(resource("model.zip"));
        Manifest manifest = ModelBundle.readManifest(resource("model.zip"));
        assertThat(manifest.formatVersion()).isEqualTo(1);
        assertThat(manifest.modelKind()).isEqualTo("cp");
        assertThat(manifest.rank()).isEqualTo(20);
        List<String> lines = Files.readAllLines(resource("expected_predictions.csv"));
        assertThat(lines).hasSize(301);
        int[] idx = new int[300];
        double[] expected = new double[300];
        for (int i = 0; i < 300; i++) {
            String[] p = lines.get(i + 1).split(",");
            idx[i] = Integer.parseInt(p[0]);
            assertThat(test.taskKeys()[idx[i]]).isEqualTo(p[1]);
            expected[i] = Double.parseDouble(p[2]);
        }
        double[] actual = m.predict(test.subset(idx));
        for (int i = 0; i < 300; i++) {
            assertThat(actual[i]).as("example " + idx[i]).isCloseTo(expected[i], within(1e-6));
        }
    }

    @Test
    void shippedModelScoresTheTestGamesAtItsModelCardAuc() throws Exception {
        Path bundle = Path.of("models", "cle-starters-mmtse", "model.zip");
        TrainedModel m = ModelBundle.load(bundle);
        double auc = BinaryMetrics.of(m.predict(test), test.labels(), 0.5).rocAuc();
        assertThat(auc).isCloseTo(0.7980, within(1e-4)); // MODEL_CARD.md: test ROC AUC 0.7980
    }
}
