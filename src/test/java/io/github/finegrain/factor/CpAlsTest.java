package io.github.finegrain.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.factor.CpAlsOptions.Init;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CpAlsTest {

    /** A planted model: Gaussian factors with unit-norm columns and the given weights. */
    record Planted(double[] weights, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        Tensor3 tensor() {
            return new Tensor3(a.numRows, b.numRows, c.numRows, CpAls.reconstructValues(weights, a, b, c));
        }
    }

    private static DMatrixRMaj unitGaussian(int rows, int rank, Random rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, rank);
        for (int n = 0; n < m.data.length; n++) {
            m.data[n] = rng.nextGaussian();
        }
        double[] norms = Congruence.columnNorms(m);
        for (int i = 0; i < rows; i++) {
            for (int r = 0; r < rank; r++) {
                m.set(i, r, m.get(i, r) / norms[r]);
            }
        }
        return m;
    }

    static Planted planted(int dimI, int dimJ, int dimK, double[] weights, long seed) {
        Random rng = new Random(seed);
        int rank = weights.length;
        return new Planted(weights, unitGaussian(dimI, rank, rng), unitGaussian(dimJ, rank, rng),
                unitGaussian(dimK, rank, rng));
    }

    private static CpAlsOptions strict(int rank, Init init) {
        return new CpAlsOptions(rank, init, 0, 500, 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Init.class)
    void recoversAPlantedExactLowRankTensor(Init init) {
        Planted p = planted(12, 10, 8, new double[] {5, 3, 2}, 42);
        Tensor3 x = p.tensor();
        CpResult r = CpAls.fit(x, strict(3, init));

        assertThat(r.relativeError()).isLessThan(1e-8);
        assertThat(r.fit()).isGreaterThan(1 - 1e-8);
        Congruence.Match match = Congruence.match(new DMatrixRMaj[] {p.a(), p.b(), p.c()}, r.factors());
        assertThat(match.value()).isCloseTo(1.0, within(1e-9));
        int[] perm = match.permutation();
        for (int k = 0; k < 3; k++) {
            assertThat(r.weights()[perm[k]]).as("weight of planted component %d", k)
                    .isCloseTo(p.weights()[k], within(1e-7));
        }
        for (DMatrixRMaj f : r.factors()) {
            for (double norm : Congruence.columnNorms(f)) {
                assertThat(norm).isCloseTo(1.0, within(1e-12));
            }
        }
        double[] hat = r.reconstruct().toArray();
        double[] orig = x.toArray();
        double residual2 = 0;
        for (int n = 0; n < orig.length; n++) {
            assertThat(hat[n]).isCloseTo(orig[n], within(1e-7));
            residual2 += (orig[n] - hat[n]) * (orig[n] - hat[n]);
        }
        assertThat(Math.sqrt(residual2) / x.frobeniusNorm()).as("reported error = error of reconstruct()")
                .isCloseTo(r.relativeError(), within(1e-15));
    }

    @Test
    void reconstructFollowsTheModelFormula() {
        DMatrixRMaj a = new DMatrixRMaj(2, 2, true, 1, 2, 3, 4);
        DMatrixRMaj b = new DMatrixRMaj(1, 2, true, 5, 6);
        DMatrixRMaj c = new DMatrixRMaj(3, 2, true, 1, 0, 0, 1, 1, -1);
        CpResult r = new CpResult(new double[] {2, 0.5}, a, b, c, 0, 1, true, 0, new double[] {0});
        Tensor3 x = r.reconstruct();
        assertThat(x.shape()).containsExactly(2, 1, 3);
        // X[i,0,k] = 2 * a[i,0] * 5 * c[k,0] + 0.5 * a[i,1] * 6 * c[k,1]
        assertThat(x.toArray()).containsExactly(10, 6, 4, 30, 12, 18);
    }

    @Test
    void resultIsImmutableAndChecksShapes() {
        DMatrixRMaj a = new DMatrixRMaj(2, 1, true, 1, 0);
        CpResult r = new CpResult(new double[] {3}, a, a, a, 0.25, 4, false, 0.5, new double[] {0.3, 0.25});
        a.set(0, 0, 9);
        r.a().set(0, 0, 9);
        r.weights()[0] = 9;
        r.errorTrace()[0] = 9;
        assertThat(r.factor(0).get(0, 0)).isEqualTo(1.0);
        assertThat(r.weights()).containsExactly(3);
        assertThat(r.errorTrace()).containsExactly(0.3, 0.25);
        assertThat(r.fit()).isEqualTo(0.75);
        assertThat(r.rank()).isEqualTo(1);
        DMatrixRMaj wide = new DMatrixRMaj(2, 2);
        assertThatThrownBy(() -> new CpResult(new double[] {1}, a, wide, a, 0, 1, true, 0, new double[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("factors must have 1 columns (one per weight), found 2x1, 2x2, 2x1");
    }

    @Test
    void rejectsRanksThatDoNotFit() {
        Tensor3 x = planted(2, 3, 4, new double[] {1}, 1).tensor();
        assertThatThrownBy(() -> CpAls.fit(x, CpAlsOptions.ofRank(7))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rank 7 is too large for a 2 x 3 x 4 tensor: CP-ALS needs rank <= min(I*J, J*K, I*K) = 6");
        assertThatThrownBy(() -> CpAls.checkRank(2, 3, 4, 0)).hasMessage("rank must be positive, found 0");
        assertThatThrownBy(() -> CpAlsOptions.ofRank(0)).hasMessage("rank must be positive, found 0");
        // The largest allowed rank runs and stays finite (its normal equations are solved by the pseudo-inverse
        // where they are singular).
        CpResult r = CpAls.fit(x, new CpAlsOptions(6, Init.RANDOM, 3, 50, 1e-10));
        assertThat(r.relativeError()).isFinite().isLessThan(1e-6);
        assertThat(java.util.Arrays.stream(r.weights()).allMatch(Double::isFinite)).isTrue();
    }

    @Test
    void rejectsAnAllZeroTensor() {
        Tensor3 zero = new Tensor3(2, 2, 2, new double[8]);
        assertThatThrownBy(() -> CpAls.fit(zero, CpAlsOptions.ofRank(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the 2 x 2 x 2 tensor is all zero: its relative error is undefined");
    }

    @Test
    void rejectsBadStartFactors() {
        Tensor3 x = planted(4, 5, 6, new double[] {1, 1}, 2).tensor();
        DMatrixRMaj[] start = {new DMatrixRMaj(4, 2), new DMatrixRMaj(5, 2), new DMatrixRMaj(2, 6)};
        assertThatThrownBy(() -> CpAls.fit(x, CpAlsOptions.ofRank(2), start))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("start factor of mode 2: expected 6x2, found 2x6");
        start[2] = new DMatrixRMaj(6, 2);
        start[1].set(3, 1, Double.NaN);
        assertThatThrownBy(() -> CpAls.fit(x, CpAlsOptions.ofRank(2), start))
                .hasMessage("start factor of mode 1: non-finite value NaN at [3, 1]");
    }

    @Test
    void isDeterministic() {
        Tensor3 x = planted(9, 7, 8, new double[] {4, 3, 1}, 3).tensor();
        for (Init init : Init.values()) {
            CpAlsOptions o = new CpAlsOptions(3, init, 11, 30, 0);
            CpResult r1 = CpAls.fit(x, o);
            CpResult r2 = CpAls.fit(x, o);
            assertThat(r2.weights()).isEqualTo(r1.weights());
            assertThat(r2.a().data).isEqualTo(r1.a().data);
            assertThat(r2.c().data).isEqualTo(r1.c().data);
            assertThat(r2.errorTrace()).isEqualTo(r1.errorTrace());
        }
        CpResult seed1 = CpAls.fit(x, new CpAlsOptions(3, Init.RANDOM, 1, 2, 0));
        CpResult seed2 = CpAls.fit(x, new CpAlsOptions(3, Init.RANDOM, 2, 2, 0));
        assertThat(seed1.errorTrace()).isNotEqualTo(seed2.errorTrace());
    }

    @Test
    void stopsOnTheToleranceOrTheSweepLimit() {
        Planted p = planted(10, 9, 8, new double[] {3, 2}, 4);
        Random rng = new Random(7);
        double[] v = p.tensor().toArray();
        for (int n = 0; n < v.length; n++) {
            v[n] += 0.05 * rng.nextGaussian();
        }
        Tensor3 x = new Tensor3(10, 9, 8, v);
        CpResult capped = CpAls.fit(x, new CpAlsOptions(2, Init.RANDOM, 0, 3, 0));
        assertThat(capped.iterations()).isEqualTo(3);
        assertThat(capped.errorTrace()).hasSize(3);
        assertThat(capped.converged()).isFalse();

        CpResult all = CpAls.fit(x, new CpAlsOptions(2, Init.SVD, 0, 40, 0));
        assertThat(all.iterations()).as("tol 0 runs every sweep").isEqualTo(40);

        CpResult stopped = CpAls.fit(x, new CpAlsOptions(2, Init.SVD, 0, 500, 1e-6));
        double[] trace = stopped.errorTrace();
        int n = trace.length;
        assertThat(stopped.converged()).isTrue();
        assertThat(Math.abs(trace[n - 2] - trace[n - 1])).isLessThan(1e-6);
        for (int s = 1; s < n - 1; s++) {
            assertThat(Math.abs(trace[s - 1] - trace[s])).as("no earlier stop at sweep %d", s + 1)
                    .isGreaterThanOrEqualTo(1e-6);
        }
        // ALS never increases the error; the shortcut trace agrees with the direct error at this noise level.
        for (int s = 1; s < n; s++) {
            assertThat(trace[s]).isLessThanOrEqualTo(trace[s - 1] + 1e-12);
        }
        assertThat(stopped.relativeError()).isCloseTo(trace[n - 1], within(1e-10));
    }

    @Test
    void rankAboveAModeLengthStartsFromPaddedSingularVectors() {
        // J = 3 < R = 4: the SVD start of mode 1 gets one seeded random column (Kruskal: 4 + 3 + 4 >= 2*4 + 2, so the
        // planted model is unique).
        Planted p = planted(20, 3, 20, new double[] {4, 3, 2, 1}, 5);
        CpResult r = CpAls.fit(p.tensor(), new CpAlsOptions(4, Init.SVD, 1, 2000, 1e-12));
        assertThat(r.relativeError()).isLessThan(1e-6);
        assertThat(Congruence.coefficient(new DMatrixRMaj[] {p.a(), p.b(), p.c()}, r.factors()))
                .isGreaterThan(0.9999);
    }

    @Test
    void zeroSliceGivesAnExactlyZeroFactorRow() {
        Golden g = Golden.load("f");
        CpResult r = CpAls.fit(g.tensor(), new CpAlsOptions(g.rank(), Init.SVD, 0, 500, 1e-10));
        DMatrixRMaj a = r.a();
        for (int c = 0; c < a.numCols; c++) {
            assertThat(a.get(0, c)).isZero();
        }
    }

    @Test
    void singularNormalEquationsFallBackToThePseudoInverse() {
        DMatrixRMaj v = new DMatrixRMaj(2, 2, true, 1, 1, 1, 1);
        DMatrixRMaj m = new DMatrixRMaj(1, 2, true, 2, 2);
        DMatrixRMaj f = CpAls.solveNormalEquations(v, m);
        // Minimum-norm solution of F V = M.
        assertThat(f.get(0, 0)).isCloseTo(1.0, within(1e-12));
        assertThat(f.get(0, 1)).isCloseTo(1.0, within(1e-12));

        DMatrixRMaj spd = new DMatrixRMaj(2, 2, true, 4, 1, 1, 3);
        DMatrixRMaj rhs = new DMatrixRMaj(2, 2, true, 5, 4, 1, 0);
        DMatrixRMaj g = CpAls.solveNormalEquations(spd, rhs);
        // [1, 1] V = [5, 4]; [3/11, -1/11] V = [1, 0]
        assertThat(g.data).containsExactly(new double[] {1, 1, 3.0 / 11, -1.0 / 11}, within(1e-14));
    }

    /**
     * The BLAS path (large tensors: ND4J products, SVD start from the Gram matrices' eigenvectors) follows the EJML
     * path sweep for sweep on a noisy tensor, from both starts: same error trace to rounding, congruent factors.
     */
    @ParameterizedTest
    @EnumSource(Init.class)
    void blasPathMatchesTheEjmlPath(Init init) {
        Planted p = planted(12, 30, 9, new double[] {5, 3, 2, 1}, 11);
        double[] values = p.tensor().toArray();
        Random rng = new Random(2);
        for (int n = 0; n < values.length; n++) {
            values[n] += 0.002 * rng.nextGaussian();
        }
        Tensor3 x = new Tensor3(12, 30, 9, values);
        CpAlsOptions o = new CpAlsOptions(4, init, 3, 40, 0);
        CpResult ejml = CpAls.fit(x, o, false, System.nanoTime());
        CpResult blas = CpAls.fit(x, o, true, System.nanoTime());
        assertThat(blas.iterations()).isEqualTo(40);
        for (int s = 0; s < 40; s++) {
            assertThat(blas.errorTrace()[s]).as("sweep %d", s).isCloseTo(ejml.errorTrace()[s], within(1e-9));
        }
        assertThat(blas.relativeError()).isCloseTo(ejml.relativeError(), within(1e-10));
        if (init == Init.SVD) {
            assertThat(blas.relativeError()).isLessThan(0.05);
        }
        assertThat(Congruence.coefficient(new DMatrixRMaj[] {ejml.a(), ejml.b(), ejml.c()},
                new DMatrixRMaj[] {blas.a(), blas.b(), blas.c()})).isGreaterThan(1 - 1e-8);
    }
}
