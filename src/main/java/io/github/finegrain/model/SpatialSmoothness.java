package io.github.finegrain.model;

import io.github.finegrain.grid.GridLaplacian;

/**
 * The spatial smoothness penalty of a spatial layer (the follow-up work's spatial regularization): a Gaussian-kernel
 * graph Laplacian over the cell centres of each spatial mode ({@link GridLaplacian}),
 * <pre>
 *   penalty = court · Σ_ij Kb[i, j] ‖w_i − w_j‖²  +  defender · Σ_cd Kc[c, d] ‖v_c − v_d‖²
 *   K[i, j] = exp(−(d_ij / D)² / σ)   (d_ij: distance between cell centres, D: the grid's largest one, feet)
 * </pre>
 * summed over ordered pairs, added to the network's score (the mean log loss of the minibatch) and its gradient
 * {@code 4 · weight · L W} added to the parameters' gradient. The mode vectors are
 * <ul>
 *   <li>full rank, {@code F [tasks, courtCells, defenderCells + 1]}: {@code w_i = F[:, i, :]} (every task and every
 *   defender entry, the constant one included) and {@code v_c = F[:, :, c]} for the defender grid's cells only;</li>
 *   <li>CP: {@code w_i = B[i, :]} and {@code v_c = C[c, :]} for the defender grid's cells only.</li>
 * </ul>
 * The constant defender entry (the last one, see {@link SpatialLayerSpec}) is not a cell and takes no part in the
 * defender penalty. The bias and the task factor A are never smoothed. DL4J's {@code l2} (on F, or on A, B and C) is
 * separate and unchanged.
 *
 * <p><b>Where it is applied.</b> As a DL4J {@code Regularization} ({@link SpatialSmoothnessRegularization},
 * {@code BEFORE_UPDATER}) that the layer configuration adds to the weights' regularization: the updater adds the
 * gradient after {@code TrainingListener.onGradientCalculation}, so listeners (the spatial-entropy listener) see the
 * data-loss gradient only, exactly as with L2.
 *
 * <p><b>Cost.</b> The gradient is dense over the whole parameter, unlike the data term. One evaluation (score or
 * gradient) costs {@code 2 × entries × (rows + cols)} flops per mode, single-threaded in Java (see
 * {@link GridLaplacian}); measured costs are in {@code src/site/notes/model-measurements.md}. For large full-rank
 * layers {@link #every} trades exactness for time: the gradient is applied, scaled by {@code every}, on iterations
 * {@code t ≡ 0 (mod every)} only (lazy regularization: the same expected gradient per iteration), and the score's
 * penalty term is recomputed on those iterations and reused in between (it lags by at most {@code every − 1}
 * updates). With {@code every = 1} (the default) score and gradient are exact at every iteration.
 *
 * <p><b>Scale across resolutions.</b> The weights multiply sums over pairs of cells: fine-graining a map by nesting
 * f × f cells per cell multiplies its penalty by about f⁴ (the kernel is the same function of normalized position).
 * {@link SpatialModels#fineGrain} keeps the weights as they are; lower them per stage if that is not wanted.
 *
 * <p><b>Defaults: off (weights 0), σ = 0.05 (the follow-up work's value), every = 1.</b> No one weight suits every
 * grid (see the f⁴ growth above) and on full-rank layers the dense penalty can cost more than the rest of the step;
 * the measurements behind these defaults and a suggested use are in {@code src/site/notes/model-measurements.md}.
 *
 * @param court    weight of the court-mode penalty, &ge; 0 and finite (0 = off; default 0)
 * @param defender weight of the defender-mode penalty, &ge; 0 and finite (0 = off; default 0)
 * @param sigma    σ of the kernel, in units of the squared normalized distance, &gt; 0 and finite (default 0.05)
 * @param every    apply the gradient every this many iterations, scaled by it, &ge; 1 (default 1 = every
 *                 iteration, exact)
 */
public record SpatialSmoothness(double court, double defender, double sigma, int every) {
    /** The follow-up work's kernel width. */
    public static final double DEFAULT_SIGMA = 0.05;

    /** No smoothness penalty (the default). */
    public static final SpatialSmoothness NONE = new SpatialSmoothness(0, 0, DEFAULT_SIGMA, 1);

    /** Validates the fields. */
    public SpatialSmoothness {
        if (!(court >= 0) || !(defender >= 0) || !Double.isFinite(court) || !Double.isFinite(defender)) {
            throw new IllegalArgumentException("smoothness weights must be >= 0 and finite, found court " + court
                    + " and defender " + defender);
        }
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("kernel width sigma must be > 0 and finite, found " + sigma);
        }
        if (every < 1) {
            throw new IllegalArgumentException("smoothness interval must be >= 1 iteration, found " + every);
        }
    }

    /** Weights {@code court} and {@code defender} with the default σ, applied at every iteration. */
    public static SpatialSmoothness of(double court, double defender) {
        return new SpatialSmoothness(court, defender, DEFAULT_SIGMA, 1);
    }

    /** A copy applied every {@code every} iterations (see the class comment). */
    public SpatialSmoothness withEvery(int every) {
        return new SpatialSmoothness(court, defender, sigma, every);
    }

    /** Whether both weights are 0. */
    public boolean isOff() {
        return court == 0 && defender == 0;
    }
}
