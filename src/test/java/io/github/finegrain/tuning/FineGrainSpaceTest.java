package io.github.finegrain.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.train.MultiResolutionOptions;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.junit.jupiter.api.Test;

/** The Arbiter space over rank and Δ under Arbiter's own random and grid generators. */
class FineGrainSpaceTest {
    private static final MultiResolutionOptions BASE = MultiResolutionOptions.defaults();

    static SearchSpace rankDelta(SearchSpace.Search search) {
        return new SearchSpace("t", search, 4, 12345, 3, new Range(5, 40, Range.Scale.LINEAR),
                new Range(1e-4, 5e-2, Range.Scale.LOG), null, null);
    }

    @Test
    void leavesAreIndexedByArbiterAndMapTheUnitCubeOntoTheRanges() {
        FineGrainSpace space = new FineGrainSpace(rankDelta(SearchSpace.Search.RANDOM), BASE);
        new RandomSearchGenerator(space, null); // assigns the leaves' indices, as the runner's generator does
        assertThat(space.numParameters()).isEqualTo(2);
        assertThat(space.collectLeaves()).hasSize(2);
        assertThat(space.getNestedSpaces()).containsOnlyKeys("rank", "delta", "learningRate", "cpLearningRate");

        TuningPoint bottom = space.getValue(new double[] {0, 0});
        assertThat(bottom.rank()).isEqualTo(5);
        assertThat(bottom.delta()).isCloseTo(1e-4, within(1e-15));
        assertThat(bottom.learningRate()).isEqualTo(BASE.learningRate()); // not searched: the base values
        assertThat(bottom.cpLearningRate()).isEqualTo(BASE.cpLearningRate());
        TuningPoint top = space.getValue(new double[] {1, 1});
        assertThat(top.rank()).isEqualTo(40);
        assertThat(top.delta()).isCloseTo(0.05, within(1e-12));
        // log-uniform: the middle of the unit interval is the geometric mean of the bounds
        assertThat(space.getValue(new double[] {0.5, 0.5}).delta()).isCloseTo(Math.sqrt(1e-4 * 5e-2), within(1e-12));

        assertThatThrownBy(() -> space.getValue(new double[] {0.5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 2 parameter values, found 1");
        assertThatThrownBy(() -> space.getValue(new double[] {0.5, 1.5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter value 1 is 1.5, outside [0, 1]");
    }

    @Test
    void leftOutParametersKeepTheBaseValuesAndAppliedPointsChangeOnlyTheirFields() {
        SearchSpace s = new SearchSpace("t", SearchSpace.Search.RANDOM, 1, 1, 3, null, new Range(0.001, 0.01,
                Range.Scale.LINEAR), null, Range.fixed(0.004));
        FineGrainSpace space = new FineGrainSpace(s, BASE);
        new RandomSearchGenerator(space, null);
        assertThat(space.numParameters()).isEqualTo(1);
        TuningPoint p = space.getValue(new double[] {0.5});
        assertThat(p.rank()).isEqualTo(20);
        assertThat(p.delta()).isCloseTo(0.0055, within(1e-15));
        assertThat(p.learningRate()).isEqualTo(BASE.learningRate());
        assertThat(p.cpLearningRate()).isEqualTo(0.004);

        MultiResolutionOptions o = p.apply(BASE, 2.5);
        assertThat(o.rank()).isEqualTo(20);
        assertThat(o.rules().delta()).isEqualTo(p.delta());
        assertThat(o.cpLearningRate()).isEqualTo(0.004);
        assertThat(o.maxMinutes()).isEqualTo(2.5);
        assertThat(o.rules().withDelta(BASE.rules().delta())).isEqualTo(BASE.rules());
        assertThat(o.ladder()).isEqualTo(BASE.ladder());
        assertThat(o.seed()).isEqualTo(BASE.seed());
    }

    @Test
    void randomSearchIsReproducibleFromItsSeedAndStaysInTheRanges() {
        List<TuningPoint> a = draw(5, 99);
        assertThat(draw(5, 99)).isEqualTo(a);
        assertThat(draw(5, 100)).isNotEqualTo(a);
        assertThat(a).allSatisfy(p -> {
            assertThat(p.rank()).isBetween(5, 40);
            assertThat(p.delta()).isBetween(1e-4, 5e-2);
        });
    }

    private static List<TuningPoint> draw(int n, long seed) {
        RandomSearchGenerator g = new RandomSearchGenerator(new FineGrainSpace(rankDelta(SearchSpace.Search.RANDOM),
                BASE), null);
        g.setRngSeed(seed);
        List<TuningPoint> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add((TuningPoint) g.getCandidate().getValue());
        }
        return out;
    }

    @Test
    @SuppressWarnings("rawtypes") // Arbiter's Candidate
    void gridSearchVisitsEveryCombinationWithGeometricDeltas() {
        GridSearchCandidateGenerator g = new GridSearchCandidateGenerator(
                new FineGrainSpace(rankDelta(SearchSpace.Search.GRID), BASE), 3,
                GridSearchCandidateGenerator.Mode.Sequential, null);
        BoundedCandidateGenerator bounded = new BoundedCandidateGenerator(g, 100, 3);
        List<TuningPoint> points = new ArrayList<>();
        while (bounded.hasMoreCandidates()) {
            Candidate c = bounded.getCandidate();
            assertThat(c.getException()).isNull();
            points.add((TuningPoint) c.getValue());
        }
        assertThat(points).hasSize(9);
        assertThat(bounded.generated()).isEqualTo(9);
        // Arbiter maps grid value 0.5 through the uniform integer distribution's inverse CDF: 22 of 5..40
        assertThat(points).extracting(TuningPoint::rank).containsExactly(5, 22, 40, 5, 22, 40, 5, 22, 40);
        double mid = Math.sqrt(1e-4 * 5e-2);
        assertThat(points).extracting(TuningPoint::delta)
                .allSatisfy(d -> assertThat(List.of(1e-4, mid, 5e-2)).anySatisfy(v -> assertThat(d).isCloseTo(v,
                        within(1e-12))));
    }

    @Test
    void theBoundedGeneratorStopsAtMaxCandidates() {
        BoundedCandidateGenerator g = new BoundedCandidateGenerator(new RandomSearchGenerator(
                new FineGrainSpace(rankDelta(SearchSpace.Search.RANDOM), BASE), null), 2, 3);
        assertThat(g.hasMoreCandidates()).isTrue();
        g.getCandidate();
        g.getCandidate();
        assertThat(g.hasMoreCandidates()).isFalse();
        assertThat(g.generated()).isEqualTo(2);
    }
}
