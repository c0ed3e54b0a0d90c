package io.github.finegrain.train;

import io.github.finegrain.model.ModelKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.grid.GridSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

class MultiResolutionOptionsTest {

    @Test
    void oneSetOfDefaults() {
        MultiResolutionOptions d = MultiResolutionOptions.defaults();
        assertThat(d.rules()).isEqualTo(FineGrainRules.Parameters.defaults());
        assertThat(d.rules().minSteps()).isEqualTo(40);
        assertThat(d.ladder()).isEqualTo(MultiResolutionOptions.paperLadder());
        assertThat(MultiResolutionOptions.builder().build()).isEqualTo(d);
        TrainingOptions single = TrainingOptions.defaults();
        assertThat(List.of(single.batchSize(), single.optimizer(), single.learningRate(), single.l2(), single.seed(),
                single.minTaskExamples())).isEqualTo(List.of(d.batchSize(), d.optimizer(), d.learningRate(), d.l2(),
                        d.seed(), d.minTaskExamples()));
    }

    @Test
    void buildersAndWithersChangeOnlyWhatTheyName() {
        MultiResolutionOptions d = MultiResolutionOptions.defaults();
        MultiResolutionOptions o = d.toBuilder().rank(7).delta(0.01).minSteps(5).batchSize(64).build();
        assertThat(o.rank()).isEqualTo(7);
        assertThat(o.rules().delta()).isEqualTo(0.01);
        assertThat(o.rules().minSteps()).isEqualTo(5);
        assertThat(o.rules().stableWindows()).isEqualTo(d.rules().stableWindows());
        assertThat(o.batchSize()).isEqualTo(64);
        assertThat(o.toBuilder().rank(d.rank()).rules(d.rules()).batchSize(d.batchSize()).build()).isEqualTo(d);
        assertThat(d.withLearningRates(0.1, 0.01).learningRate()).isEqualTo(0.1);
        assertThat(d.withMaxMinutes(2).maxMinutes()).isEqualTo(2);
    }

    @Test
    void optimizerNames() {
        MultiResolutionOptions.Builder b = MultiResolutionOptions.builder();
        assertThat(b.optimizer("sgd").build().updater()).isInstanceOf(Sgd.class);
        assertThat(b.optimizer("adam").build().updater()).isInstanceOf(Adam.class);
        assertThat(b.optimizer("lazy-adam").build().optimizer()).isEqualTo("lazy-adam");
        assertThat(b.optimizer("adagrad").build().optimizer()).isEqualTo("adagrad");
        assertThatThrownBy(() -> MultiResolutionOptions.builder().optimizer("Adam").build())
                .hasMessage("optimizer must be one of adam, sgd, lazy-adam, adagrad, found 'Adam'");
        // adam and sgd are DL4J's dense net.fit; lazy-adam and adagrad the row-sparse step at the layer's rate
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = io.github.finegrain.model.SpatialNetworks.network(
                new io.github.finegrain.model.FullRankSpatialLayer(new io.github.finegrain.model.SpatialLayerSpec(3,
                        io.github.finegrain.grid.GridSpec.court(4, 5), io.github.finegrain.grid.GridSpec.defenderBox(6,
                                6))), new io.github.finegrain.model.SpatialNetworks.Options(new Adam(0.01), 0, 1, 1L,
                                        org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        assertThat(TrainingSteps.forOptimizer("adam", 0).apply(net)).isInstanceOf(TrainingStep.DenseStep.class);
        TrainingStep sparse = TrainingSteps.forOptimizer("lazy-adam", 1e-4).apply(net);
        assertThat(sparse).isInstanceOf(SparseTrainingStep.class);
        assertThat(((SparseTrainingStep) sparse).optimizer().learningRate()).isEqualTo(0.01);
        assertThat(((SparseTrainingStep) sparse).optimizer().l2()).isEqualTo(1e-4);
        assertThatThrownBy(() -> TrainingSteps.forOptimizer("Adam", 0)).hasMessageContaining("found 'Adam'");
    }

    @Test
    void rankIsCheckedAgainstTheHandOffTensor() {
        // paper ladder: hand-off at 8x10 / 12x12, tensor tasks x 80 x 145
        assertThatThrownBy(() -> MultiResolutionOptions.builder().rank(80 * 145 + 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rank 11601 is too large for the hand-off tensor tasks x 80 x 145 at full-rank 8x10 / 12x12 "
                        + "(at most 11600)");
        MultiResolutionOptions o = MultiResolutionOptions.builder().rank(100).build();
        o.checkRankFits(439);
        assertThatThrownBy(() -> o.checkRankFits(1)).hasMessage("rank 100 is too large for the hand-off tensor 1 x 80 "
                + "x 145 at full-rank 8x10 / 12x12 (at most 80)");
        // a ladder without a hand-off (random CP start) has no such bound
        MultiResolutionOptions cpOnly = MultiResolutionOptions.builder().rank(5000)
                .ladder(List.of(new StageSpec(ModelKind.CP, GridSpec.court(4, 5), GridSpec.defenderBox(6, 6))))
                .build();
        cpOnly.checkRankFits(1);
    }

    @Test
    void provenanceHasTheManifestKeysInOrder() {
        assertThat(MultiResolutionOptions.defaults().provenance().keySet()).containsExactly("rank", "delta",
                "criterion", "window", "minSteps", "plateauSteps", "minImprovement", "optimizer", "learningRate", "cpLearningRate", "learningRateDecay", "l2", "l2Prior", "batchSize",
                "ladder", "seed");
        assertThat(TrainingOptions.defaults().provenance().keySet())
                .containsExactlyElementsOf(MultiResolutionOptions.defaults().provenance().keySet());
    }
}
