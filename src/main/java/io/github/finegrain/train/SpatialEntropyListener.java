package io.github.finegrain.train;

import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.FlatBuffer;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.model.RowBlock;
import io.github.finegrain.model.RowSparseLayer;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.TouchedRows;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures the spatial entropy of the gradient over court cells at every minibatch (paper, Sec. 3.1). It measures
 * and keeps its last {@link EntropyReading}; it never changes training: the trainer reads the reading and decides
 * (see {@link FineGrainRule}).
 *
 * <p>Call order within one DL4J iteration: {@link #onForwardPass} (reads the input rows, logits and labels: court
 * cell and ∂L/∂z = sigmoid(z) − y of each row), then {@link #onGradientCalculation} (reads the raw data-loss
 * gradient of the court-mode parameter of layer 0, before the updater and before regularization; DL4J's gradients
 * are sums over the minibatch and are updated in place afterwards, so everything kept is copied).
 *
 * <p>Per minibatch: mass m_b = Σ over the other modes of |g| at court cell b. Window: the signed gradient is summed
 * over W minibatches, then m_b = Σ |Σ_window g|. The window restarts at {@link #reset} (every swap of layers).
 *
 * <p>When the spatial layer's last backward pass was row-sparse ({@link RowSparseLayer#touchedRows()}, e.g. under
 * {@link SparseTrainingStep}), both statistics are read from the touched rows of the court-mode parameter only (the
 * other entries of the gradient are zero), and the window keeps only the rows touched in it; the result is the same
 * as the dense reading. Otherwise the whole gradient is reduced. If the kind of reading changes within a window (a
 * dense {@code net.fit} between row-sparse steps), the window restarts.
 * Works on a {@link MultiLayerNetwork} whose layer 0 is a spatial layer.
 */
public final class SpatialEntropyListener extends BaseTrainingListener {
    /** Bins of the per-cell histogram statistic. */
    public static final int HISTOGRAM_BINS = 20;

    private final int window;
    private EntropyReading last;
    private INDArray windowSum;
    private int inWindow;
    private double[] windowCounts;
    private int[] rowCells = new int[0];
    private double[] rowDelta = new double[0];
    private int rows;
    private double rowLoss;
    /** Row-sparse window: court-mode row → signed gradient summed over the window; null while the window is dense. */
    private Map<Integer, double[]> sparseWindow;

