package io.github.finegrain.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.StageSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RealDataPipelinesTest {

    /** The ladders differ from the product defaults, read at run time, and nothing else does but the seed. */
    @Test
    void optionsAreTheDefaultsWithThePipelinesLadderAndSeed() {
        MultiResolutionOptions d = MultiResolutionOptions.defaults();
        MultiResolutionOptions mmtse = RealDataPipelines.options("mmtse", 3);
        assertThat(mmtse).isEqualTo(d.toBuilder().seed(3).build());
        MultiResolutionOptions fixed = RealDataPipelines.options("fixed", 2);
        assertThat(fixed.ladder().stream().map(StageSpec::label).toList())
                .containsExactly("full-rank 40x50 / 12x12", "cp 40x50 / 12x12");
        assertThat(fixed.ladder().get(0).kind()).isEqualTo(ModelKind.FULL_RANK);
        assertThat(fixed.toBuilder().ladder(d.ladder()).seed(d.seed()).build()).isEqualTo(d);
        MultiResolutionOptions random = RealDataPipelines.options("random", 5);
        assertThat(random.ladder()).hasSize(1);
        assertThat(random.ladder().get(0).kind()).isEqualTo(ModelKind.CP);
        assertThat(random.seed()).isEqualTo(5);
        assertThatThrownBy(() -> RealDataPipelines.options("finest", 1)).hasMessageContaining("unknown pipeline "
                + "'finest'");
    }

    @Test
    void summaryGivesMeanAndSampleSd() {
        List<ObjectNode> runs = new ArrayList<>();
        double[] ll = {0.30, 0.32, 0.34};
        for (int i = 0; i < 3; i++) {
            runs.add(Fig3Report.JSON.createObjectNode().put("seed", i + 1).put("testLogLoss", ll[i])
                    .put("rocAuc", 0.7 + 0.1 * i));
        }
        JsonNode s = RealDataPipelines.summary(runs, List.of("cp 40x50 / 12x12"));
        assertThat(s.get("testLogLossMean").asDouble()).isCloseTo(0.32, within(1e-12));
        assertThat(s.get("testLogLossSd").asDouble()).isCloseTo(0.02, within(1e-12)); // sqrt((4e-4 + 4e-4) / 2)
        assertThat(s.get("rocAucMean").asDouble()).isCloseTo(0.8, within(1e-12));
        assertThat(s.get("rocAucSd").asDouble()).isCloseTo(0.1, within(1e-12));
        assertThat(s.get("seeds").asInt()).isEqualTo(3);
        assertThat(s.get("perSeed")).hasSize(3);
        JsonNode one = RealDataPipelines.summary(runs.subList(0, 1), List.of());
        assertThat(one.get("testLogLossSd").isNull()).isTrue(); // no sample sd of one value
        assertThatThrownBy(() -> RealDataPipelines.run(null, 0, o -> o, l -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seeds must be >= 1, found 0");
    }

    /** One short seed of each pipeline on the bundled data: every field, real metrics, the markdown's target line. */
    @Test
    void shortRunOnTheBundledData() throws Exception {
        RealDataPipelines.Data data = RealDataPipelines.bundled();
        List<String> lines = new ArrayList<>();
        JsonNode r = RealDataPipelines.run(data, 1, o -> o.toBuilder().maxStepsPerStage(20).validationEvery(10)
                .build(), lines::add);
        assertThat(lines).hasSize(3);
        assertThat(r.get("formatVersion").asInt()).isEqualTo(RealDataPipelines.FORMAT_VERSION);
        for (String p : RealDataPipelines.PIPELINES) {
            JsonNode o = r.get(p);
            assertThat(o.get("seeds").asInt()).as(p).isEqualTo(1);
            assertThat(o.get("testLogLossSd").isNull()).as(p).isTrue();
            // better than chance on the test games, worse than perfect
            assertThat(o.get("testLogLossMean").asDouble()).as(p).isBetween(0.2, 0.6);
            assertThat(o.get("rocAucMean").asDouble()).as(p).isBetween(0.3, 1.0);
            JsonNode run = o.get("perSeed").get(0);
            assertThat(run.get("testLogLoss").asDouble()).isEqualTo(o.get("testLogLossMean").asDouble());
            assertThat(run.get("steps").asInt()).as(p).isPositive();
            assertThat(run.get("trainingSeconds").asDouble()).isLessThanOrEqualTo(run.get("seconds").asDouble());
        }
        assertThat(r.get("mmtse").get("ladder")).hasSize(MultiResolutionOptions.defaults().ladder().size());
        assertThat(RealDataPipelines.markdown(r)).contains("| fixed | 1 | ").contains("Target: "
                + RealDataPipelines.TARGET + ": " + (RealDataPipelines.targetMet(r) ? "met." : "not met."));
    }
}
