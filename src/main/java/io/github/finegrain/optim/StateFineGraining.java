package io.github.finegrain.optim;

import io.github.finegrain.grid.FineGraining;
import io.github.finegrain.model.FlatBuffer;
import io.github.finegrain.model.RowBlock;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.SpatialLayerSpec;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Carries an {@link OptimizerState} through a fine-graining of its layer (paper, Sec. 3, Algorithm 1,
 * {@code FINEGRAIN}), as {@code model.SpatialModels.fineGrain} carries the parameters:
 * <ul>
 *   <li>moments (m, v of lazy Adam; h of Adagrad) are fine-grained with the <b>same weights as the parameters</b>
 *   ({@link FineGraining}: full rank, {@code [tasks, courtCells, defenderCells + 1]} along the court axis, then the
 *   defender axis with the constant entry kept; CP, B along its court axis, C along its defender axis, A and the bias
 *   copied). For nested grids each child entry copies its parent's moments; otherwise each gets the area average of
 *   its sources' moments;</li>
 *   <li>step counts (lazy Adam, one per row): a child row copies its parent's count (nested grids); a fine row with
 *   several sources takes the largest count among them (its moments are a weighted average of rows bias-corrected
 *   with at least that many steps, so the smallest correction is the safe one); a row with no source (outside the
 *   old rectangle) starts at 0. Rows whose court cell does not change (A, the bias, the defender entries of one F
 *   row) keep their counts.</li>
 * </ul>
 * So after a nested fine-graining, a child row touched by the next minibatch moves exactly as its parent would have.
 * At the full-rank → CP hand-off there is no such map (the parameters are re-estimated by CP-ALS), and the step
 * starts a fresh state.
 */
public final class StateFineGraining {
    private StateFineGraining() {
    }

    /**
     * The state for the fine-grained layer.
     *
     * @param state     the old layer's state; not modified
     * @param from      the old layer's configuration
     * @param to        the new layer's configuration (same kind, tasks and rank; finer or other grids)
     * @param newBlocks the new layer's row blocks
     * @return a new state
     * @throws IllegalArgumentException if the layers differ in kind, tasks or rank, or the blocks do not match them
     */
    public static OptimizerState fineGrain(OptimizerState state, SpatialLayerConf from, SpatialLayerConf to,
            List<RowBlock> newBlocks) {
        SpatialLayerSpec f = from.spatialSpec();
        SpatialLayerSpec t = to.spatialSpec();
        if (from.getClass() != to.getClass() || f.tasks() != t.tasks()
                || !java.util.Objects.equals(from.rank(), to.rank())) {
            throw new IllegalArgumentException("fine-graining the optimizer state needs the same layer kind, tasks "
                    + "and rank, found " + from + " and " + to);
        }
        if (newBlocks.size() != state.blocks().size()) {
            throw new IllegalArgumentException("new layer has " + newBlocks.size() + " row blocks, state has "
                    + state.blocks().size());
        }
        FineGraining court = FineGraining.between(f.court(), t.court());
        FineGraining def = FineGraining.between(f.defenderBox(), t.defenderBox());
        int n = newBlocks.size();
        INDArray[] m = new INDArray[n];
        INDArray[] v = new INDArray[n];
        int[][] steps = new int[n][];
        boolean fullRank = from.rank() == null;
        for (int k = 0; k < n; k++) {
            RowBlock ob = state.blocks().get(k);
            RowBlock nb = newBlocks.get(k);
            if (!ob.key().equals(nb.key())) {
                throw new IllegalArgumentException("row block " + k + ": " + ob.key() + " vs " + nb.key());
            }
            INDArray[] arrays = state.arrays(k);
            int[] oldSteps = state.stepArray(k);
            String key = ob.key();
            if (fullRank && key.equals("F")) {
                int oc = f.court().cellCount();
                int od = f.defenderModeSize();
                int nc = t.court().cellCount();
                int nd = t.defenderModeSize();
                for (int which = 0; which < 2; which++) {
                    if (arrays[which] == null) {
                        continue;
                    }
                    INDArray out = Nd4j.zeros(state.dataType(), nb.size());
                    FlatBuffer src = FlatBuffer.of(arrays[which]);
                    FlatBuffer dst = FlatBuffer.of(out);
                    double[] slice = new double[oc * od];
                    for (int a = 0; a < f.tasks(); a++) {
                        src.get(a * oc * od, slice);
                        double[] mid = court.applyAlongAxis(slice, new int[] {oc, od}, 0);
                        dst.set(a * nc * nd, def.applyAlongDefenderAxis(mid, new int[] {nc, od}, 1));
                    }
                    if (which == 0) {
                        m[k] = out;
                    } else {
                        v[k] = out;
                    }
                }
                if (oldSteps != null) {
                    steps[k] = new int[nb.rows()];
                    List<List<FineGraining.Source>> sources = new java.util.ArrayList<>(nc);
                    for (int c = 0; c < nc; c++) {
                        sources.add(court.sources(c));
                    }
                    for (int a = 0; a < f.tasks(); a++) {
                        for (int c = 0; c < nc; c++) {
                            int max = 0;
                            for (FineGraining.Source s : sources.get(c)) {
                                max = Math.max(max, oldSteps[a * oc + s.coarseCell()]);
                            }
                            steps[k][a * nc + c] = max;
                        }
                    }
                }
            } else if (!fullRank && (key.equals("B") || key.equals("C"))) {
                boolean isCourt = key.equals("B");
                FineGraining g = isCourt ? court : def;
                int kk = ob.rowLength();
                for (int which = 0; which < 2; which++) {
                    if (arrays[which] == null) {
                        continue;
                    }
                    double[] vals = new double[(int) ob.size()];
                    FlatBuffer.of(arrays[which]).get(0, vals);
                    double[] fine = isCourt ? g.applyAlongAxis(vals, new int[] {ob.rows(), kk}, 0)
                            : g.applyAlongDefenderAxis(vals, new int[] {ob.rows(), kk}, 0);
                    INDArray out = Nd4j.zeros(state.dataType(), nb.size());
                    FlatBuffer.of(out).set(0, fine);
                    if (which == 0) {
                        m[k] = out;
                    } else {
                        v[k] = out;
                    }
                }
                if (oldSteps != null) {
                    steps[k] = new int[nb.rows()];
                    int cells = g.fine().cellCount();
                    for (int c = 0; c < cells; c++) {
                        steps[k][c] = maxSource(g, c, oldSteps, 0);
                    }
                    if (!isCourt) { // the constant entry maps to itself
                        steps[k][cells] = oldSteps[g.coarse().cellCount()];
                    }
                }
            } else {
                if (ob.size() != nb.size()) {
                    throw new IllegalArgumentException("row block " + key + " changes size " + ob.size() + " -> "
                            + nb.size() + " although its mode is not spatial");
                }
                m[k] = arrays[0] == null ? null : arrays[0].dup();
                v[k] = arrays[1] == null ? null : arrays[1].dup();
                steps[k] = oldSteps == null ? null : oldSteps.clone();
            }
        }
        return OptimizerState.of(state.config(), newBlocks, state.dataType(), m, v, steps);
    }

    /** The largest step count among the sources of fine cell {@code cell} ({@code counts[base + coarseCell]}). */
    private static int maxSource(FineGraining g, int cell, int[] counts, int base) {
        int max = 0;
        for (FineGraining.Source s : g.sources(cell)) {
            max = Math.max(max, counts[base + s.coarseCell()]);
        }
        return max;
    }
}
