package io.github.finegrain.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.train.MultiResolutionOptions;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.serde.jackson.JsonMapper;
import org.junit.jupiter.api.Test;

/** Issue 14 item 7: the search configuration round-trips through Arbiter's own JSON mapper. */
class FineGrainSpaceJsonTest {
    @Test
    void theSpaceRoundTripsThroughArbitersJsonAndGivesTheSameCandidates() throws Exception {
        SearchSpace s = new SearchSpace("t", SearchSpace.Search.RANDOM, 4, 12345, 3,
                new Range(5, 40, Range.Scale.LINEAR), new Range(1e-4, 5e-2, Range.Scale.LOG),
                new Range(0.01, 0.03, Range.Scale.LINEAR), null);
        FineGrainSpace space = new FineGrainSpace(s, MultiResolutionOptions.defaults());
        String json = JsonMapper.getMapper().writeValueAsString(space);
        assertThat(json).contains("FineGrainSpace").contains("\"rank\"").contains("\"delta\"");
        @SuppressWarnings("unchecked")
        ParameterSpace<TuningPoint> back = JsonMapper.getMapper().readValue(json, ParameterSpace.class);
        assertThat(back).isInstanceOf(FineGrainSpace.class);
        assertThat(back.toString()).isEqualTo(space.toString());
        assertThat(JsonMapper.getMapper().writeValueAsString(back)).isEqualTo(json);
        // Arbiter indexes the leaves of both the same way; the same vectors give the same candidates
        new RandomSearchGenerator(space, null);
        new RandomSearchGenerator(back, null);
        assertThat(back.numParameters()).isEqualTo(3);
        double[][] vectors = {{0, 0, 0}, {1, 1, 1}, {0.3, 0.7, 0.5}};
        for (double[] v : vectors) {
            assertThat(back.getValue(v)).isEqualTo(space.getValue(v));
        }
    }
}
