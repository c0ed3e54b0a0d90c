package io.github.finegrain.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.train.MultiResolutionOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.junit.jupiter.api.Test;

/**
 * The search loop around Arbiter's runner, with a stand-in task (no training): termination and the bound on
 * candidate generation.
 */
class TunerTest {
    private static final MultiResolutionOptions BASE = MultiResolutionOptions.defaults();
    private static final ExampleSet NONE = new ExampleSet(new String[0], new double[0], new byte[0], new int[0],
            new int[0]);

    /** A task that "trains" instantly: score = 1 / rank. */
    @SuppressWarnings({"deprecation", "rawtypes"}) // Arbiter's TaskCreator signatures
    private static Tuner.Tasks instant(AtomicInteger started) {
        return (base, minutes, deadline, sink) -> new TaskCreator() {
            @Override
            public Callable<OptimizationResult> create(Candidate c, org.deeplearning4j.arbiter.optimize.api.data
                    .DataProvider d, org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction f, List l,
                    org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner r) {
                return () -> {
                    started.incrementAndGet();
                    TuningPoint p = (TuningPoint) c.getValue();
                    TrialResult t = new TrialResult(c.getIndex(), p, TrialResult.OK, 1.0 / p.rank(), 0.5, 0, 6, 0, 4,
                            "cp 40x50/12x12", "");
                    sink.accept(t);
                    long now = System.currentTimeMillis();
                    return new OptimizationResult(c, t.score(), c.getIndex(), t, new CandidateInfo(c.getIndex(),
                            CandidateStatus.Complete, t.score(), now, now, now, c.getFlatParameters(), null), null);
                };
            }

            @Override
            public Callable<OptimizationResult> create(Candidate c, Class d, java.util.Properties p,
                    org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction f, List l,
                    org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner r) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void aGridWithFewerPointsThanMaxCandidatesEndsWhenExhausted() {
        SearchSpace grid = new SearchSpace("g", SearchSpace.Search.GRID, 10, 1, 2, new Range(5, 6,
                Range.Scale.LINEAR), Range.fixed(0.01), null, null);
        AtomicInteger started = new AtomicInteger();
        Tuner tuner = new Tuner(BASE, new Tuner.Settings(10, 1, 1, 3), instant(started));
        Tuner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> tuner.run(grid, NONE, NONE, null));
        assertThat(started.get()).isEqualTo(2);
        assertThat(r.trials()).extracting(t -> t.point().rank()).containsExactly(5, 6);
        assertThat(r.trials()).extracting(t -> t.point().delta()).containsOnly(0.01);
        assertThat(r.best()).hasValueSatisfying(t -> assertThat(t.point().rank()).isEqualTo(6));
        assertThat(r.timeBudgetSpent()).isFalse();
        assertThat(r.generationFailures()).isEmpty();
    }

    @Test
    void randomSearchStopsAtMaxCandidates() {
        AtomicInteger started = new AtomicInteger();
        Tuner tuner = new Tuner(BASE, new Tuner.Settings(3, 1, 1, 3), instant(started));
        Tuner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> tuner.run(FineGrainSpaceTest.rankDelta(SearchSpace.Search.RANDOM), NONE, NONE, null));
        assertThat(started.get()).isEqualTo(3);
        assertThat(r.trials()).extracting(TrialResult::candidate).containsExactly(0, 1, 2);
        assertThat(r.trials()).allSatisfy(t -> assertThat(t.point().rank()).isBetween(5, 40));
    }

    /** The DL4J-notes failure: numParameters() is not the sum of the leaves, so no value vector fits. */
    private static ParameterSpace<TuningPoint> miscounted() {
        FineGrainSpace inner = new FineGrainSpace(FineGrainSpaceTest.rankDelta(SearchSpace.Search.RANDOM), BASE);
        return new ParameterSpace<>() {
            @Override
            public TuningPoint getValue(double[] v) {
                return inner.getValue(v);
            }

            @Override
            public int numParameters() {
                return inner.numParameters() - 1;
            }

            @Override
            @SuppressWarnings("rawtypes")
            public List<ParameterSpace> collectLeaves() {
                return inner.collectLeaves();
            }

            @Override
            @SuppressWarnings("rawtypes")
            public Map<String, ParameterSpace> getNestedSpaces() {
                return inner.getNestedSpaces();
            }

            @Override
            public boolean isLeaf() {
                return false;
            }

            @Override
            public void setIndices(int... indices) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String toString() {
                return "Miscounted";
            }
        };
    }

    @Test
    void aSpaceThatCannotGenerateFailsTheSearchWithAMessageInsteadOfRetryingForever() {
        AtomicInteger started = new AtomicInteger();
        Tuner tuner = new Tuner(BASE, new Tuner.Settings(4, 1, 1, 5), instant(started));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> tuner.run(miscounted(),
                SearchSpace.Search.RANDOM, 1, 3, NONE, NONE, null))
                .isInstanceOf(CandidateGenerationException.class)
                .hasMessage("the search space Miscounted could not generate a candidate in 5 attempts in a row; last "
                        + "error: java.lang.IllegalArgumentException: expected 2 parameter values, found 1")
                .hasCauseInstanceOf(IllegalArgumentException.class));
        assertThat(started.get()).isZero();
    }

    @Test
    void aLeafWithoutIndicesAlsoFailsBoundedly() {
        FineGrainSpace inner = new FineGrainSpace(FineGrainSpaceTest.rankDelta(SearchSpace.Search.RANDOM), BASE);
        ParameterSpace<TuningPoint> hidden = new ParameterSpace<>() {
            @Override
            public TuningPoint getValue(double[] v) {
                return inner.getValue(v);
            }

            @Override
            public int numParameters() {
                return 2;
            }

            @Override
            @SuppressWarnings("rawtypes")
            public List<ParameterSpace> collectLeaves() {
                return List.of(); // the leaves are never indexed
            }

            @Override
            @SuppressWarnings("rawtypes")
            public Map<String, ParameterSpace> getNestedSpaces() {
                return Map.of();
            }

            @Override
            public boolean isLeaf() {
                return false;
            }

            @Override
            public void setIndices(int... indices) {
                throw new UnsupportedOperationException();
            }
        };
        Tuner tuner = new Tuner(BASE, new Tuner.Settings(4, 1, 1, 2), instant(new AtomicInteger()));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> tuner.run(hidden,
                SearchSpace.Search.RANDOM, 1, 3, NONE, NONE, null))
                .isInstanceOf(CandidateGenerationException.class)
                .hasMessageContaining("could not generate a candidate in 2 attempts in a row")
                .hasMessageContaining("index has not been set"));
    }
}
