package io.github.finegrain.factor;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rank-R CP (CANDECOMP/PARAFAC) decomposition of a 3-way tensor by alternating least squares (Kolda and Bader,
 * "Tensor Decompositions and Applications", SIAM Review 51(3), 2009, Sec. 3.4, Fig. 3.3).
 *
 * <p>Model: {@code X[i, j, k] ≈ X_hat[i, j, k] = sum_r lambda[r] * A[i, r] * B[j, r] * C[k, r]} with
 * {@code X: [I, J, K]}, {@code A: [I, R]}, {@code B: [J, R]}, {@code C: [K, R]}, {@code lambda: [R]}.
 *
 * <p>One sweep updates A, then B, then C. Each update is the exact least-squares solution for that factor with the
 * other two fixed, from the normal equations; for A:
 * <pre>
 *   M = X_(0) (C ⊙ B)                      (MTTKRP, [I, R]:  M[i, r] = sum_jk X[i,j,k] B[j,r] C[k,r])
 *   V = (B^T B) * (C^T C)                  (Hadamard product of the Gram matrices, [R, R])
 *   A = M V^{-1}                            (Cholesky; pseudo-inverse if V is numerically singular)
 *   lambda[r] = ||A[:, r]||,  A[:, r] /= lambda[r]   (a zero column stays zero with lambda[r] = 0)
 * </pre>
 * and likewise for B ({@code M[j, r] = sum_ik X[i,j,k] A[i,r] C[k,r]}, {@code V = (A^T A) * (C^T C)}) and C
 * ({@code M[k, r] = sum_ij X[i,j,k] A[i,r] B[j,r]}, {@code V = (A^T A) * (B^T B)}), each with the factors
 * updated so far. The Khatri–Rao products are not formed: the MTTKRPs of modes 0 and 1 share
 * {@code T = X_[IJ,K] C} ({@code [I*J, R]}), and mode 2 uses {@code X_[IJ,K]^T W} with
 * {@code W[(i,j), r] = A[i,r] B[j,r]} ({@code [I*J, R]}), so a sweep costs about {@code 2 I J K R} multiply-adds.
 *
 * <p>After each sweep the relative error is computed cheaply, as TensorLy does:
 * {@code ||X_hat||^2 = lambda^T ((A^T A) * (B^T B) * (C^T C)) lambda} and
 * {@code <X, X_hat> = sum_r lambda[r] sum_k C[k, r] M_C[k, r]} from the last MTTKRP, giving
 * {@code e = sqrt(| ||X||^2 + ||X_hat||^2 - 2 <X, X_hat> |) / ||X||}. From the second sweep on the run stops when
 * {@code |e_prev - e| < tol} (TensorLy's {@code cvg_criterion='abs_rec_error'}), otherwise after
 * {@code maxIterations} sweeps. This shortcut cannot resolve errors much below 1e-8 (the cancellation leaves
 * {@code e} jumping between about 1e-8 and 1e-7 on a perfect fit, so with a small {@code tol} a perfect fit never
 * "converged"): once {@code e} falls below {@value #EXPANSION_FLOOR}, the stop test uses the error computed directly
 * from the residual instead (one more {@code O(IJKR)} pass per sweep, in that regime only), which keeps decreasing
 * smoothly to rounding level. The trace keeps the expansion (as TensorLy's); the reported
 * {@link CpResult#relativeError()} is always the direct one.
 *
 * <p>Starts ({@link CpAlsOptions.Init}): SVD — factor of mode n = the R leading left singular vectors of the mode-n
 * unfolding, with seeded uniform [0, 1) columns appended when R exceeds the mode's length (TensorLy's
 * {@code init='svd'}); RANDOM — seeded uniform [0, 1) entries. The first update overwrites A without reading it, so
 * A's start plays no part (the SVD start does not compute it). With the same start this follows TensorLy 0.9.0's
 * {@code parafac(normalize_factors=True)} sweep for sweep, up to rounding. Plain ALS has no acceleration, so from a
 * random start it can crawl through long "swamps": on the golden case b (40 x 50 x 36, rank 5, 1 % noise) 6 of the
 * seeds 0..19 are still far from the solution after 500 sweeps (seed 0 reaches it after 1687); prefer the SVD start.
 *
 * <p>Below {@value #BLAS_MIN_ENTRIES} entries everything runs single-threaded on EJML, and equal inputs and options
 * give bit-identical results. From that size on (for example the hand-off of a 439 x 2000 x 145 full-rank F, 127 M
 * entries), the three products that cost {@code O(IJK)} run as ND4J (OpenBLAS, multi-threaded) matrix products
 * on an off-heap double copy of the tensor: {@code X_[IJ,K] C}, {@code X_[IJ,K]^T W}, and for the SVD start the Gram
 * matrices {@code X_(1) X_(1)^T = sum_i X[i] X[i]^T} ({@code [J, J]}) and {@code X_(2) X_(2)^T} ({@code [K, K]}),
 * whose leading eigenvectors (LAPACK {@code syev}) are the unfoldings' leading left singular vectors (what TensorLy's
 * truncated SVD computes too). A dense SVD of the 2000 x 63,655 unfolding took over six minutes single-threaded;
 * the Gram route takes seconds. Results agree with the EJML path to rounding (tested); signs of the start's columns
 * may differ, which ALS does not see (each update solves for a factor from the other two, so a column's sign or
 * scale in the start only rescales the next update).
 */
public final class CpAls {

    private static final Logger LOG = LoggerFactory.getLogger(CpAls.class);
    private static final double EPS = Math.ulp(1.0);
    /** Tensors with at least this many entries use the ND4J (BLAS) products; see the class comment. */
    public static final long BLAS_MIN_ENTRIES = 1L << 24;
    /** Below this relative error the stop test uses the directly computed error (see the class comment). */
    public static final double EXPANSION_FLOOR = 1e-6;

    private CpAls() {
    }

    /**
     * Fits a rank-{@code options.rank()} CP model to {@code tensor} from the start {@code options.init()}.
     *
     * @param tensor  {@code X: [I, J, K]}; not modified
     * @param options rank, start, seed, sweep limit and tolerance
     * @return the fitted model with unit-norm factor columns and the run's statistics
     * @throws IllegalArgumentException if the rank is larger than {@code min(I*J, J*K, I*K)} or the tensor is all zero
     */
    public static CpResult fit(Tensor3 tensor, CpAlsOptions options) {
        return fit(tensor, options, usesBlas(tensor), System.nanoTime());
    }

    /** {@link #fit(Tensor3, CpAlsOptions)} with the product path chosen by the caller (tests compare both). */
    static CpResult fit(Tensor3 tensor, CpAlsOptions options, boolean blas, long start) {
        checkRank(tensor.dim(0), tensor.dim(1), tensor.dim(2), options.rank());
        try (Products products = products(tensor, blas)) {
            DMatrixRMaj[] factors = switch (options.init()) {
                case SVD -> blas ? gramSvdStart(tensor, (BlasProducts) products, options.rank(), options.seed())
                        : svdStart(tensor, options.rank(), options.seed());
                case RANDOM -> randomStart(tensor, options.rank(), options.seed());
            };
            return run(tensor, options, factors, start, products);
        }
    }

    /**
     * Fits from given starting factors (for example another program's start, or a warm start); {@code options.init()}
     * and {@code options.seed()} are ignored. The first update overwrites A, so only B and C matter.
     *
     * @param tensor  {@code X: [I, J, K]}; not modified
     * @param options rank, sweep limit and tolerance
     * @param start   {@code {A: [I, R], B: [J, R], C: [K, R]}}; not modified (copied)
     * @throws IllegalArgumentException if the rank is too large, the tensor is all zero, a start shape is wrong (the
     *                                  message gives expected and found shapes) or a start value is not finite
     */
    public static CpResult fit(Tensor3 tensor, CpAlsOptions options, DMatrixRMaj[] start) {
        long t0 = System.nanoTime();
        int rank = options.rank();
        checkRank(tensor.dim(0), tensor.dim(1), tensor.dim(2), rank);
        if (start.length != 3) {
            throw new IllegalArgumentException("expected three start factors, found " + start.length);
        }
        DMatrixRMaj[] factors = new DMatrixRMaj[3];
        for (int m = 0; m < 3; m++) {
            DMatrixRMaj f = start[m];
            if (f.numRows != tensor.dim(m) || f.numCols != rank) {
                throw new IllegalArgumentException("start factor of mode " + m + ": expected " + tensor.dim(m) + "x"
                        + rank + ", found " + f.numRows + "x" + f.numCols);
            }
            for (int n = 0; n < f.getNumElements(); n++) {
                if (!Double.isFinite(f.data[n])) {
                    throw new IllegalArgumentException("start factor of mode " + m + ": non-finite value " + f.data[n]
                            + " at [" + n / rank + ", " + n % rank + "]");
                }
            }
            factors[m] = f.copy();
        }
        try (Products products = products(tensor, usesBlas(tensor))) {
            return run(tensor, options, factors, t0, products);
        }
    }

    /**
     * Checks that {@code rank} suits an {@code I x J x K} tensor: {@code 0 < rank <= min(I*J, J*K, I*K)}. Above that
     * bound the Khatri–Rao product of some pair of modes has more columns than rows, so that mode's least-squares
     * problem has no unique solution.
     *
     * @throws IllegalArgumentException if not (the message names the rank, the shape and the bound)
     */
    public static void checkRank(int dimI, int dimJ, int dimK, int rank) {
        if (rank <= 0) {
            throw new IllegalArgumentException("rank must be positive, found " + rank);
        }
        long limit = Math.min((long) dimI * dimJ, Math.min((long) dimJ * dimK, (long) dimI * dimK));
        if (rank > limit) {
            throw new IllegalArgumentException("rank " + rank + " is too large for a " + dimI + " x " + dimJ + " x "
                    + dimK + " tensor: CP-ALS needs rank <= min(I*J, J*K, I*K) = " + limit);
        }
    }

    private static CpResult run(Tensor3 tensor, CpAlsOptions options, DMatrixRMaj[] factors, long t0,
            Products products) {
        final int dimI = tensor.dim(0);
        final int dimJ = tensor.dim(1);
        final int dimK = tensor.dim(2);
        final int rank = options.rank();
        final double normX = tensor.frobeniusNorm();
        if (normX == 0) {
            throw new IllegalArgumentException("the " + tensor.shapeString()
                    + " tensor is all zero: its relative error is undefined");
        }
        final double normX2 = normX * normX;
        DMatrixRMaj a = factors[0];
        DMatrixRMaj b = factors[1];
        DMatrixRMaj c = factors[2];
        double[] lambda = new double[rank];
        Arrays.fill(lambda, 1.0);

        DMatrixRMaj t = new DMatrixRMaj(dimI * dimJ, rank); // X_[IJ,K] C
        DMatrixRMaj w = new DMatrixRMaj(dimI * dimJ, rank); // A ⊙ B rows (i, j)
        DMatrixRMaj m0 = new DMatrixRMaj(dimI, rank);
        DMatrixRMaj m1 = new DMatrixRMaj(dimJ, rank);
        DMatrixRMaj m2 = new DMatrixRMaj(dimK, rank);
        DMatrixRMaj ga = new DMatrixRMaj(rank, rank);
        DMatrixRMaj gb = new DMatrixRMaj(rank, rank);
        DMatrixRMaj gc = new DMatrixRMaj(rank, rank);
        CommonOps_DDRM.multTransA(b, b, gb);
        CommonOps_DDRM.multTransA(c, c, gc);

        double[] trace = new double[options.maxIterations()];
        double prevStop = Double.NaN;
        int sweeps = 0;
        boolean converged = false;
        for (int it = 0; it < options.maxIterations(); it++) {
            // Mode 0: M0[i, r] = sum_j T[(i,j), r] B[j, r], with T = X_[IJ,K] C.
            products.timesC(c, t);
            m0.zero();
            for (int i = 0; i < dimI; i++) {
                for (int j = 0; j < dimJ; j++) {
                    int tRow = (i * dimJ + j) * rank;
                    int bRow = j * rank;
                    int mRow = i * rank;
                    for (int r = 0; r < rank; r++) {
                        m0.data[mRow + r] += t.data[tRow + r] * b.data[bRow + r];
                    }
                }
            }
            a = solveNormalEquations(hadamard(gb, gc), m0);
            normalizeColumns(a, lambda);
            CommonOps_DDRM.multTransA(a, a, ga);

            // Mode 1: M1[j, r] = sum_i T[(i,j), r] A[i, r] (T still holds X C: C has not changed).
            m1.zero();
            for (int i = 0; i < dimI; i++) {
                int aRow = i * rank;
                for (int j = 0; j < dimJ; j++) {
                    int tRow = (i * dimJ + j) * rank;
                    int mRow = j * rank;
                    for (int r = 0; r < rank; r++) {
                        m1.data[mRow + r] += t.data[tRow + r] * a.data[aRow + r];
                    }
                }
            }
            b = solveNormalEquations(hadamard(ga, gc), m1);
            normalizeColumns(b, lambda);
            CommonOps_DDRM.multTransA(b, b, gb);

            // Mode 2: M2 = X_[IJ,K]^T W with W[(i,j), r] = A[i, r] B[j, r].
            for (int i = 0; i < dimI; i++) {
                int aRow = i * rank;
                for (int j = 0; j < dimJ; j++) {
                    int wRow = (i * dimJ + j) * rank;
                    int bRow = j * rank;
                    for (int r = 0; r < rank; r++) {
                        w.data[wRow + r] = a.data[aRow + r] * b.data[bRow + r];
                    }
                }
            }
            products.transposeTimes(w, m2);
            c = solveNormalEquations(hadamard(ga, gb), m2);
            normalizeColumns(c, lambda);
            CommonOps_DDRM.multTransA(c, c, gc);

            // Error via the norm expansion: ||X_hat||^2 from the Grams, <X, X_hat> from the last MTTKRP.
            double normHat2 = 0;
            for (int r = 0; r < rank; r++) {
                for (int s = 0; s < rank; s++) {
                    normHat2 += lambda[r] * lambda[s] * ga.unsafe_get(r, s) * gb.unsafe_get(r, s) * gc.unsafe_get(r, s);
                }
            }
            double inner = 0;
            for (int r = 0; r < rank; r++) {
                double s = 0;
                for (int k = 0; k < dimK; k++) {
                    s += c.data[k * rank + r] * m2.data[k * rank + r];
                }
                inner += lambda[r] * s;
            }
            double err = Math.sqrt(Math.abs(normX2 + normHat2 - 2 * inner)) / normX;
            trace[it] = err;
            sweeps = it + 1;
            if (LOG.isDebugEnabled()) {
                LOG.debug("CP-ALS rank {} sweep {}: relative error {}", rank, sweeps, err);
            }
            double stop = err < EXPANSION_FLOOR ? Math.sqrt(residualSquared(tensor, lambda, a, b, c)) / normX : err;
            if (it >= 1 && (Math.abs(prevStop - stop) < options.tol() || (err < EXPANSION_FLOOR && stop < options.tol()))) {
                converged = true;
                break;
            }
            prevStop = stop;
        }
        double relErr = Math.sqrt(residualSquared(tensor, lambda, a, b, c)) / normX;
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.debug("CP-ALS rank {} on {}: relative error {} after {} sweeps ({}) in {} s", rank,
                tensor.shapeString(), relErr, sweeps, converged ? "converged" : "sweep limit", seconds);
        return new CpResult(lambda, a, b, c, relErr, sweeps, converged, seconds, Arrays.copyOf(trace, sweeps));
    }

    /** Congruence product below which two components are a two-factor degeneracy. */
    public static final double DEGENERATE_CONGRUENCE = -0.85;
    /** Fit gap to the SVD start's run above which a run is degenerate (stuck in a swamp or a poor local optimum). */
    public static final double DEGENERATE_FIT_GAP = 0.05;

    /**
     * Why a fitted model looks degenerate; empty if it does not. Two tests:
     * <ul>
     *   <li><b>Two-factor degeneracy</b> (Kolda and Bader 2009, Sec. 3.2; Harshman's "diverging components"): two
     *       components r, s with congruence product {@code (A_r·A_s)(B_r·B_s)(C_r·C_s)} (unit-norm columns) below
     *       {@value #DEGENERATE_CONGRUENCE}: they nearly cancel, their weights grow without bound and neither means
     *       anything on its own.</li>
     *   <li><b>Poor fit</b>: a fit more than {@value #DEGENERATE_FIT_GAP} below {@code svdStartFit}, the fit of the
     *       SVD start's run (skipped when NaN).</li>
     * </ul>
     *
     * @param result      the fitted model; not modified
     * @param svdStartFit fit of the SVD start's run on the same tensor and rank, or NaN
     * @return one sentence per finding, naming the components and values
     */
    public static java.util.List<String> degeneracy(CpResult result, double svdStartFit) {
        java.util.List<String> out = new java.util.ArrayList<>();
        DMatrixRMaj[] f = result.factors();
        int rank = result.rank();
        double worst = 0;
        int wr = -1;
        int ws = -1;
        for (int r = 0; r < rank; r++) {
            for (int q = r + 1; q < rank; q++) {
                double prod = 1;
                for (DMatrixRMaj m : f) {
                    double d = 0;
                    for (int i = 0; i < m.numRows; i++) {
                        d += m.unsafe_get(i, r) * m.unsafe_get(i, q);
                    }
                    prod *= d;
                }
                if (prod < worst) {
                    worst = prod;
                    wr = r;
                    ws = q;
                }
            }
        }
        if (worst < DEGENERATE_CONGRUENCE) {
            out.add(String.format(java.util.Locale.ROOT, "components %d and %d have congruence product %.3f (below "
                    + "%.2f: a two-factor degeneracy, they nearly cancel; weights %.4g and %.4g)", wr, ws, worst,
                    DEGENERATE_CONGRUENCE, result.weights()[wr], result.weights()[ws]));
        }
        if (Double.isFinite(svdStartFit) && result.fit() < svdStartFit - DEGENERATE_FIT_GAP) {
            out.add(String.format(java.util.Locale.ROOT, "fit %.4f is more than %.2f below the SVD start's %.4f",
                    result.fit(), DEGENERATE_FIT_GAP, svdStartFit));
        }
        return out;
    }

    /**
     * The runs of {@link #fitWithRestarts}.
     *
     * @param best           the run with the lowest relative error, in canonical form ({@link CpResult#canonical()})
     * @param bestRun        its index in {@code starts}
     * @param starts         each run's start, e.g. {@code "svd"}, {@code "random seed 3"}
     * @param relativeErrors each run's relative error
     * @param svdStartFit    fit of the SVD start's run (one of the runs, or an extra reference run)
     * @param warnings       {@link #degeneracy} of the best run
     */
    public record Runs(CpResult best, int bestRun, java.util.List<String> starts, double[] relativeErrors,
            double svdStartFit, java.util.List<String> warnings) {
        /** Copies. */
        public Runs {
            starts = java.util.List.copyOf(starts);
            relativeErrors = relativeErrors.clone();
            warnings = java.util.List.copyOf(warnings);
        }

        /** A copy of the relative errors. */
        @Override
        public double[] relativeErrors() {
            return relativeErrors.clone();
        }
    }

    /**
     * Fits from {@code options}' start, then from {@code restarts} random starts (seeds {@code options.seed() + 1}
     * …{@code + restarts}), and keeps the run with the lowest relative error (the first on ties), in canonical form,
     * with its {@link #degeneracy} warnings. When no run used the SVD start, one more run from it gives the reference
     * fit of the degeneracy test.
     *
     * @param restarts extra random starts, ≥ 0
     * @throws IllegalArgumentException as {@link #fit(Tensor3, CpAlsOptions)}, or if {@code restarts < 0}
     */
    public static Runs fitWithRestarts(Tensor3 tensor, CpAlsOptions options, int restarts) {
        if (restarts < 0) {
            throw new IllegalArgumentException("restarts must be >= 0, found " + restarts);
        }
        java.util.List<String> starts = new java.util.ArrayList<>();
        double[] errors = new double[restarts + 1];
        CpResult best = null;
        int bestRun = -1;
        double svdFit = Double.NaN;
        for (int k = 0; k <= restarts; k++) {
            CpAlsOptions o = k == 0 ? options : new CpAlsOptions(options.rank(), CpAlsOptions.Init.RANDOM,
                    options.seed() + k, options.maxIterations(), options.tol());
            CpResult r = fit(tensor, o);
            starts.add(o.init() == CpAlsOptions.Init.SVD ? "svd" : "random seed " + o.seed());
            errors[k] = r.relativeError();
            if (o.init() == CpAlsOptions.Init.SVD) {
                svdFit = r.fit();
            }
            if (best == null || r.relativeError() < best.relativeError()) {
                best = r;
                bestRun = k;
            }
            LOG.debug("CP-ALS run {} ({}): relative error {}", k, starts.get(k), r.relativeError());
        }
        if (Double.isNaN(svdFit)) {
            svdFit = fit(tensor, new CpAlsOptions(options.rank(), CpAlsOptions.Init.SVD, options.seed(),
                    options.maxIterations(), options.tol())).fit();
        }
        CpResult canonical = best.canonical();
        return new Runs(canonical, bestRun, starts, errors, svdFit, degeneracy(canonical, svdFit));
    }

    /** Elementwise product of two R x R matrices, a new matrix. */
    private static DMatrixRMaj hadamard(DMatrixRMaj g1, DMatrixRMaj g2) {
        DMatrixRMaj v = new DMatrixRMaj(g1.numRows, g1.numCols);
        CommonOps_DDRM.elementMult(g1, g2, v);
        return v;
    }

    /**
     * Solves {@code F V = M} for {@code F: [n, R]} with {@code V: [R, R]} symmetric positive semi-definite: Cholesky,
     * or the pseudo-inverse (minimum-norm least squares) when the Cholesky factor fails or its diagonal ratio shows V
     * singular to working precision. {@code v} is modified; {@code m} is not.
     */
    static DMatrixRMaj solveNormalEquations(DMatrixRMaj v, DMatrixRMaj m) {
        int rank = v.numRows;
        DMatrixRMaj rhs = new DMatrixRMaj(rank, m.numRows);
        CommonOps_DDRM.transpose(m, rhs);
        DMatrixRMaj sol = new DMatrixRMaj(rank, m.numRows);
        DMatrixRMaj vCopy = v.copy();
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(rank);
        boolean ok = chol.setA(v);
        if (ok) {
            @SuppressWarnings("unchecked")
            CholeskyDecomposition_F64<DMatrixRMaj> decomposition =
                    (CholeskyDecomposition_F64<DMatrixRMaj>) chol.getDecomposition();
            DMatrixRMaj lower = decomposition.getT(null);
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (int r = 0; r < rank; r++) {
                double d = Math.abs(lower.unsafe_get(r, r));
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            // (min/max)^2 bounds the reciprocal condition number of V from above.
            ok = max > 0 && (min / max) * (min / max) > rank * EPS;
            if (ok) {
                chol.solve(rhs, sol);
                ok = allFinite(sol);
            }
        }
        if (!ok) {
            LinearSolverDense<DMatrixRMaj> pinv = LinearSolverFactory_DDRM.pseudoInverse(true);
            pinv.setA(vCopy);
            pinv.solve(rhs, sol);
        }
        DMatrixRMaj f = new DMatrixRMaj(m.numRows, rank);
        CommonOps_DDRM.transpose(sol, f);
        return f;
    }

    private static boolean allFinite(DMatrixRMaj m) {
        for (int n = 0; n < m.getNumElements(); n++) {
            if (!Double.isFinite(m.data[n])) {
                return false;
            }
        }
        return true;
    }

    /** Scales each column of {@code f} to unit norm and stores the norms in {@code lambda}; both are modified. */
    private static void normalizeColumns(DMatrixRMaj f, double[] lambda) {
        double[] norms = Congruence.columnNorms(f);
        for (int r = 0; r < f.numCols; r++) {
            lambda[r] = norms[r];
        }
        for (int i = 0; i < f.numRows; i++) {
            for (int r = 0; r < f.numCols; r++) {
                if (norms[r] != 0) {
                    f.data[i * f.numCols + r] /= norms[r];
                }
            }
        }
    }

    /** {@code ||X - X_hat||_F^2}, summed slice by slice without forming X_hat. */
    private static double residualSquared(Tensor3 tensor, double[] lambda, DMatrixRMaj a, DMatrixRMaj b,
            DMatrixRMaj c) {
        int dimI = tensor.dim(0);
        int dimJ = tensor.dim(1);
        int dimK = tensor.dim(2);
        int rank = lambda.length;
        DMatrixRMaj x = tensor.sharedMatrixIjByK();
        double[] coef = new double[rank];
        double sum = 0;
        for (int i = 0; i < dimI; i++) {
            for (int j = 0; j < dimJ; j++) {
                for (int r = 0; r < rank; r++) {
                    coef[r] = lambda[r] * a.data[i * rank + r] * b.data[j * rank + r];
                }
                int base = (i * dimJ + j) * dimK;
                for (int k = 0; k < dimK; k++) {
                    double hat = 0;
                    for (int r = 0; r < rank; r++) {
                        hat += coef[r] * c.data[k * rank + r];
                    }
                    double d = x.data[base + k] - hat;
                    sum += d * d;
                }
            }
        }
        return sum;
    }

    /** C-order values of {@code X_hat[i,j,k] = sum_r w[r] A[i,r] B[j,r] C[k,r]}. */
    static double[] reconstructValues(double[] weights, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        int rank = weights.length;
        int dimJ = b.numRows;
        int dimK = c.numRows;
        double[] out = new double[a.numRows * dimJ * dimK];
        double[] coef = new double[rank];
        for (int i = 0; i < a.numRows; i++) {
            for (int j = 0; j < dimJ; j++) {
                for (int r = 0; r < rank; r++) {
                    coef[r] = weights[r] * a.unsafe_get(i, r) * b.unsafe_get(j, r);
                }
                int base = (i * dimJ + j) * dimK;
                for (int k = 0; k < dimK; k++) {
                    double hat = 0;
                    for (int r = 0; r < rank; r++) {
                        hat += coef[r] * c.unsafe_get(k, r);
                    }
                    out[base + k] = hat;
                }
            }
        }
        return out;
    }

    /** SVD start: modes 1 and 2 from the unfoldings' leading left singular vectors; A (never read) left zero. */
    static DMatrixRMaj[] svdStart(Tensor3 tensor, int rank, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        DMatrixRMaj[] f = new DMatrixRMaj[3];
        f[0] = new DMatrixRMaj(tensor.dim(0), rank);
        for (int mode = 1; mode < 3; mode++) {
            f[mode] = leadingLeftSingularVectors(tensor.unfold(mode), rank, rng);
        }
        return f;
    }

    /**
     * The {@code rank} leading left singular vectors of {@code unfolding} ({@code [n, p]}) as the columns of an
     * {@code [n, rank]} matrix; when {@code rank > min(n, p)} the remaining columns are uniform [0, 1) values from
     * {@code rng}. {@code unfolding} is modified (used as SVD workspace).
     */
    static DMatrixRMaj leadingLeftSingularVectors(DMatrixRMaj unfolding, int rank, SplittableRandom rng) {
        int n = unfolding.numRows;
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(n, unfolding.numCols, true, false, true);
        if (!svd.decompose(unfolding)) {
            throw new IllegalStateException("SVD of a " + n + "x" + unfolding.numCols + " unfolding did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        double[] sv = svd.getSingularValues();
        int count = svd.numberOfSingularValues();
        SingularOps_DDRM.descendingOrder(u, false, sv, count, null, false);
        DMatrixRMaj out = new DMatrixRMaj(n, rank);
        int fromSvd = Math.min(rank, count);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < fromSvd; r++) {
                out.unsafe_set(i, r, u.unsafe_get(i, r));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int r = fromSvd; r < rank; r++) {
                out.unsafe_set(i, r, rng.nextDouble());
            }
        }
        return out;
    }

    /**
     * SVD start from the Gram matrices (large tensors): mode n's factor = the {@code rank} leading eigenvectors of
     * {@code X_(n) X_(n)^T}, i.e. the unfolding's leading left singular vectors; seeded uniform [0, 1) columns are
     * appended when {@code rank} exceeds the mode's length, as in {@link #svdStart}.
     */
    static DMatrixRMaj[] gramSvdStart(Tensor3 tensor, BlasProducts products, int rank, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        DMatrixRMaj[] f = new DMatrixRMaj[3];
        f[0] = new DMatrixRMaj(tensor.dim(0), rank);
        for (int mode = 1; mode < 3; mode++) {
            INDArray gram = products.gram(mode);
            int n = (int) gram.rows();
            // LAPACK syev: eigenvalues ascending; the symmetric matrix is overwritten by the eigenvectors (columns)
            org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(gram, true);
            DMatrixRMaj out = new DMatrixRMaj(n, rank);
            int fromEig = Math.min(rank, n);
            for (int r = 0; r < fromEig; r++) {
                for (int i = 0; i < n; i++) {
                    out.unsafe_set(i, r, gram.getDouble(i, n - 1 - r));
                }
            }
            for (int i = 0; i < n; i++) {
                for (int r = fromEig; r < rank; r++) {
                    out.unsafe_set(i, r, rng.nextDouble());
                }
            }
            gram.close();
            f[mode] = out;
        }
        return f;
    }

    /** Whether {@code tensor} is large enough for the BLAS path ({@value #BLAS_MIN_ENTRIES} entries or more). */
    private static boolean usesBlas(Tensor3 tensor) {
        return (long) tensor.size() >= BLAS_MIN_ENTRIES;
    }

    private static Products products(Tensor3 tensor, boolean blas) {
        return blas ? new BlasProducts(tensor) : new EjmlProducts(tensor);
    }

    /** The two O(IJK) products of a sweep, {@code X_[IJ,K] C} and {@code X_[IJ,K]^T W}. */
    private interface Products extends AutoCloseable {
        /** {@code t = X_[IJ,K] c} with {@code c: [K, R]}, {@code t: [I*J, R]}. */
        void timesC(DMatrixRMaj c, DMatrixRMaj t);

        /** {@code m = X_[IJ,K]^T w} with {@code w: [I*J, R]}, {@code m: [K, R]}. */
        void transposeTimes(DMatrixRMaj w, DMatrixRMaj m);

        @Override
        void close();
    }

    /** EJML, single-threaded, on the tensor's own array. */
    private static final class EjmlProducts implements Products {
        private final DMatrixRMaj x;

        EjmlProducts(Tensor3 tensor) {
            x = tensor.sharedMatrixIjByK();
        }

        @Override
        public void timesC(DMatrixRMaj c, DMatrixRMaj t) {
            CommonOps_DDRM.mult(x, c, t);
        }

        @Override
        public void transposeTimes(DMatrixRMaj w, DMatrixRMaj m) {
            CommonOps_DDRM.multTransA(x, w, m);
        }

        @Override
        public void close() {
        }
    }

    /** ND4J (BLAS) on an off-heap double copy of the tensor as {@code [I*J, K]}; closed after the run. */
    static final class BlasProducts implements Products {
        private final INDArray x;
        private final int dimI;
        private final int dimJ;

        BlasProducts(Tensor3 tensor) {
            dimI = tensor.dim(0);
            dimJ = tensor.dim(1);
            x = Nd4j.create(tensor.sharedMatrixIjByK().data, new long[] {(long) dimI * dimJ, tensor.dim(2)}, 'c');
        }

        @Override
        public void timesC(DMatrixRMaj c, DMatrixRMaj t) {
            try (INDArray cn = toNd4j(c); INDArray r = x.mmul(cn)) {
                copyInto(r, t);
            }
        }

        @Override
        public void transposeTimes(DMatrixRMaj w, DMatrixRMaj m) {
            try (INDArray wn = toNd4j(w); INDArray r = x.transpose().mmul(wn)) {
                copyInto(r, m);
            }
        }

        /** {@code X_(mode) X_(mode)^T} for mode 1 ({@code [J, J]}) or 2 ({@code [K, K]}). */
        INDArray gram(int mode) {
            if (mode == 2) {
                return x.transpose().mmul(x);
            }
            INDArray g = Nd4j.zeros(DataType.DOUBLE, dimJ, dimJ);
            for (int i = 0; i < dimI; i++) {
                INDArray slice = x.get(NDArrayIndex.interval((long) i * dimJ, (long) (i + 1) * dimJ),
                        NDArrayIndex.all());
                Nd4j.gemm(slice, slice, g, false, true, 1.0, 1.0);
            }
            return g;
        }

        private static INDArray toNd4j(DMatrixRMaj m) {
            return Nd4j.create(m.data, new long[] {m.numRows, m.numCols}, 'c');
        }

        private static void copyInto(INDArray r, DMatrixRMaj out) {
            double[] d = r.dup('c').data().asDouble();
            System.arraycopy(d, 0, out.data, 0, out.getNumElements());
        }

        @Override
        public void close() {
            x.close();
        }
    }

    /** Random start: A, B, C filled in that order, row by row, with uniform [0, 1) values. */
    private static DMatrixRMaj[] randomStart(Tensor3 tensor, int rank, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        DMatrixRMaj[] f = new DMatrixRMaj[3];
        for (int mode = 0; mode < 3; mode++) {
            f[mode] = new DMatrixRMaj(tensor.dim(mode), rank);
            for (int n = 0; n < f[mode].getNumElements(); n++) {
                f[mode].data[n] = rng.nextDouble();
            }
        }
        return f;
    }
}
