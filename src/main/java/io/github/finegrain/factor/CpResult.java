package io.github.finegrain.factor;

import org.ejml.data.DMatrixRMaj;

/**
 * A fitted 3-way CP model {@code X_hat[i, j, k] = sum_r weights[r] * A[i, r] * B[j, r] * C[k, r]}, with the run's
 * statistics. Immutable: arrays and matrices are copied in and copied out.
 *
 * <p>Columns of A, B and C have unit Euclidean norm (a column that came out all zero stays zero, with weight 0); the
 * scale of each component is in {@code weights}. Component order and the signs of a component's columns are those
 * the ALS run ended with (not sorted); {@link #canonical()} gives the one canonical form that {@code factorize}, the
 * hand-off and the report use.
 *
 * @param weights        {@code lambda: [R]}, component weights (column-norm products)
 * @param a              {@code A: [I, R]}, mode-0 factor (row = index along mode 0, column = component)
 * @param b              {@code B: [J, R]}, mode-1 factor
 * @param c              {@code C: [K, R]}, mode-2 factor
 * @param relativeError  {@code ||X - X_hat||_F / ||X||_F} of the returned model, computed directly from the
 *                       residual (not with the norm expansion used for the stopping test)
 * @param iterations     ALS sweeps run (one sweep updates modes 0, 1, 2)
 * @param converged      true if the run stopped on the tolerance, false if it hit the sweep limit
 * @param seconds        wall-clock time of the whole fit, start included, in seconds
 * @param errorTrace     {@code [iterations]}: relative error after each sweep, computed with the expansion
 *                       {@code sqrt(| ||X||^2 + ||X_hat||^2 - 2 <X, X_hat> |) / ||X||} (as TensorLy's error trace), which
 *                       cannot resolve errors much below 1e-8
 */
public record CpResult(double[] weights, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, double relativeError,
        int iterations, boolean converged, double seconds, double[] errorTrace) {

    /**
     * Checks shapes and copies every array.
     *
     * @throws IllegalArgumentException if the factors do not all have {@code weights.length} columns
     */
    public CpResult {
        int rank = weights.length;
        if (a.numCols != rank || b.numCols != rank || c.numCols != rank) {
            throw new IllegalArgumentException("factors must have " + rank + " columns (one per weight), found "
                    + a.numRows + "x" + a.numCols + ", " + b.numRows + "x" + b.numCols + ", " + c.numRows + "x"
                    + c.numCols);
        }
        weights = weights.clone();
        a = a.copy();
        b = b.copy();
        c = c.copy();
        errorTrace = errorTrace.clone();
    }

    /** {@code 1 - relativeError}. */
    public double fit() {
        return 1.0 - relativeError;
    }

    /** Rank R. */
    public int rank() {
        return weights.length;
    }

    /** A copy of the weights {@code [R]}. */
    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** A copy of {@code A: [I, R]}. */
    @Override
    public DMatrixRMaj a() {
        return a.copy();
    }

    /** A copy of {@code B: [J, R]}. */
    @Override
    public DMatrixRMaj b() {
        return b.copy();
    }

    /** A copy of {@code C: [K, R]}. */
    @Override
    public DMatrixRMaj c() {
        return c.copy();
    }

    /** A copy of the error trace {@code [iterations]}. */
    @Override
    public double[] errorTrace() {
        return errorTrace.clone();
    }

    /** A copy of the factor of mode {@code mode}: 0 → A, 1 → B, 2 → C. */
    public DMatrixRMaj factor(int mode) {
        return switch (mode) {
            case 0 -> a.copy();
            case 1 -> b.copy();
            case 2 -> c.copy();
            default -> throw new IllegalArgumentException("mode must be 0, 1 or 2, found " + mode);
        };
    }

    /** Copies of {@code {A, B, C}}. */
    public DMatrixRMaj[] factors() {
        return new DMatrixRMaj[] {a.copy(), b.copy(), c.copy()};
    }

    /** The model as a dense tensor {@code X_hat: [I, J, K]}, {@code X_hat[i,j,k] = sum_r w[r] A[i,r] B[j,r] C[k,r]}. */
    public Tensor3 reconstruct() {
        return new Tensor3(a.numRows, b.numRows, c.numRows, CpAls.reconstructValues(weights, a, b, c));
    }

    /**
     * Congruence of this model's factors with {@code other = {F0, F1, F2}} (for example the planted factors of a test
     * tensor); see {@link Congruence}. Weights play no part.
     *
     * @param f0 {@code [I, R]}; not modified
     * @param f1 {@code [J, R]}; not modified
     * @param f2 {@code [K, R]}; not modified
     * @throws IllegalArgumentException if a shape differs from this model's
     */
    public double congruence(DMatrixRMaj f0, DMatrixRMaj f1, DMatrixRMaj f2) {
        return Congruence.coefficient(new DMatrixRMaj[] {f0, f1, f2}, new DMatrixRMaj[] {a, b, c});
    }

    /**
     * The canonical form of this model: the same tensor {@code X_hat} with components sorted by weight, descending
     * (ties keep their order), and each component's signs fixed so that its mode-1 column (B, the court factor of a
     * spatial model) and its mode-2 column (C, the defender factor) each have their largest-|value| entry positive
     * (the first such entry on ties); the sign flips are moved into the mode-0 column (A, the task loadings), so
     * {@code w[r] A[i,r] B[j,r] C[k,r]} is unchanged entry by entry. Weights stay non-negative. A zero column is left
     * as it is. Applying it twice gives the same result.
     *
     * @return a new result; the statistics (error, sweeps, trace) are this one's
     */
    public CpResult canonical() {
        int rank = weights.length;
        Integer[] order = new Integer[rank];
        for (int r = 0; r < rank; r++) {
            order[r] = r;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(weights[y], weights[x]));
        double[] w = new double[rank];
        DMatrixRMaj na = new DMatrixRMaj(a.numRows, rank);
        DMatrixRMaj nb = new DMatrixRMaj(b.numRows, rank);
        DMatrixRMaj nc = new DMatrixRMaj(c.numRows, rank);
        for (int r = 0; r < rank; r++) {
            int from = order[r];
            w[r] = weights[from];
            double sb = signOfLargest(b, from);
            double sc = signOfLargest(c, from);
            for (int i = 0; i < a.numRows; i++) {
                na.set(i, r, a.get(i, from) * sb * sc);
            }
            for (int j = 0; j < b.numRows; j++) {
                nb.set(j, r, b.get(j, from) * sb);
            }
            for (int k = 0; k < c.numRows; k++) {
                nc.set(k, r, c.get(k, from) * sc);
            }
        }
        return new CpResult(w, na, nb, nc, relativeError, iterations, converged, seconds, errorTrace);
    }

    /** The sign (+1 or -1) of the largest-|value| entry of column {@code col} of {@code m}; +1 for a zero column. */
    private static double signOfLargest(DMatrixRMaj m, int col) {
        double best = 0;
        for (int i = 0; i < m.numRows; i++) {
            double v = m.get(i, col);
            if (Math.abs(v) > Math.abs(best)) {
                best = v;
            }
        }
        return best < 0 ? -1 : 1;
    }
}
