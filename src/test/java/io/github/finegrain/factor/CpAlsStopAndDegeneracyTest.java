package io.github.finegrain.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.factor.CpAlsOptions.Init;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** Issue 14 item 14: the stop rule on perfect fits, the degeneracy warnings, and restarts keeping the best fit. */
class CpAlsStopAndDegeneracyTest {

    @Test
    void aPerfectFitConvergesEvenWhenTheExpansionErrorOscillates() {
        double[] w = new double[5];
        for (int r = 0; r < 5; r++) {
            w[r] = 1000.0 / (r + 1);
        }
        CpAlsTest.Planted p = CpAlsTest.planted(30, 20, 10, w, 2);
        // started at the solution: every sweep is a perfect fit
        CpResult r = CpAls.fit(p.tensor(), new CpAlsOptions(5, Init.SVD, 0, 5, 1e-10),
                new DMatrixRMaj[] {p.a(), p.b(), p.c()});
        // the trace (TensorLy's expansion) jumps around its 1e-8 floor by more than tol (the old stop rule ran
        // to the sweep limit here, reporting a perfect fit as "sweep limit")...
        double[] t = r.errorTrace();
        assertThat(t[0]).isGreaterThan(1e-9);
        assertThat(Math.abs(t[1] - t[0])).isGreaterThan(1e-10);
        // ...but the run stops on the direct error and says so
        assertThat(r.converged()).isTrue();
        assertThat(r.iterations()).isEqualTo(2);
        assertThat(r.relativeError()).isLessThan(1e-14);
    }

    @Test
    void twoNearlyCancellingComponentsAreReportedAsDegenerate() {
        DMatrixRMaj a = unitColumns(new double[][] {{1, -0.99}, {0.2, -0.25}, {0.1, -0.05}});
        DMatrixRMaj b = unitColumns(new double[][] {{1, 0.98}, {0.3, 0.35}, {0, 0.05}});
        DMatrixRMaj c = unitColumns(new double[][] {{0.5, 0.52}, {1, 0.97}, {0.1, 0.1}});
        CpResult degenerate = new CpResult(new double[] {850, 840}, a, b, c, 0.01, 10, true, 0.1, new double[10]);
        List<String> w = CpAls.degeneracy(degenerate, Double.NaN);
        assertThat(w).hasSize(1);
        assertThat(w.get(0)).startsWith("components 0 and 1 have congruence product -0.9").contains("850", "840");

        DMatrixRMaj e = unitColumns(new double[][] {{1, 0}, {0, 1}, {0, 0}});
        CpResult fine = new CpResult(new double[] {2, 1}, e, e, e, 0.01, 10, true, 0.1, new double[10]);
        assertThat(CpAls.degeneracy(fine, 0.99)).isEmpty();
        // a fit more than 0.05 below the SVD start's
        CpResult poor = new CpResult(new double[] {2, 1}, e, e, e, 0.30, 10, true, 0.1, new double[10]);
        assertThat(CpAls.degeneracy(poor, 0.90)).containsExactly(
                "fit 0.7000 is more than 0.05 below the SVD start's 0.9000");
        assertThat(CpAls.degeneracy(poor, 0.74)).isEmpty();
    }

    @Test
    void aBorderRankTensorFitAtRankTwoEndsDegenerateAndIsWarned() {
        // X = a∘b∘d + a∘d∘c + d∘b∘c has rank 3 but border rank 2: rank-2 ALS diverges with cancelling components
        int n = 6;
        double[] a = {1, 0.3, -0.2, 0.5, 0.1, 0.7};
        double[] d = {0.2, -1, 0.4, 0.1, 0.9, -0.3};
        double[] v = new double[n * n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    v[(i * n + j) * n + k] = a[i] * a[j] * d[k] + a[i] * d[j] * a[k] + d[i] * a[j] * a[k];
                }
            }
        }
        Tensor3 x = new Tensor3(n, n, n, v);
        CpAls.Runs runs = CpAls.fitWithRestarts(x, new CpAlsOptions(2, Init.SVD, 0, 2000, 1e-12), 0);
        assertThat(runs.warnings()).anyMatch(s -> s.startsWith("components 0 and 1 have congruence product"));
    }

    @Test
    void restartsKeepTheBestFitInCanonicalForm() {
        Golden g = Golden.load("b");
        CpAlsOptions o = new CpAlsOptions(5, Init.RANDOM, 0, 40, 1e-10);
        CpAls.Runs runs = CpAls.fitWithRestarts(g.tensor(), o, 3);
        assertThat(runs.starts()).containsExactly("random seed 0", "random seed 1", "random seed 2",
                "random seed 3");
        double min = Double.MAX_VALUE;
        for (double e : runs.relativeErrors()) {
            min = Math.min(min, e);
        }
        assertThat(runs.best().relativeError()).isEqualTo(min);
        assertThat(runs.relativeErrors()[runs.bestRun()]).isEqualTo(min);
        assertThat(runs.relativeErrors()).doesNotHaveDuplicates(); // the starts differ
        // canonical: weights descending, court/defender columns with their largest-|value| entry positive
        double[] w = runs.best().weights();
        for (int r = 1; r < w.length; r++) {
            assertThat(w[r]).isLessThanOrEqualTo(w[r - 1]);
        }
        assertThat(runs.best().canonical().a().data).containsExactly(runs.best().a().data);
        // the SVD start's fit was computed as the reference (no run used it)
        assertThat(runs.svdStartFit()).isCloseTo(1 - g.tensorlyRelError("svd"), within(1e-8));
        assertThatThrownBy(() -> CpAls.fitWithRestarts(g.tensor(), o, -1)).hasMessageContaining("restarts");
    }

    private static DMatrixRMaj unitColumns(double[][] rows) {
        DMatrixRMaj m = new DMatrixRMaj(rows);
        for (int r = 0; r < m.numCols; r++) {
            double s = 0;
            for (int i = 0; i < m.numRows; i++) {
                s += m.get(i, r) * m.get(i, r);
            }
            for (int i = 0; i < m.numRows; i++) {
                m.set(i, r, m.get(i, r) / Math.sqrt(s));
            }
        }
        return m;
    }
}
