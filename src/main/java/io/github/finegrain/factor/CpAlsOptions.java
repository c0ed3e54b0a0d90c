package io.github.finegrain.factor;

/**
 * Settings of a CP-ALS run ({@link CpAls#fit(Tensor3, CpAlsOptions)}), validated on construction. The defaults follow
 * TensorLy 0.9.0's {@code parafac}: SVD start, at most 100 sweeps, tolerance 1e-8 on the change of the relative
 * error; the seed (TensorLy: {@code random_state=None}) defaults to 0 so that runs repeat.
 *
 * @param rank          number of rank-one components R; must be positive. Whether it fits the tensor
 *                      ({@code R <= min(I*J, J*K, I*K)}) is checked by {@link CpAls#fit}.
 * @param init          how the factors start, see {@link Init}
 * @param seed          seed of the uniform random start ({@link Init#RANDOM}) and of the random columns the SVD start
 *                      appends when R exceeds a mode's length
 * @param maxIterations most ALS sweeps (one sweep updates modes 0, 1, 2 in that order); must be positive
 * @param tol           stop once two consecutive relative errors differ by less than {@code tol} (checked from the
 *                      second sweep on); 0 runs all {@code maxIterations} sweeps. Must be finite and non-negative.
 */
public record CpAlsOptions(int rank, Init init, long seed, int maxIterations, double tol) {

    /** Default {@link #maxIterations()}, TensorLy's {@code n_iter_max}. */
    public static final int DEFAULT_MAX_ITERATIONS = 100;
    /** Default {@link #tol()}, TensorLy's {@code tol}. */
    public static final double DEFAULT_TOL = 1e-8;
    /** Default {@link #seed()}. */
    public static final long DEFAULT_SEED = 0L;

    /** How the factor matrices start. */
    public enum Init {
        /**
         * Mode n starts from the R leading left singular vectors of the mode-n unfolding (TensorLy's
         * {@code init='svd'}); when R exceeds the mode's length the missing columns are seeded uniform [0, 1)
         * values, as TensorLy does.
         */
        SVD,
        /** Every factor entry is a seeded uniform [0, 1) value (TensorLy's {@code init='random'}). */
        RANDOM
    }

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if {@code rank <= 0}, {@code maxIterations <= 0}, {@code tol} is negative or
     *                                  not finite, or {@code init} is null
     */
    public CpAlsOptions {
        if (rank <= 0) {
            throw new IllegalArgumentException("rank must be positive, found " + rank);
        }
        if (init == null) {
            throw new IllegalArgumentException("init must be SVD or RANDOM, found null");
        }
        if (maxIterations <= 0) {
            throw new IllegalArgumentException("maxIterations must be positive, found " + maxIterations);
        }
        if (!(tol >= 0) || !Double.isFinite(tol)) {
            throw new IllegalArgumentException("tol must be finite and >= 0, found " + tol);
        }
    }

    /** The given rank with every other setting at its default (SVD start, seed 0, 100 sweeps, tol 1e-8). */
    public static CpAlsOptions ofRank(int rank) {
        return new CpAlsOptions(rank, Init.SVD, DEFAULT_SEED, DEFAULT_MAX_ITERATIONS, DEFAULT_TOL);
    }

    /** A copy with another start. */
    public CpAlsOptions withInit(Init newInit) {
        return new CpAlsOptions(rank, newInit, seed, maxIterations, tol);
    }

    /** A copy with another seed. */
    public CpAlsOptions withSeed(long newSeed) {
        return new CpAlsOptions(rank, init, newSeed, maxIterations, tol);
    }

    /** A copy with another sweep limit. */
    public CpAlsOptions withMaxIterations(int newMaxIterations) {
        return new CpAlsOptions(rank, init, seed, newMaxIterations, tol);
    }

    /** A copy with another tolerance. */
    public CpAlsOptions withTol(double newTol) {
        return new CpAlsOptions(rank, init, seed, maxIterations, newTol);
    }
}
