package io.github.finegrain.bench;

import io.github.finegrain.model.ModelKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.finegrain.grid.GridSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Fig3BenchmarkTest {

    @TempDir
    Path dir;

    /** A tiny bench fig3, methods in process: every field exists and the derived numbers agree with the parts. */
    @Test
    void tinyRunWritesConsistentJsonPlotsAndPlantedFactors() throws Exception {
        Fig3Benchmark.Scale scale = new Fig3Benchmark.Scale(4, 400, 3, 0.1, 2.0, 7, 0.03);
        Fig3Report.run(scale, 2, dir, (m, seed, json) -> Fig3Benchmark.runMethod(scale, m, seed, json), line -> { });
        JsonNode fig = Fig3Report.JSON.readTree(dir.resolve("fig3.json").toFile());

        assertThat(fig.get("target").asDouble()).isCloseTo(1.01 * fig.get("finestBestValidationLoss").asDouble(),
                within(1e-12));
        for (String m : Fig3Benchmark.PANEL) {
            JsonNode t = fig.get("timeToTarget").get(m);
            assertThat(t).as(m).isNotNull();
            assertThat(t.get("reached").asBoolean()).isEqualTo(!t.get("seconds").isNull());
            if (t.get("reached").asBoolean()) {
                assertThat(t.get("steps").asInt()).isBetween(1, t.get("totalSteps").asInt());
                assertThat(t.get("seconds").asDouble()).isLessThanOrEqualTo(t.get("totalSeconds").asDouble());
            }
        }
        // finest reaches its own target by construction; it trains 2 epochs
        assertThat(fig.get("timeToTarget").get("finest").get("reached").asBoolean()).isTrue();
        assertThat(fig.get("timeToTarget").get("finest").get("epochs").asInt()).isEqualTo(2);

        JsonNode ratios = fig.get("ratios");
        for (String f : List.of("fixedOverEntropy", "fixedOverLiteral", "lossOverEntropy",
                "pipelineFixedOverMultires")) {
            assertThat(ratios.has(f)).as(f).isTrue();
        }
        if (!ratios.get("fixedOverEntropy").isNull()) {
            assertThat(ratios.get("fixedOverEntropy").asDouble()).isCloseTo(
                    fig.get("timeToTarget").get("finest").get("seconds").asDouble()
                            / fig.get("timeToTarget").get("entropy").get("seconds").asDouble(), within(1e-9));
        }
        JsonNode gain = fig.get("timeToGainTarget");
        for (String m : Fig3Benchmark.PANEL) {
            assertThat(gain.get(m).get("reached").asBoolean()).as(m).isEqualTo(!gain.get(m).get("seconds").isNull());
        }
        if (gain.get("entropy").get("reached").asBoolean()) {
            JsonNode f = gain.get("finest");
            double fSeconds = f.get("reached").asBoolean() ? f.get("seconds").asDouble()
                    : f.get("totalSeconds").asDouble();
            assertThat(ratios.get("finestOverEntropyAtGainTarget").asDouble()).isCloseTo(
                    fSeconds / gain.get("entropy").get("seconds").asDouble(), within(1e-9));
            assertThat(ratios.get("finestOverEntropyAtGainTargetIsLowerBound").asBoolean())
                    .isEqualTo(!f.get("reached").asBoolean());
        }
        JsonNode test = fig.get("test");
        assertThat(ratios.get("pipelineFixedOverMultires").asDouble()).isCloseTo(
                test.get("fixed-s1").get("seconds").asDouble() / test.get("mmtse-s1").get("seconds").asDouble(),
                within(1e-9));
        List<String> keys = List.of("entropy-s1", "literal-s1", "loss-s1", "finest-s1", "fixed-s1", "mmtse-s1",
                "random-s1", "mmtse-s2", "random-s2");
        for (String k : keys) {
            assertThat(fig.get("peakBytes").get(k).get("vmHwmBytes").asLong()).as(k).isPositive();
            assertThat(fig.get("peakBytes").get(k).get("javacppPhysicalBytes").asLong()).as(k).isPositive();
            assertThat(test.get(k).get("logLoss").asDouble()).as(k).isPositive();
            assertThat(test.get(k).get("rocAuc").asDouble()).as(k).isBetween(0.0, 1.0);
        }
        JsonNode random = fig.get("interpretability").get("random");
        assertThat(random.get("seeds").asInt()).isEqualTo(2);
        assertThat(random.get("plantedCongruence").asDouble()).isBetween(0.0, 1.0 + 1e-9);
        assertThat(random.get("seedToSeedMatch").asDouble()).isBetween(0.0, 1.0 + 1e-9);
        assertThat(fig.get("targets").size()).isEqualTo(11);

        for (String f : List.of("fig3.md", "fig3-fullrank-seconds.png", "fig3-fullrank-steps.png",
                "fig3-pipeline-seconds.png", "fig3-pipeline-steps.png", "planted/planted-B-court-40x50.npy",
                "methods/random-s1-B.npy")) {
            assertThat(dir.resolve(f)).as(f).exists();
            assertThat(Files.size(dir.resolve(f))).as(f).isPositive();
        }
        DMatrixRMaj b = Fig3Benchmark.readMatrix(dir.resolve("planted/planted-B-court-40x50.npy"));
        assertThat(b.numRows).isEqualTo(2000);
        assertThat(b.numCols).isEqualTo(3);
    }

    @Test
    void plantedFactorsMatchThemselvesAndAreSmooth() {
        var p = Fig3Benchmark.data(new Fig3Benchmark.Scale(5, 100, 4, 0.1, 2.0, 3, 1)).planted();
        DMatrixRMaj[] f = Fig3Benchmark.plantedFactors(p);
        assertThat(io.github.finegrain.factor.Congruence.coefficient(f, f)).isCloseTo(1.0, within(1e-9));
        GridSpec court = GridSpec.court(40, 50);
        assertThat(FactorSmoothness.meanMoransI(f[1], court)).isGreaterThan(0.9);
        assertThat(FactorSmoothness.meanDirichlet(f[1], court)).isLessThan(0.2);
        DMatrixRMaj noise = new DMatrixRMaj(2000, 2);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < noise.data.length; i++) {
            noise.data[i] = r.nextGaussian();
        }
        assertThat(FactorSmoothness.meanMoransI(noise, court)).isBetween(-0.1, 0.1);
        assertThat(FactorSmoothness.meanDirichlet(noise, court)).isBetween(3.5, 4.5);
    }

    /** The analytic model-state bytes equal what DL4J allocates: parameters + gradient + Adam's state, in float. */
    @Test
    void modelStateBytesCountParametersGradientAndAdamState() {
        GridSpec court = GridSpec.court(4, 5);
        GridSpec box = GridSpec.defenderBox(3, 3);
        int tasks = 6;
        int rank = 3;
        for (io.github.finegrain.model.ModelKind kind : io.github.finegrain.model.ModelKind.values()) {
            var spec = new io.github.finegrain.model.SpatialLayerSpec(tasks, court, box);
            org.deeplearning4j.nn.conf.layers.FeedForwardLayer layer =
                    kind == io.github.finegrain.model.ModelKind.FULL_RANK
                            ? new io.github.finegrain.model.FullRankSpatialLayer(spec)
                            : new io.github.finegrain.model.CpSpatialLayer(
                                    new io.github.finegrain.model.CpLayerSpec(spec, rank));
            var net = io.github.finegrain.model.SpatialNetworks.network(layer,
                    new io.github.finegrain.model.SpatialNetworks.Options(new org.nd4j.linalg.learning.config.Adam(0.01),
                            0, 1, 1, org.nd4j.linalg.api.buffer.DataType.FLOAT));
            long params = net.params().length();
            long adam = net.getUpdater(true).getStateViewArray().length();
            assertThat(adam).as(kind.name()).isEqualTo(2 * params);
            assertThat(Fig3Benchmark.modelStateBytes(new io.github.finegrain.train.StageSpec(kind, court, box), tasks,
                    rank)).as(kind.name()).isEqualTo((params + params + adam) * Float.BYTES);
        }
        // the claim at paper scale: MMT-SE's largest full-rank stage (8x10/12x12) against the finest full-rank F
        long mmtse = Fig3Benchmark.modelStateBytes(new io.github.finegrain.train.StageSpec(
                io.github.finegrain.model.ModelKind.FULL_RANK, GridSpec.court(8, 10), GridSpec.defenderBox(12, 12)),
                440, 20);
        long fixed = Fig3Benchmark.modelStateBytes(new io.github.finegrain.train.StageSpec(
                io.github.finegrain.model.ModelKind.FULL_RANK, GridSpec.court(40, 50),
                GridSpec.defenderBox(12, 12)), 440, 20);
        assertThat((double) mmtse / fixed).isCloseTo(80.0 / 2000, within(1e-4));
    }

    /**
     * --write-examples writes the scale's own data (the train/val/test of {@link Fig3Benchmark#data}) and the
     * streamed first stage trains one epoch of it: every training row (league copies included) once.
     */
    @Test
    void writtenExamplesAreTheScalesDataAndStreamOneEpoch() throws Exception {
        Fig3Benchmark.Scale scale = new Fig3Benchmark.Scale(6, 3000, 3, 0.1, 2.0, 7, 1);
        Path f = dir.resolve("planted.fgex");
        Fig3Benchmark.writeExamples(scale, f);
        Fig3Benchmark.Data d = Fig3Benchmark.data(scale);
        var file = io.github.finegrain.data.ExampleFile.open(f);
        var train = file.read(io.github.finegrain.data.Split.TRAIN);
        var test = file.read(io.github.finegrain.data.Split.TEST);
        assertThat(train.taskKeys()).containsExactly(d.train().taskKeys());
        assertThat(train.labels()).containsExactly(d.train().labels());
        assertThat(test.labels()).containsExactly(d.test().labels());
        assertThat(test.size()).isEqualTo(scale.holdOut());
        assertThat(Fig3Report.JSON.readTree(file.metadata()).get("scale").get("frames").asInt()).isEqualTo(3000);

        var r = Fig3Benchmark.streamFirstStage(f, 1, 1024, 2, 1);
        assertThat(r.get("trainingRows")).isEqualTo(6000L); // 3000 examples, every player has a task
        assertThat(r.get("minibatches")).isEqualTo(6); // ceil(6000 / 1024)
        assertThat(r.get("epochs")).isEqualTo(1);
        assertThat((double) r.get("bestValidationLoss")).isLessThanOrEqualTo((double) r.get("startValidationLoss"));
        assertThat((long) r.get("vmHwmBytes")).isPositive();
    }
}
