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
 * {@link GridLaplacian}); measured costs are in {@code SmoothnessBenchmark} and the README. For large full-rank
 * layers {@link #every} trades exactness for time: the gradient is applied, scaled by {@code every}, on iterations
 * {@code t ≡ 0 (mod every)} only (lazy regularization: the same expected gradient per iteration), and the score's
 * penalty term is recomputed on those iterations and reused in between (it lags by at most {@code every − 1}
 * updates). With {@code every = 1} (the default) score and gradient are exact at every iteration.
 *
 * <p><b>Scale across resolutions.</b> The weights multiply sums over pairs of cells: fine-graining a map by nesting
 * f × f cells per cell multiplies its penalty by about f⁴ (the kernel is the same function of normalized position).
 * {@link SpatialModels#fineGrain} keeps the weights as they are; lower them per stage if that is not wanted.
 *
 * <p><b>Defaults: off (weights 0), σ = 0.05 (the follow-up work's value), every = 1.</b> Measured on the bundled data
 * with {@code SmoothnessBenchmark} (single-resolution full-rank training, defender 6x6, seeds 12345, 1, 2; means): at
 * court 8x10, weight 3e-6 on both modes improves the best validation log loss from 0.3383 to 0.3330, the test log loss
 * from 0.3441 to 0.3399 and the test ROC AUC from 0.781 to 0.790 (1e-6: 0.3352 / 0.3413 / 0.786; 1e-5: 0.3358 / 0.3440
 * / 0.792; 1e-4 and more hurt, e.g. 0.366 / 0.372 / 0.763 at 1e-4, seed 12345); nearly all of the gain comes from the
 * court mode. It is still off by default because no one value suits every grid: with the f⁴ growth above, 1e-6 already
 * hurts at court 20x25 (validation 0.3566 against 0.3495 off), where 2e-7 helps a little (0.3484), and the weights are
 * carried unchanged through the multi-resolution stages; and because on full-rank layers the dense penalty costs more
 * than the rest of the step (measured on 2 shared cores, Adam, 1024 rows, F of 300 × 80 × 145: 16 ms per step off, 227
 * ms on, 53 ms with every = 10; on F of 300 × 2000 × 145 one evaluation takes about 3.5 s for the court mode and 1.3 s
 * for the defender mode, score and gradient each; CP factors B [2000, 20] and C [145, 20]: 1.6 ms and 0.1 ms).
 * Suggested use: 3e-6 at court 8x10 (scale by {@code (80 / courtCells)²} for other court grids), every = 1 for CP
 * layers and small full-rank layers, every of 10 or more for full-rank layers of tens of millions of entries.
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
