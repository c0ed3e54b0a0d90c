package io.github.finegrain.factor;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * Factor congruence of two CP models with the same rank R: how well the components of one match those of the other,
 * ignoring component order, column scale and sign.
 *
 * <p>For components r of the first model and s of the second, the score is
 * {@code S[r, s] = prod_m |cos(F_m[:, r], G_m[:, s])|} over the three modes m. The congruence is the mean of
 * {@code S[r, perm[r]]} over r for the one-to-one matching {@code perm} that maximizes the sum (found exactly, with
 * the Hungarian algorithm, O(R^3)). This is TensorLy's {@code congruence_coefficient(..., absolute_value=True)}.
 * A zero column has cosine 0 with everything. 1 means the same components up to order, scale and sign.
 */
public final class Congruence {

    private Congruence() {
    }

    /**
     * The result of a matching.
     *
     * @param value       mean matched score, in [0, 1] (rounding may push it a few ulps above 1)
     * @param permutation {@code permutation[r]} = component of the second model matched to component r of the first
     */
    public record Match(double value, int[] permutation) {
        /** Copies the permutation. */
        public Match {
            permutation = permutation.clone();
        }

        /** A copy of the permutation. */
        @Override
        public int[] permutation() {
            return permutation.clone();
        }
    }

    /**
     * Congruence of factors {@code first = {F0, F1, F2}} and {@code second = {G0, G1, G2}}.
     *
     * @param first  three matrices {@code [I_m, R]} (rows = indices of mode m, columns = components); not modified
     * @param second three matrices of the same shapes; not modified
     * @throws IllegalArgumentException if either does not hold three matrices or a pair of shapes differs (the message
     *                                  gives both shapes)
     */
    public static Match match(DMatrixRMaj[] first, DMatrixRMaj[] second) {
        if (first.length != 3 || second.length != 3) {
            throw new IllegalArgumentException("expected three factor matrices on each side, found " + first.length
                    + " and " + second.length);
        }
        int rank = first[0].numCols;
        double[][] score = new double[rank][rank];
        for (double[] row : score) {
            Arrays.fill(row, 1.0);
        }
        for (int m = 0; m < 3; m++) {
            DMatrixRMaj f = first[m];
            DMatrixRMaj g = second[m];
            if (f.numRows != g.numRows || f.numCols != g.numCols || f.numCols != rank) {
                throw new IllegalArgumentException("mode " + m + ": factor shapes differ, " + f.numRows + "x"
                        + f.numCols + " vs " + g.numRows + "x" + g.numCols + " (rank " + rank + ")");
            }
            double[] fn = columnNorms(f);
            double[] gn = columnNorms(g);
            for (int r = 0; r < rank; r++) {
                for (int s = 0; s < rank; s++) {
                    double dot = 0;
                    for (int i = 0; i < f.numRows; i++) {
                        dot += f.unsafe_get(i, r) * g.unsafe_get(i, s);
                    }
                    double denom = fn[r] * gn[s];
                    score[r][s] *= denom == 0 ? 0 : Math.abs(dot) / denom;
                }
            }
        }
        int[] perm = maximumAssignment(score);
        double sum = 0;
        for (int r = 0; r < rank; r++) {
            sum += score[r][perm[r]];
        }
        return new Match(sum / rank, perm);
    }

    /** {@link #match}'s value only. */
    public static double coefficient(DMatrixRMaj[] first, DMatrixRMaj[] second) {
        return match(first, second).value();
    }

    static double[] columnNorms(DMatrixRMaj f) {
        double[] norms = new double[f.numCols];
        for (int r = 0; r < f.numCols; r++) {
            double s = 0;
            for (int i = 0; i < f.numRows; i++) {
                double v = f.unsafe_get(i, r);
                s += v * v;
            }
            norms[r] = Math.sqrt(s);
        }
        return norms;
    }

    /**
     * The permutation {@code p} maximizing {@code sum_r score[r][p[r]]} for a square score matrix: the Hungarian
     * algorithm with row and column potentials (Kuhn 1955, Munkres 1957; the O(n^3) shortest augmenting path form).
     *
     * @param score square matrix of finite values; not modified
     */
    static int[] maximumAssignment(double[][] score) {
        int n = score.length;
        // Minimize cost = -score. Arrays are 1-based; column 0 is a virtual start.
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] rowOfCol = new int[n + 1];
        int[] way = new int[n + 1];
        for (int row = 1; row <= n; row++) {
            rowOfCol[0] = row;
            int col0 = 0;
            double[] minv = new double[n + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[n + 1];
            do {
                used[col0] = true;
                int r0 = rowOfCol[col0];
                double delta = Double.POSITIVE_INFINITY;
                int col1 = 0;
                for (int c = 1; c <= n; c++) {
                    if (!used[c]) {
                        double cur = -score[r0 - 1][c - 1] - u[r0] - v[c];
                        if (cur < minv[c]) {
                            minv[c] = cur;
                            way[c] = col0;
                        }
                        if (minv[c] < delta) {
                            delta = minv[c];
                            col1 = c;
                        }
                    }
                }
                for (int c = 0; c <= n; c++) {
                    if (used[c]) {
                        u[rowOfCol[c]] += delta;
                        v[c] -= delta;
                    } else {
                        minv[c] -= delta;
                    }
                }
                col0 = col1;
            } while (rowOfCol[col0] != 0);
            do {
                int col1 = way[col0];
                rowOfCol[col0] = rowOfCol[col1];
                col0 = col1;
            } while (col0 != 0);
        }
        int[] perm = new int[n];
        for (int c = 1; c <= n; c++) {
            perm[rowOfCol[c] - 1] = c - 1;
        }
        return perm;
    }
}
