package io.github.finegrain.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.factor.CpAlsOptions.Init;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance against TensorLy 0.9.0 on the six golden cases (src/test/resources/golden/cp-als/README.md): at the
 * case's rank, at most 500 sweeps, tol 1e-10, the relative error must be at most TensorLy's SVD-start error + 1e-3 and
 * the congruence with the planted factors at least TensorLy's SVD-start congruence - 0.01.
 */
class CpAlsGoldenTest {

    private static final double ERR_SLACK = 1e-3;
    private static final double CONG_SLACK = 0.01;
    /** Trace values above this are compared; below it TensorLy's norm-expansion trace is rounding-limited. */
    private static final double TRACE_FLOOR = 1e-4;

    private static CpAlsOptions goldenOptions(Golden g, Init init) {
        return new CpAlsOptions(g.rank(), init, 0, 500, 1e-10);
    }

    private static void assertAcceptance(Golden g, CpResult r) {
        assertThat(r.relativeError()).as("case %s relative error", g.name())
                .isLessThanOrEqualTo(g.tensorlyRelError("svd") + ERR_SLACK);
        assertThat(r.congruence(g.planted()[0], g.planted()[1], g.planted()[2]))
                .as("case %s congruence with the planted factors", g.name())
                .isGreaterThanOrEqualTo(g.tensorlyCongruence("svd") - CONG_SLACK);
        assertThat(r.fit()).isEqualTo(1 - r.relativeError());
    }

    private static void assertTraceMatches(String what, double[] ours, double[] tensorly, double tolerance) {
        int n = Math.min(ours.length, tensorly.length);
        int compared = 0;
        for (int s = 0; s < n; s++) {
            if (tensorly[s] > TRACE_FLOOR) {
                assertThat(ours[s]).as("%s, sweep %d", what, s + 1).isCloseTo(tensorly[s], within(tolerance));
                compared++;
            }
        }
        assertThat(compared).as("%s: sweeps compared", what).isPositive();
    }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(strings = {"a", "b", "c", "d", "e", "f"})
    void svdStartMeetsAcceptanceAndFollowsTensorLy(String name) {
        Golden g = Golden.load(name);
        CpResult r = CpAls.fit(g.tensor(), goldenOptions(g, Init.SVD));
        assertAcceptance(g, r);
        // Our own SVD start equals TensorLy's up to column signs, so the sweeps agree too.
        assertTraceMatches("case " + name, r.errorTrace(), g.tensorlyTrace("svd"), 1e-9);
        assertThat(r.relativeError()).isCloseTo(g.tensorlyRelError("svd"), within(1e-8));
        if (!name.equals("a") && !name.equals("f")) { // a, f: noise-free, the stop is decided by rounding noise
            assertThat(r.iterations()).isEqualTo(g.tensorlyIterations("svd"));
            assertThat(r.converged()).isEqualTo(!name.equals("d"));
        }
    }

    @ParameterizedTest(name = "case {0}, TensorLy {1} start")
    @CsvSource({"a, svd", "b, svd", "c, svd", "d, svd", "e, svd", "f, svd",
        "a, random", "b, random", "c, random", "d, random", "e, random", "f, random"})
    void fromTensorLysOwnStartReproducesItsRun(String name, String init) {
        Golden g = Golden.load(name);
        CpResult r = CpAls.fit(g.tensor(), goldenOptions(g, Init.SVD), g.tensorlyStart(init));
        assertTraceMatches("case " + name + " " + init, r.errorTrace(), g.tensorlyTrace(init), 1e-10);
        double congruence = r.congruence(g.planted()[0], g.planted()[1], g.planted()[2]);
        if (name.equals("a") || name.equals("f")) {
            assertThat(r.relativeError()).isLessThan(1e-8);
        } else {
            assertThat(r.iterations()).isEqualTo(g.tensorlyIterations(init));
            assertThat(r.relativeError()).isCloseTo(g.tensorlyRelError(init), within(1e-9));
            assertThat(congruence).isCloseTo(g.tensorlyCongruence(init), within(1e-6));
        }
        if (!(name.equals("d") && init.equals("random"))) { // TensorLy's own random start fails case d too
            assertAcceptance(g, r);
        }
    }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(strings = {"a", "c", "e", "f"})
    void ownRandomStartMeetsAcceptance(String name) {
        Golden g = Golden.load(name);
        CpResult r = CpAls.fit(g.tensor(), goldenOptions(g, Init.RANDOM));
        assertAcceptance(g, r);
        assertThat(r.converged()).isTrue();
    }

    /**
     * Case b from our seed-0 uniform start crawls through a swamp: after 500 sweeps the error is still about 0.31
     * (TensorLy's random start needed 213 sweeps; about a third of seeds 0..19 need more than 500). Plain ALS gets
     * there in the end, which this test pins down.
     */
    @Test
    void ownRandomStartOnCaseBNeedsMoreThan500Sweeps() {
        Golden g = Golden.load("b");
        CpResult capped = CpAls.fit(g.tensor(), goldenOptions(g, Init.RANDOM));
        assertThat(capped.converged()).isFalse();
        assertThat(capped.relativeError()).isGreaterThan(0.25);

        CpResult r = CpAls.fit(g.tensor(), goldenOptions(g, Init.RANDOM).withMaxIterations(3000));
        assertAcceptance(g, r);
        assertThat(r.converged()).isTrue();
        assertThat(r.iterations()).isBetween(501, 3000);
    }

    @ParameterizedTest(name = "case {0}")
    @ValueSource(strings = {"a", "b", "c", "d", "e", "f"})
    void svdStartEqualsTensorLysUpToSign(String name) {
        Golden g = Golden.load(name);
        DMatrixRMaj[] ours = CpAls.svdStart(g.tensor(), g.rank(), 0);
        DMatrixRMaj[] theirs = g.tensorlyStart("svd");
        for (int mode = 1; mode < 3; mode++) { // mode 0's start is never read
            double[] on = Congruence.columnNorms(ours[mode]);
            double[] tn = Congruence.columnNorms(theirs[mode]);
            for (int r = 0; r < g.rank(); r++) {
                double dot = 0;
                for (int i = 0; i < ours[mode].numRows; i++) {
                    dot += ours[mode].get(i, r) * theirs[mode].get(i, r);
                }
                assertThat(Math.abs(dot) / (on[r] * tn[r])).as("mode %d column %d", mode, r)
                        .isCloseTo(1.0, within(1e-9));
            }
        }
    }

    @Test
    void leadingSingularVectorsAreOrderedAndPaddedWhenRankExceedsTheModeLength() {
        // Rows scaled 3, 2, 1: the left singular vectors are e0, e1, e2 in that order (up to sign).
        DMatrixRMaj m = new DMatrixRMaj(3, 4, true, 0, 0, 1, 0, 0, 3, 0, 0, 0, 0, 0, 2);
        DMatrixRMaj u = CpAls.leadingLeftSingularVectors(m, 5, new SplittableRandom(9));
        assertThat(u.numRows).isEqualTo(3);
        assertThat(u.numCols).isEqualTo(5);
        int[] expectedRow = {1, 2, 0};
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 3; i++) {
                assertThat(Math.abs(u.get(i, r))).isCloseTo(i == expectedRow[r] ? 1.0 : 0.0, within(1e-14));
            }
        }
        SplittableRandom same = new SplittableRandom(9);
        for (int i = 0; i < 3; i++) {
            for (int r = 3; r < 5; r++) {
                assertThat(u.get(i, r)).as("padding column %d", r).isEqualTo(same.nextDouble());
            }
        }
    }
}