    /**
     * @param window W, minibatches per window of the accumulated-gradient statistic (&ge; 1)
     */
    public SpatialEntropyListener(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1 minibatch, found " + window);
        }
        this.window = window;
    }

    /** Minibatches per window. */
    public int window() {
        return window;
    }

    /** The reading of the last minibatch, or null before the first. */
    public EntropyReading lastReading() {
        return last;
    }

    /** Forgets the window and the last reading (call after a swap of layers: the cells changed). */
    public void reset() {
        last = null;
        if (windowSum != null && windowSum.closeable()) {
            windowSum.close();
        }
        windowSum = null;
        inWindow = 0;
        windowCounts = null;
        sparseWindow = null;
        rows = 0;
    }

    private static SpatialLayerConf spatialConf(MultiLayerNetwork net) {
        if (!(net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof SpatialLayerConf c)) {
            throw new IllegalStateException("layer 0 is not a finegrain spatial layer");
        }
        return c;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        GridSpec court = spatialConf(net).spatialSpec().court();
        INDArray input = activations.get(0);
        INDArray logits = activations.get(1);
        INDArray labels = net.getLabels();
        rows = (int) input.size(0);
        double[] x = input.getColumn(InputRow.BALL_HANDLER_X).toDoubleVector();
        double[] y = input.getColumn(InputRow.BALL_HANDLER_Y).toDoubleVector();
        double[] z = logits.reshape(rows).toDoubleVector();
        double[] lab = labels == null ? new double[rows] : labels.reshape(rows).toDoubleVector();
        if (rowCells.length < rows) {
            rowCells = new int[rows];
            rowDelta = new double[rows];
        }
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            rowCells[r] = court.cellOf(x[r], y[r]);
            double p = 1 / (1 + Math.exp(-z[r]));
            rowDelta[r] = p - lab[r];
            double q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
            loss -= lab[r] * Math.log(q) + (1 - lab[r]) * Math.log(1 - q);
        }
        rowLoss = rows == 0 ? Double.NaN : loss / rows;
    }

    @Override
    public void onGradientCalculation(Model model) {
        long t0 = System.nanoTime();
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        SpatialLayerConf conf = spatialConf(net);
        int cells = conf.spatialSpec().court().cellCount();
        TouchedRows touched = net.getLayer(0) instanceof RowSparseLayer r ? r.touchedRows() : null;
        int block = touched == null ? -1 : touched.blockIndex(conf.courtModeParam());
        boolean sparse = block >= 0;
        if (inWindow > 0 && sparse != (sparseWindow != null)) {
            inWindow = 0; // the kind of reading changed: restart the window
            windowCounts = null;
        }
        double[] mass;
        INDArray g = null;
        if (sparse) {
            if (inWindow == 0 || sparseWindow == null) {
                sparseWindow = new HashMap<>();
            }
            mass = sparseMass(touched, block, FlatBuffer.of(net.getLayer(0).getGradientsViewArray()), cells);
        } else {
            sparseWindow = null;
            g = net.gradient().getGradientFor("0_" + conf.courtModeParam());
            mass = perCell(g, conf.courtAxis());
        }
        double s = SpatialEntropy.entropy(mass);
        double logCells = Math.log(Math.max(2, cells));

        if (sparse) {
            windowSum = null; // the rows were added to the row-sparse window by sparseMass
        } else if (inWindow == 0) {
            // one window buffer, reused while the parameter's shape stays (a finest full-rank F is 0.5 GB)
            if (windowSum == null || !java.util.Arrays.equals(windowSum.shape(), g.shape())
                    || windowSum.dataType() != g.dataType()) {
                windowSum = g.dup();
            } else {
                windowSum.assign(g);
            }
        } else {
            windowSum.addi(g);
        }
        if (windowCounts == null) {
            windowCounts = new double[cells];
        }
        for (int r = 0; r < rows; r++) {
            if (rowCells[r] >= 0) {
                windowCounts[rowCells[r]]++;
            }
        }
        inWindow++;
        boolean completed = inWindow == window;
        double sw = Double.NaN;
        double swPerExample = Double.NaN;
        if (completed) {
            double[] wm = sparse ? sparseWindowMass(cells) : perCell(windowSum, conf.courtAxis());
            sw = SpatialEntropy.entropy(wm);
            int seen = 0;
            for (int b = 0; b < cells; b++) {
                if (windowCounts[b] > 0) {
                    seen++;
                }
            }
            double[] perExample = new double[seen];
            int k = 0;
            for (int b = 0; b < cells; b++) {
                if (windowCounts[b] > 0) {
                    perExample[k++] = wm[b] / windowCounts[b];
                }
            }
            swPerExample = SpatialEntropy.normalizedEntropy(perExample);
            windowCounts = null;
            inWindow = 0;
        }
        double[] hist = perCellContributionStats(cells);
        last = new EntropyReading(net.getIterationCount(), rowLoss, s, s / logCells, completed, sw, sw / logCells,
                swPerExample, hist[0], hist[1], System.nanoTime() - t0);
    }

    /**
     * Per-cell mass of one minibatch from the touched rows of the court-mode block (rows of F are
     * {@code task * cells + cell}, rows of B are cells: the cell is {@code row % cells}); adds the rows to the window.
     */
    private double[] sparseMass(TouchedRows touched, int block, FlatBuffer view, int cells) {
        RowBlock b = touched.blocks().get(block);
        int len = b.rowLength();
        double[] mass = new double[cells];
        for (int i = 0; i < touched.count(block); i++) {
            int row = touched.row(block, i);
            int from = (int) (b.offset() + (long) row * len);
            double[] acc = sparseWindow.computeIfAbsent(row, r -> new double[len]);
            double m = 0;
            for (int j = 0; j < len; j++) {
                double v = view.get(from + j);
                m += Math.abs(v);
                acc[j] += v;
            }
            mass[row % cells] += m;
        }
        return mass;
    }

    /** Per-cell mass Σ |Σ_window g| of the row-sparse window. */
    private double[] sparseWindowMass(int cells) {
        double[] wm = new double[cells];
        for (Map.Entry<Integer, double[]> e : sparseWindow.entrySet()) {
            double m = 0;
            for (double v : e.getValue()) {
                m += Math.abs(v);
            }
            wm[e.getKey() % cells] += m;
        }
        return wm;
    }

    /** Mean over cells with rows of [histogram entropy, sign entropy] of ∂L/∂z. */
    private double[] perCellContributionStats(int cells) {
        int[] count = new int[cells];
        for (int r = 0; r < rows; r++) {
            if (rowCells[r] >= 0) {
                count[rowCells[r]]++;
            }
        }
        double[][] values = new double[cells][];
        int[] fill = new int[cells];
        for (int b = 0; b < cells; b++) {
            if (count[b] > 0) {
                values[b] = new double[count[b]];
            }
        }
        for (int r = 0; r < rows; r++) {
            int b = rowCells[r];
            if (b >= 0) {
                values[b][fill[b]++] = rowDelta[r];
            }
        }
        double h = 0;
        double sg = 0;
        int used = 0;
        for (int b = 0; b < cells; b++) {
            if (count[b] > 0) {
                h += SpatialEntropy.histogramEntropy(values[b], count[b], HISTOGRAM_BINS, -1, 1);
                sg += SpatialEntropy.signEntropy(values[b], count[b]);
                used++;
            }
        }
        return used == 0 ? new double[] {0, 0} : new double[] {h / used, sg / used};
    }

    /**
     * Sums the absolute values of a parameter-shaped array over every axis except {@code axis} (ND4J's norm1
     * reduction: no parameter-sized copy is made).
     */
    static double[] perCell(INDArray gradient, int axis) {
        int[] others = IntStream.range(0, gradient.rank()).filter(d -> d != axis).toArray();
        return gradient.norm1(others).toDoubleVector();
    }
}
