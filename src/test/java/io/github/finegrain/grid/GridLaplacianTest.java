package io.github.finegrain.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GridLaplacianTest {

    /** K[i, j] straight from the definition: centre distances in feet over the largest one. */
    static double[][] denseKernel(GridSpec g, double sigma) {
        int n = g.cellCount();
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                max = Math.max(max, Math.hypot(g.centerX(i) - g.centerX(j), g.centerY(i) - g.centerY(j)));
            }
        }
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d = Math.hypot(g.centerX(i) - g.centerX(j), g.centerY(i) - g.centerY(j)) / max;
                k[i][j] = Math.exp(-d * d / sigma);
            }
        }
        return k;
    }

    /** Σ_i Σ_j K[i, j] ‖w_i − w_j‖² by the pairs. */
    static double pairSum(double[][] k, double[] w, int m) {
        double s = 0;
        for (int i = 0; i < k.length; i++) {
            for (int j = 0; j < k.length; j++) {
                double d2 = 0;
                for (int t = 0; t < m; t++) {
                    double d = w[i * m + t] - w[j * m + t];
                    d2 += d * d;
                }
                s += k[i][j] * d2;
            }
        }
        return s;
    }

    static double[] random(int n, long seed) {
        Random rnd = new Random(seed);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = rnd.nextGaussian();
        }
        return w;
    }

    @Test
    void separableKernelEqualsTheDefinitionOnNonSquareCells() {
        GridSpec[] grids = {GridSpec.court(4, 5), GridSpec.court(8, 10), GridSpec.defenderBox(6, 6),
            new GridSpec(-3, 7, 10, 3, 5, 2), new GridSpec(0, 0, 1, 1, 1, 7)};
        for (GridSpec g : grids) {
            GridLaplacian l = GridLaplacian.of(g, 0.05);
            double[][] k = denseKernel(g, 0.05);
            for (int i = 0; i < g.cellCount(); i++) {
                double degree = 0;
                for (int j = 0; j < g.cellCount(); j++) {
                    assertThat(l.kernel(i, j)).as(g.label() + " K[%d, %d]", i, j).isCloseTo(k[i][j], within(1e-14));
                    degree += k[i][j];
                }
                assertThat(l.degree(i)).isCloseTo(degree, within(1e-12));
            }
        }
    }

    /** 2x2 unit cells, σ = 0.5: neighbours at normalized distance² 1/2 (K = 1/e), the diagonal at 1 (K = 1/e²). */
    @Test
    void handComputedTwoByTwo() {
        GridLaplacian l = GridLaplacian.of(new GridSpec(0, 0, 2, 2, 2, 2), 0.5);
        double e1 = Math.exp(-1);
        double e2 = Math.exp(-2);
        assertThat(l.kernel(0, 1)).isCloseTo(e1, within(1e-15));
        assertThat(l.kernel(0, 2)).isCloseTo(e1, within(1e-15));
        assertThat(l.kernel(0, 3)).isCloseTo(e2, within(1e-15));
        assertThat(l.kernel(1, 2)).isCloseTo(e2, within(1e-15));
        double[] w = {1, 0, 0, 0};
        // ordered pairs: (0, j) and (j, 0) for j = 1, 2, 3
        assertThat(l.penalty(w, 1)).isCloseTo(2 * (2 * e1 + e2), within(1e-14));
        double[] lw = new double[4];
        l.multiply(w, 1, lw, new double[4]);
        assertThat(lw).containsExactly(new double[] {2 * e1 + e2, -e1, -e1, -e2}, within(1e-15));
    }

    @Test
    void multiplyEqualsDenseLaplacianAndPenaltyEqualsThePairSum() {
        GridSpec g = new GridSpec(0, 0, 40, 50, 4, 5);
        int n = g.cellCount();
        for (int m : new int[] {1, 3, 7}) {
            double[] w = random(n * m, m);
            GridLaplacian l = GridLaplacian.of(g, 0.05);
            double[][] k = denseKernel(g, 0.05);
            double[] lw = new double[n * m];
            l.multiply(w, m, lw, new double[n * m]);
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < m; t++) {
                    double expected = 0;
                    for (int j = 0; j < n; j++) {
                        expected += k[i][j] * (w[i * m + t] - w[j * m + t]);
                    }
                    assertThat(lw[i * m + t]).isCloseTo(expected, within(1e-12));
                }
            }
            double pairs = pairSum(k, w, m);
            assertThat(pairs).isGreaterThan(1);
            assertThat(l.penalty(w, m)).isCloseTo(pairs, within(1e-12 * pairs));
        }
    }

    @Test
    void constantMapsHaveNoPenaltyAndOneCellGridsNone() {
        GridLaplacian l = GridLaplacian.of(GridSpec.court(8, 10), 0.05);
        double[] w = new double[80 * 3];
        for (int i = 0; i < 80; i++) {
            w[i * 3] = 2.5;
            w[i * 3 + 1] = -1;
            w[i * 3 + 2] = 7;
        }
        assertThat(l.penalty(w, 3)).isCloseTo(0, within(1e-10));
        double[] lw = new double[w.length];
        l.multiply(w, 3, lw, new double[w.length]);
        for (double v : lw) {
            assertThat(v).isCloseTo(0, within(1e-12));
        }
        GridLaplacian one = GridLaplacian.of(GridSpec.court(1, 1), 0.05);
        assertThat(one.kernel(0, 0)).isEqualTo(1.0);
        assertThat(one.penalty(new double[] {3, 4}, 2)).isEqualTo(0.0);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> GridLaplacian.of(GridSpec.court(2, 2), 0)).hasMessageContaining("found 0.0");
        assertThatThrownBy(() -> GridLaplacian.of(null, 0.05)).isInstanceOf(IllegalArgumentException.class);
        GridLaplacian l = GridLaplacian.of(GridSpec.court(2, 2), 0.05);
        assertThatThrownBy(() -> l.multiply(new double[8], 2, new double[7], new double[8]))
                .hasMessageContaining("4 x 2 = 8").hasMessageContaining("8, 7 and 8");
    }
}
