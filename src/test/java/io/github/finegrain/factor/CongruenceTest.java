package io.github.finegrain.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class CongruenceTest {

    private static DMatrixRMaj gaussian(int rows, int cols, Random rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int n = 0; n < m.data.length; n++) {
            m.data[n] = rng.nextGaussian();
        }
        return m;
    }

    /** A matrix whose column perm[r] is scale[r] times column r of f. */
    private static DMatrixRMaj permuteAndScale(DMatrixRMaj f, int[] perm, double[] scale) {
        DMatrixRMaj g = new DMatrixRMaj(f.numRows, f.numCols);
        for (int i = 0; i < f.numRows; i++) {
            for (int r = 0; r < f.numCols; r++) {
                g.set(i, perm[r], scale[r] * f.get(i, r));
            }
        }
        return g;
    }

    @Test
    void ignoresOrderScaleAndSign() {
        Random rng = new Random(1);
        DMatrixRMaj[] f = {gaussian(7, 4, rng), gaussian(5, 4, rng), gaussian(6, 4, rng)};
        int[] perm = {2, 0, 3, 1};
        DMatrixRMaj[] g = {
            permuteAndScale(f[0], perm, new double[] {-2, 3, 0.5, 1}),
            permuteAndScale(f[1], perm, new double[] {1, -1, 7, 1}),
            permuteAndScale(f[2], perm, new double[] {-3, 1, 1, -0.1})};
        Congruence.Match match = Congruence.match(f, g);
        assertThat(match.value()).isCloseTo(1.0, within(1e-14));
        assertThat(match.permutation()).containsExactly(perm);
    }

    @Test
    void scoreOfOneMismatchedComponent() {
        // Two components; in mode 0 the fitted second column has cosine 0.6 with the planted one -> (1 + 0.6) / 2.
        DMatrixRMaj p0 = new DMatrixRMaj(2, 2, true, 1, 0, 0, 1);
        DMatrixRMaj f0 = new DMatrixRMaj(2, 2, true, 1, 0.8, 0, 0.6);
        DMatrixRMaj id = new DMatrixRMaj(2, 2, true, 1, 0, 0, 1);
        Congruence.Match match = Congruence.match(new DMatrixRMaj[] {p0, id, id}, new DMatrixRMaj[] {f0, id, id});
        assertThat(match.value()).isCloseTo(0.8, within(1e-15));
        assertThat(match.permutation()).containsExactly(0, 1);
    }

    @Test
    void hungarianMatchesBruteForce() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rng.nextInt(6);
            double[][] score = new double[n][n];
            for (double[] row : score) {
                for (int c = 0; c < n; c++) {
                    row[c] = rng.nextInt(4) == 0 ? 0.5 : rng.nextDouble(); // ties included
                }
            }
            int[] perm = Congruence.maximumAssignment(score);
            assertThat(perm).as("a permutation").containsExactlyInAnyOrder(range(n));
            assertThat(sum(score, perm)).isCloseTo(bruteForceBest(score, new int[n], new boolean[n], 0), within(1e-12));
        }
    }

    @Test
    void rejectsShapeMismatch() {
        Random rng = new Random(2);
        DMatrixRMaj[] f = {gaussian(3, 2, rng), gaussian(4, 2, rng), gaussian(5, 2, rng)};
        DMatrixRMaj[] g = {gaussian(3, 2, rng), gaussian(4, 3, rng), gaussian(5, 2, rng)};
        assertThatThrownBy(() -> Congruence.match(f, g)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mode 1: factor shapes differ, 4x2 vs 4x3 (rank 2)");
        assertThatThrownBy(() -> Congruence.match(f, new DMatrixRMaj[] {g[0]}))
                .hasMessage("expected three factor matrices on each side, found 3 and 1");
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static double sum(double[][] score, int[] perm) {
        double s = 0;
        for (int r = 0; r < perm.length; r++) {
            s += score[r][perm[r]];
        }
        return s;
    }

    private static double bruteForceBest(double[][] score, int[] perm, boolean[] used, int row) {
        if (row == perm.length) {
            return sum(score, perm);
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < perm.length; c++) {
            if (!used[c]) {
                used[c] = true;
                perm[row] = c;
                best = Math.max(best, bruteForceBest(score, perm, used, row + 1));
                used[c] = false;
            }
        }
        return best;
    }
}
