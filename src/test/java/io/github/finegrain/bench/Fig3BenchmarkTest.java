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
