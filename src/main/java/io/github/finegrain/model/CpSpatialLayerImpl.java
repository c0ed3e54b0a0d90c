package io.github.finegrain.model;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Implementation of {@link CpSpatialLayer}: sparse forward and backward passes over the factors; F is never
 * reconstructed. Cost per row O(K × (1 + defenders in the box)).
 *
 * <p>Forward, for row r with task a, court cell b (≥ 0) and defender cells c_1..c_m in the box:
 * <pre>
 *   s_k = C[C_const, k] + Σ_j C[c_j, k]              (= Σ_c φ_c(x_r) C[c, k], φ counts repeated cells)
 *   z_r = bias[a] + Σ_k A[a, k] B[b, k] s_k
 * </pre>
 * (z_r = bias[a] when the ball handler is outside the court grid). Backward with {@code ε_r = ∂L/∂z_r}, summed over
 * the rows:
 * <pre>
 *   ∂L/∂A[a, k] += ε_r B[b, k] s_k
 *   ∂L/∂B[b, k] += ε_r A[a, k] s_k
 *   ∂L/∂C[c, k] += ε_r A[a, k] B[b, k] φ_c(x_r)      (for the constant entry and each defender)
 *   ∂L/∂bias[a] += ε_r
 * </pre>
 * The input gets no gradient (it is data). The parameters (small: K × (tasks + courtCells + defenderCells + 1) +
 * tasks) are copied into a double work array by the forward pass, which also keeps each row's s_k; the backward pass
 * that follows on the same input array reuses both (the gradient is taken at the parameters of that forward pass),
 * and recomputes them otherwise. Values are accumulated in double and stored in the network's data type.
 *
 * <p>Rows for a row-sparse optimizer ({@link RowSparseLayer}): the rows of A (tasks), B (court cells), C (defender
 * cells and the constant entry) and the bias entries; a backward pass armed by {@link #armSparseBackward()} writes
 * and records only the rows of the minibatch.
 */
public class CpSpatialLayerImpl extends SpatialLayerImpl<CpSpatialLayer> implements RowSparseLayer {

    /**
     * Work arrays owned by this layer (DL4J layers are used by one thread at a time): the parameters as doubles, the
     * gradient accumulator, and the forward pass's s_k per row {@code [batch, K]} for the batch {@code forwardBatch}.
     */
    private double[] paramScratch;
    private double[] gradScratch;
    private double[] sumCache;
    private DiscretizedBatch forwardBatch;
    /** Row blocks (A, B, C, b) and the rows touched by the last row-sparse backward pass (null until the first). */
    private List<RowBlock> blocks;
    private TouchedRows touched;
    /** The gradient view that is zero except the rows recorded in {@link #touched}, or null. */
    private INDArray cleanView;
    /** True while {@link #gradScratch} is all zero (a row-sparse pass zeroes the rows it used). */
    private boolean scratchClean;
    private boolean sparseArmed;
    private boolean lastSparse;

    /** Called by {@link CpSpatialLayer#instantiate}. */
    public CpSpatialLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The layer's parameters (A, B, C, b in the flat order of {@link CpSpatialParamInitializer}) as doubles. */
    private double[] readParams() {
        int n = (int) paramsFlattened.length();
        if (paramScratch == null || paramScratch.length != n) {
            paramScratch = new double[n];
        }
        FlatBuffer.of(paramsFlattened).get(0, paramScratch);
        return paramScratch;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        CpLayerSpec s = layerConf().spec();
        DiscretizedBatch batch = batch(true);
        int k = s.rank();
        long[] o = CpSpatialParamInitializer.offsets(s);
        int offA = (int) o[0];
        int offB = (int) o[1];
        int offC = (int) o[2];
        int offBias = (int) o[3];
        int constRow = offC + s.spatial().constantCell() * k;
        double[] p = readParams();
        double[] z = new double[batch.size];
        if (sumCache == null || sumCache.length < batch.size * k) {
            sumCache = new double[batch.size * k];
        }
        double[] sk = new double[k];
        for (int r = 0; r < batch.size; r++) {
            int a = batch.task[r];
            double sum = p[offBias + a];
            int b = batch.courtCell[r];
            if (b >= 0) {
                defenderSums(p, batch, r, k, offC, constRow, sk);
                System.arraycopy(sk, 0, sumCache, r * k, k);
                int rowA = offA + a * k;
                int rowB = offB + b * k;
                for (int j = 0; j < k; j++) {
                    sum += p[rowA + j] * p[rowB + j] * sk[j];
                }
            }
            z[r] = sum;
        }
        forwardBatch = batch;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {batch.size, 1}, 'c');
        FlatBuffer.of(out).set(0, z);
        return out;
    }

    /** {@code sk[j] = C[C_const, j] + Σ_defenders C[c, j]} for row r. */
    private static void defenderSums(double[] p, DiscretizedBatch batch, int r, int k, int offC, int constRow,
            double[] sk) {
        System.arraycopy(p, constRow, sk, 0, k);
        for (int d = 0; d < batch.contextPoints; d++) {
            int c = batch.defenderCell[r * batch.contextPoints + d];
            if (c >= 0) {
                int rowC = offC + c * k;
                for (int j = 0; j < k; j++) {
                    sk[j] += p[rowC + j];
                }
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The gradients are accumulated in a double array. Dense (default): then written over the whole gradient view
     * (A, B, C and b together), because DL4J's updater rewrites the whole view in place every step. Row-sparse (after
     * {@link #armSparseBackward()}): only the touched rows are written and recorded, the rows of the previous
     * row-sparse pass zeroed; see {@link RowSparseLayer}.
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        CpLayerSpec s = layerConf().spec();
        DiscretizedBatch batch = batch(false);
        int k = s.rank();
        long[] o = CpSpatialParamInitializer.offsets(s);
        int offA = (int) o[0];
        int offB = (int) o[1];
        int offC = (int) o[2];
        int offBias = (int) o[3];
        int constRow = offC + s.spatial().constantCell() * k;
        // The forward pass on this input left the parameters it used and each row's s_k in the work arrays.
        boolean cached = batch == forwardBatch;
        double[] p = cached ? paramScratch : readParams();
        boolean sparse = sparseArmed;
        sparseArmed = false;
        if (gradScratch == null || gradScratch.length != p.length) {
            gradScratch = new double[p.length];
            scratchClean = true;
        }
        double[] g = gradScratch;
        if (!(sparse && scratchClean)) {
            Arrays.fill(g, 0);
        }
        TouchedRows t = touched();
        FlatBuffer view = FlatBuffer.of(gradientsFlattened);
        if (sparse && cleanView == gradientsFlattened) {
            t.zeroAndClear(view);
        } else {
            if (sparse) {
                gradientsFlattened.assign(0);
            }
            t.clear();
        }
        int constC = s.spatial().constantCell();
        double[] eps = new double[batch.size];
        FlatBuffer.of(epsilon.ordering() == 'c' && epsilon.elementWiseStride() == 1
                && (epsilon.dataType() == DataType.FLOAT || epsilon.dataType() == DataType.DOUBLE)
                ? epsilon : epsilon.castTo(DataType.DOUBLE).dup('c')).get(0, eps);
        double[] sk = new double[k];
        for (int r = 0; r < batch.size; r++) {
            int a = batch.task[r];
            double e = eps[r];
            g[offBias + a] += e;
            int b = batch.courtCell[r];
            if (sparse) {
                t.touch(3, a);
            }
            if (b < 0) {
                continue;
            }
            if (sparse) {
                t.touch(0, a);
                t.touch(1, b);
                t.touch(2, constC);
            }
            if (cached) {
                System.arraycopy(sumCache, r * k, sk, 0, k);
            } else {
                defenderSums(p, batch, r, k, offC, constRow, sk);
            }
            int rowA = offA + a * k;
            int rowB = offB + b * k;
            for (int j = 0; j < k; j++) {
                double aj = p[rowA + j];
                double bj = p[rowB + j];
                g[rowA + j] += e * bj * sk[j];
                g[rowB + j] += e * aj * sk[j];
                sk[j] = e * aj * bj; // now the gradient of every φ-weighted C entry of component j
            }
            for (int j = 0; j < k; j++) {
                g[constRow + j] += sk[j];
            }
            for (int d = 0; d < batch.contextPoints; d++) {
                int c = batch.defenderCell[r * batch.contextPoints + d];
                if (c >= 0) {
                    if (sparse) {
                        t.touch(2, c);
                    }
                    int rowC = offC + c * k;
                    for (int j = 0; j < k; j++) {
                        g[rowC + j] += sk[j];
                    }
                }
            }
        }
        if (sparse) {
            // copy the touched rows into the (clean) view and leave the scratch array all zero again
            for (int blk = 0; blk < 4; blk++) {
                RowBlock rb = t.blocks().get(blk);
                int len = rb.rowLength();
                for (int i = 0; i < t.count(blk); i++) {
                    int from = (int) (rb.offset() + (long) t.row(blk, i) * len);
                    for (int j = 0; j < len; j++) {
                        view.set(from + j, g[from + j]);
                        g[from + j] = 0;
                    }
                }
            }
            scratchClean = true;
            cleanView = gradientsFlattened;
        } else {
            view.set(0, g);
            scratchClean = false;
            cleanView = null;
        }
        lastSparse = sparse;
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : new String[] {CpSpatialParamInitializer.TASK_KEY, CpSpatialParamInitializer.COURT_KEY,
                CpSpatialParamInitializer.DEFENDER_KEY, CpSpatialParamInitializer.BIAS_KEY}) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        INDArray epsOut = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        return new Pair<>(gradient, epsOut);
    }

    @Override
    public List<RowBlock> rowBlocks() {
        if (blocks == null) {
            CpLayerSpec s = layerConf().spec();
            long[] o = CpSpatialParamInitializer.offsets(s);
            int k = s.rank();
            blocks = List.of(new RowBlock(CpSpatialParamInitializer.TASK_KEY, o[0], s.tasks(), k, true),
                    new RowBlock(CpSpatialParamInitializer.COURT_KEY, o[1], s.court().cellCount(), k, true),
                    new RowBlock(CpSpatialParamInitializer.DEFENDER_KEY, o[2], s.spatial().defenderModeSize(), k, true),
                    new RowBlock(CpSpatialParamInitializer.BIAS_KEY, o[3], s.tasks(), 1, false));
        }
        return blocks;
    }

    private TouchedRows touched() {
        if (touched == null) {
            touched = new TouchedRows(rowBlocks());
        }
        return touched;
    }

    @Override
    public void armSparseBackward() {
        sparseArmed = true;
    }

    @Override
    public TouchedRows touchedRows() {
        return lastSparse ? touched : null;
    }
}
