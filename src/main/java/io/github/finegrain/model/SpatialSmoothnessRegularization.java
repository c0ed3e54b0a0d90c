package io.github.finegrain.model;

import io.github.finegrain.grid.GridLaplacian;
import io.github.finegrain.grid.GridSpec;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * One mode of the {@link SpatialSmoothness} penalty as a DL4J {@link Regularization} of one parameter:
 * {@code weight · Σ_ij K[i, j] ‖w_i − w_j‖²} over the cells of {@link #getGrid() grid} ({@link GridLaplacian}).
 *
 * <p><b>Layout.</b> The parameter is read in C order as {@code P [outer, modeSize, inner]}; the mode's cells are the
 * first {@code cells = grid.cellCount()} indices of the middle axis (the others, e.g. the constant defender entry,
 * are left alone), and {@code w_i = P[:, i, :]}. So the penalty is {@code Σ_o 2 ⟨W_o, L W_o⟩} with
 * {@code W_o = P[o, :cells, :] [cells, inner]}. The layer configurations build these (see
 * {@link FullRankSpatialLayer#getRegularizationByParam} and {@link CpSpatialLayer#getRegularizationByParam}):
 * <table>
 *   <caption>layouts</caption>
 *   <tr><th>parameter</th><th>mode</th><th>outer</th><th>modeSize</th><th>inner</th></tr>
 *   <tr><td>F [tasks, court, def + 1]</td><td>court</td><td>tasks</td><td>court cells</td><td>def + 1</td></tr>
 *   <tr><td>F</td><td>defender</td><td>tasks × court cells</td><td>def + 1</td><td>1</td></tr>
 *   <tr><td>B [court, K]</td><td>court</td><td>1</td><td>court cells</td><td>K</td></tr>
 *   <tr><td>C [def + 1, K]</td><td>defender</td><td>1</td><td>def + 1</td><td>K</td></tr>
 * </table>
 *
 * <p><b>DL4J contract.</b> {@link #score} is added to the network's score by the layer's
 * {@code calcRegularizationScore} (so {@code net.score()}, {@code net.score(DataSet)} and gradient checks include
 * it). {@link #apply} runs {@link ApplyStep#BEFORE_UPDATER}: the updater calls it after the data gradient was
 * averaged over the minibatch and after the listeners' {@code onGradientCalculation}, and it adds
 * {@code 4 · weight · L W} (times {@code every} on the iterations it acts, see {@link SpatialSmoothness#every()}) to
 * the gradient view in place. Neither modifies the parameter.
 *
 * <p><b>Work.</b> Both score and gradient make one pass of {@link GridLaplacian#multiply} over the whole parameter, in
 * blocks of outer slices gathered into {@code [cells, ≥ 256]} double arrays (a few MB at most); no copy of the whole
 * parameter is made. Instances are used by one thread at a time (as DL4J layers); they cache the kernel and, when
 * {@code every > 1}, the last penalty value. Serializable by Java and by DL4J's Jackson (the caches are not
 * saved).
 */
public final class SpatialSmoothnessRegularization implements Regularization {
    private static final long serialVersionUID = 1L;
    /** Columns per gathered block (outer slices × inner) the blocks aim at, so that inner loops are long. */
    static final int BLOCK_COLUMNS = 256;

    private final String mode;
    private final double weight;
    private final double sigma;
    private final int every;
    private final GridFields grid;
    private final int outer;
    private final int modeSize;
    private final int inner;

    @JsonIgnore
    private transient GridLaplacian laplacian;
    @JsonIgnore
    private transient boolean cached;
    @JsonIgnore
    private transient double cachedPenalty;

    /**
     * A penalty on the cells of {@code grid} inside a parameter laid out as {@code [outer, modeSize, inner]}.
     *
     * @param mode     a name for messages ({@code court} or {@code defender})
     * @param weight   ≥ 0
     * @param sigma    kernel width, &gt; 0
     * @param every    apply every this many iterations, ≥ 1
     * @param grid     the mode's grid; its cell count must be ≤ modeSize
     * @param outer    ≥ 1
     * @param modeSize ≥ cells
     * @param inner    ≥ 1
     * @throws IllegalArgumentException on an invalid value
     */
    @JsonCreator
    public SpatialSmoothnessRegularization(@JsonProperty("mode") String mode, @JsonProperty("weight") double weight,
            @JsonProperty("sigma") double sigma, @JsonProperty("every") int every,
            @JsonProperty("grid") GridFields grid, @JsonProperty("outer") int outer,
            @JsonProperty("modeSize") int modeSize, @JsonProperty("inner") int inner) {
        SpatialSmoothness validated = new SpatialSmoothness(weight, 0, sigma, every);
        if (grid == null) {
            throw new IllegalArgumentException("a grid is required");
        }
        int cells = grid.toSpec().cellCount();
        if (outer < 1 || inner < 1 || modeSize < cells || (long) outer * modeSize * inner > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameter layout [" + outer + ", " + modeSize + ", " + inner
                    + "] does not hold the " + cells + " cells of grid " + grid.toSpec().label()
                    + " in its middle axis");
        }
        this.mode = mode == null ? "spatial" : mode;
        this.weight = validated.court();
        this.sigma = sigma;
        this.every = every;
        this.grid = grid;
        this.outer = outer;
        this.modeSize = modeSize;
        this.inner = inner;
    }

    /** The court-mode term of F {@code [tasks, courtCells, defenderCells + 1]}. */
    static SpatialSmoothnessRegularization fullRankCourt(SpatialLayerSpec s, SpatialSmoothness sm) {
        return new SpatialSmoothnessRegularization("court", sm.court(), sm.sigma(), sm.every(),
                new GridFields(s.court()), s.tasks(), s.court().cellCount(), s.defenderModeSize());
    }

    /** The defender-mode term of F (the constant entry excluded). */
    static SpatialSmoothnessRegularization fullRankDefender(SpatialLayerSpec s, SpatialSmoothness sm) {
        return new SpatialSmoothnessRegularization("defender", sm.defender(), sm.sigma(), sm.every(),
                new GridFields(s.defenderBox()), s.tasks() * s.court().cellCount(), s.defenderModeSize(), 1);
    }

    /** The court-mode term of B {@code [courtCells, K]}. */
    static SpatialSmoothnessRegularization cpCourt(CpLayerSpec s, SpatialSmoothness sm) {
        return new SpatialSmoothnessRegularization("court", sm.court(), sm.sigma(), sm.every(),
                new GridFields(s.court()), 1, s.court().cellCount(), s.rank());
    }

    /** The defender-mode term of C {@code [defenderCells + 1, K]} (the constant row excluded). */
    static SpatialSmoothnessRegularization cpDefender(CpLayerSpec s, SpatialSmoothness sm) {
        return new SpatialSmoothnessRegularization("defender", sm.defender(), sm.sigma(), sm.every(),
                new GridFields(s.defenderBox()), 1, s.spatial().defenderModeSize(), s.rank());
    }

    @Override
    public ApplyStep applyStep() {
        return ApplyStep.BEFORE_UPDATER;
    }

    /**
     * Adds {@code 4 · weight · every · L W} to {@code gradView} on iterations {@code iteration % every == 0}; does
     * nothing on the others or when the weight is 0.
     *
     * @param param    the parameter (any shape, C order, FLOAT or DOUBLE); not modified
     * @param gradView its gradient, same length; modified (in place)
     * @param lr       unused (the penalty's gradient goes through the updater like the data gradient)
     */
    @Override
    public void apply(INDArray param, INDArray gradView, double lr, int iteration, int epoch) {
        if (weight == 0 || iteration % every != 0) {
            return;
        }
        double p = pass(param, gradView, 4 * weight * every);
        if (every > 1) {
            cachedPenalty = weight * p;
            cached = true;
        }
    }

    /**
     * {@code weight · Σ_ij K[i, j] ‖w_i − w_j‖²} of {@code param} (not modified). With {@code every > 1}, the value
     * computed on the last iteration {@code ≡ 0 (mod every)} is returned on the iterations in between.
     */
    @Override
    public double score(INDArray param, int iteration, int epoch) {
        if (weight == 0) {
            return 0;
        }
        if (every > 1 && cached && iteration % every != 0) {
            return cachedPenalty;
        }
        double value = weight * pass(param, null, 0);
        if (every > 1) {
            cachedPenalty = value;
            cached = true;
        }
        return value;
    }

    /** The unweighted penalty {@code Σ_ij K[i, j] ‖w_i − w_j‖²} of {@code param}, always computed. */
    public double penalty(INDArray param) {
        return pass(param, null, 0);
    }

    /**
     * One pass over the parameter: returns the unweighted penalty and, if {@code grad} is not null, adds
     * {@code factor · L W} to it.
     */
    private double pass(INDArray param, INDArray grad, double factor) {
        long total = (long) outer * modeSize * inner;
        if (param.length() != total || grad != null && grad.length() != total) {
            throw new IllegalArgumentException("the " + mode + " smoothness of grid " + grid.toSpec().label()
                    + " expects a parameter of " + outer + " x " + modeSize + " x " + inner + " = " + total
                    + " values, found " + param.length() + (grad == null ? "" : " (gradient " + grad.length() + ")"));
        }
        GridLaplacian l = laplacian();
        int cells = l.cells();
        FlatBuffer p = FlatBuffer.of(param);
        FlatBuffer g = grad == null ? null : FlatBuffer.of(grad);
        int perBlock = Math.max(1, Math.min(outer, (BLOCK_COLUMNS + inner - 1) / inner));
        int slice = modeSize * inner;
        double[] slab = null;
        double[] w = null;
        double[] lw = null;
        double[] tmp = null;
        double quad = 0;
        for (int o0 = 0; o0 < outer; o0 += perBlock) {
            int b = Math.min(perBlock, outer - o0);
            int m = b * inner;
            if (slab == null || slab.length != b * slice) {
                slab = new double[b * slice];
                w = new double[cells * m];
                lw = new double[cells * m];
                tmp = new double[cells * m];
            }
            int start = o0 * slice;
            p.get(start, slab);
            for (int o = 0; o < b; o++) {
                for (int c = 0; c < cells; c++) {
                    System.arraycopy(slab, o * slice + c * inner, w, c * m + o * inner, inner);
                }
            }
            l.multiply(w, m, lw, tmp);
            for (int i = 0; i < w.length; i++) {
                quad += w[i] * lw[i];
            }
            if (g != null) {
                g.get(start, slab);
                for (int o = 0; o < b; o++) {
                    for (int c = 0; c < cells; c++) {
                        int to = o * slice + c * inner;
                        int from = c * m + o * inner;
                        for (int j = 0; j < inner; j++) {
                            slab[to + j] += factor * lw[from + j];
                        }
                    }
                }
                g.set(start, slab);
            }
        }
        return 2 * quad;
    }

    private GridLaplacian laplacian() {
        if (laplacian == null) {
            laplacian = GridLaplacian.of(grid.toSpec(), sigma);
        }
        return laplacian;
    }

    @Override
    public SpatialSmoothnessRegularization clone() {
        return new SpatialSmoothnessRegularization(mode, weight, sigma, every, grid, outer, modeSize, inner);
    }

    /** {@code court} or {@code defender}. */
    public String getMode() {
        return mode;
    }

    /** The weight. */
    public double getWeight() {
        return weight;
    }

    /** σ of the kernel. */
    public double getSigma() {
        return sigma;
    }

    /** Iterations between applications. */
    public int getEvery() {
        return every;
    }

    /** The mode's grid. */
    public GridFields getGrid() {
        return grid;
    }

    /** Convenience: the mode's grid as a spec. */
    public GridSpec gridSpec() {
        return grid.toSpec();
    }

    /** Outer slices of the layout. */
    public int getOuter() {
        return outer;
    }

    /** Length of the layout's middle axis (cells, plus the constant entry for a defender mode). */
    public int getModeSize() {
        return modeSize;
    }

    /** Inner length of the layout. */
    public int getInner() {
        return inner;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpatialSmoothnessRegularization r && mode.equals(r.mode)
                && Double.compare(weight, r.weight) == 0 && Double.compare(sigma, r.sigma) == 0 && every == r.every
                && grid.equals(r.grid) && outer == r.outer && modeSize == r.modeSize && inner == r.inner;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, weight, sigma, every, grid, outer, modeSize, inner);
    }

    @Override
    public String toString() {
        return "SpatialSmoothnessRegularization(" + mode + " " + grid.toSpec().label() + ", weight=" + weight
                + ", sigma=" + sigma + ", every=" + every + ", layout=[" + outer + ", " + modeSize + ", " + inner
                + "])";
    }
}
