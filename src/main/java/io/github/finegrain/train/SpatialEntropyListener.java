package io.github.finegrain.train;

import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.FlatBuffer;
import io.github.finegrain.model.InputLayout;
import io.github.finegrain.model.RowBlock;
import io.github.finegrain.model.RowSparseLayer;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.TouchedRows;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures the spatial entropy of the gradient over court cells at every minibatch (paper, Sec. 3.1). It measures
 * and keeps its last {@link EntropyReading} (and hands each one to the optional callback); it never changes training:
 * the trainer, or the user's own loop, reads the reading and decides (see {@link FineGrainRule}).
 *
 * <p>Call order within one DL4J iteration: {@link #onForwardPass} (reads the spatial layer's input rows and its
 * logits: the court cell and logit of each row), {@link #onBackwardPass} (reads the labels from the network's output
 * layer), then {@link #onGradientCalculation} (∂L/∂z = sigmoid(z) − y of each row, and the raw data-loss gradient of
 * the spatial layer's court-mode parameter, before the updater and before regularization; DL4J's gradients are sums
 * over the minibatch and are updated in place afterwards, so everything kept is copied).
 *
 * <p>Per minibatch: mass m_b = Σ over the other modes of |g| at court cell b. Window: the signed gradient is summed
 * over W minibatches, then m_b = Σ |Σ_window g|. The window restarts at {@link #reset} (every swap of layers).
 *
 * <p>When the spatial layer's last backward pass was row-sparse ({@link RowSparseLayer#touchedRows()}, e.g. under
 * {@link SparseTrainingStep}), both statistics are read from the touched rows of the court-mode parameter only (the
 * other entries of the gradient are zero), and the window keeps only the rows touched in it; the result is the same
 * as the dense reading. Otherwise the whole gradient is reduced. If the kind of reading changes within a window (a
 * dense {@code net.fit} between row-sparse steps), the window restarts.
 *
 * <p>Where it works: a {@link MultiLayerNetwork} or a {@link ComputationGraph} holding exactly one finegrain spatial
 * layer (found by type, at any position or vertex name) whose logits feed a sigmoid binary cross-entropy output
 * layer. The state of one minibatch (rows, cells, logits) is kept per thread between the two hooks, and the window
 * is updated under this listener's lock, so one instance may be shared by the worker threads of DL4J's
 * {@code ParallelWrapper} (their gradients then share one window). It is {@link Serializable} (e.g. to ship it to
 * Spark workers): the window size and the callback travel (the callback must itself be serializable, e.g. a lambda
 * cast to {@code Consumer<EntropyReading> & Serializable}); the window, the last reading and the per-thread state
 * do not, and restart empty.
 */
public final class SpatialEntropyListener extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Bins of the per-cell histogram statistic. */
    public static final int HISTOGRAM_BINS = 20;

    private final int window;
    private final Consumer<? super EntropyReading> onReading;
    private transient volatile EntropyReading last;
    /** Window state, guarded by {@code this}. */
    private transient INDArray windowSum;
    private transient int inWindow;
    private transient double[] windowCounts;
    /** Row-sparse window: court-mode row → signed gradient summed over the window; null while the window is dense. */
    private transient Map<Integer, double[]> sparseWindow;
    /** The forward pass's rows of the minibatch each thread is working on; created lazily (also after deserialization). */
    private transient ThreadLocal<Rows> rows;

    /** One thread's minibatch between {@link #onForwardPass} and {@link #onGradientCalculation}. */
    private static final class Rows {
        int count = -1;
        int[] cells = new int[0];
        double[] logits = new double[0];
        /** The labels read by {@link #onBackwardPass}, or null. */
        double[] labels;
    }

    /**
     * A listener without callback.
     *
     * @param window W, minibatches per window of the accumulated-gradient statistic (&ge; 1)
     * @throws IllegalArgumentException if {@code window < 1}
     */
    public SpatialEntropyListener(int window) {
        this(window, null);
    }

    /**
     * A listener that hands every reading to {@code onReading} (on the training thread, right after the reading is
     * made, outside the listener's lock).
     *
     * @param window    W, minibatches per window of the accumulated-gradient statistic (&ge; 1)
     * @param onReading called with each reading; null for none
     * @throws IllegalArgumentException if {@code window < 1}
     */
    public SpatialEntropyListener(int window, Consumer<? super EntropyReading> onReading) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1 minibatch, found " + window);
        }
        this.window = window;
        this.onReading = onReading;
    }

    /** Minibatches per window. */
    public int window() {
        return window;
    }

    /** The reading of the last minibatch (of any thread), or null before the first. */
    public EntropyReading lastReading() {
        return last;
    }

    /** Forgets the window and the last reading (call after a swap of layers: the cells changed). */
    public synchronized void reset() {
        last = null;
        if (windowSum != null && windowSum.closeable()) {
            windowSum.close();
        }
        windowSum = null;
        inWindow = 0;
        windowCounts = null;
        sparseWindow = null;
        if (rows != null) {
            rows.remove();
        }
    }

    private synchronized Rows threadRows() {
        if (rows == null) {
            rows = ThreadLocal.withInitial(Rows::new);
        }
        return rows.get();
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        Located at = locate(model);
        // activations.get(0) is the network input; layer i's output is activations.get(i + 1)
        readRows(at, activations.get(at.index), activations.get(at.index + 1));
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        Located at = locate(model);
        readRows(at, activations.get(at.inputName), activations.get(at.name));
    }

    private void readRows(Located at, INDArray input, INDArray logits) {
        InputLayout layout = at.conf.inputLayout();
        GridSpec court = at.conf.spatialSpec().court();
        int n = (int) input.size(0);
        double[] x = input.getColumn(layout.anchorX()).toDoubleVector();
        double[] y = input.getColumn(layout.anchorY()).toDoubleVector();
        double[] z = logits.reshape(n).toDoubleVector();
        Rows r = threadRows();
        if (r.cells.length < n) {
            r.cells = new int[n];
        }
        for (int i = 0; i < n; i++) {
            r.cells[i] = court.cellOf(x[i], y[i]);
        }
        r.logits = z;
        r.labels = null;
        r.count = n;
    }

    /**
     * Reads the minibatch's labels from the network's output layer (a ComputationGraph clears them before
     * {@link #onGradientCalculation}).
     */
    @Override
    public void onBackwardPass(Model model) {
        Rows r = threadRows();
        INDArray labels = locate(model).labels();
        if (r.count >= 0 && labels != null && labels.length() == r.count) {
            r.labels = labels.reshape(r.count).toDoubleVector();
        }
    }

    @Override
    public void onGradientCalculation(Model model) {
        long t0 = System.nanoTime();
        Located at = locate(model);
        Rows r = threadRows();
        if (r.count < 0) {
            throw new IllegalStateException("onGradientCalculation without onForwardPass on this thread");
        }
        int n = r.count;
        r.count = -1;
        double[] lab = r.labels;
        if (lab == null) {
            INDArray labels = at.labels();
            lab = labels == null || labels.length() != n ? new double[n] : labels.reshape(n).toDoubleVector();
        }
        double[] delta = new double[n];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double p = 1 / (1 + Math.exp(-r.logits[i]));
            delta[i] = p - lab[i];
            double q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
            loss -= lab[i] * Math.log(q) + (1 - lab[i]) * Math.log(1 - q);
        }
        double rowLoss = n == 0 ? Double.NaN : loss / n;

        SpatialLayerConf conf = at.conf;
        int cells = conf.spatialSpec().court().cellCount();
        TouchedRows touched = at.layer instanceof RowSparseLayer rs ? rs.touchedRows() : null;
        int block = touched == null ? -1 : touched.blockIndex(conf.courtModeParam());
        Sparse sparse = block < 0 ? null
                : new Sparse(touched, block, FlatBuffer.of(at.layer.getGradientsViewArray()));
        INDArray g = sparse == null ? model.gradient().getGradientFor(at.gradientKey()) : null;
        double[] mass = sparse == null ? perCell(g, conf.courtAxis()) : sparse.mass(cells);
        double s = SpatialEntropy.entropy(mass);
        double logCells = Math.log(Math.max(2, cells));
        double[] hist = perCellContributionStats(cells, r.cells, delta, n);
        EntropyReading reading;
        synchronized (this) {
            boolean completed = addToWindow(g, sparse, r.cells, n, cells);
            double sw = Double.NaN;
            double swPerExample = Double.NaN;
            if (completed) {
                double[] wm = sparseWindow != null ? sparseWindowMass(cells) : perCell(windowSum, conf.courtAxis());
                sw = SpatialEntropy.entropy(wm);
                swPerExample = SpatialEntropy.normalizedEntropy(perExampleMass(wm, windowCounts));
                windowCounts = null;
                inWindow = 0;
            }
            reading = new EntropyReading(model instanceof MultiLayerNetwork m ? m.getIterationCount()
                    : ((ComputationGraph) model).getIterationCount(), rowLoss, s, s / logCells, completed, sw,
                    sw / logCells, swPerExample, hist[0], hist[1], System.nanoTime() - t0);
            last = reading;
        }
        if (onReading != null) {
            onReading.accept(reading);
        }
    }

    /**
     * Adds one minibatch to the window (caller holds the lock); true when it completes the window. Exactly one of
     * {@code g} (dense) and {@code sparse} (the touched court-mode rows) is given.
     */
    private boolean addToWindow(INDArray g, Sparse sparse, int[] rowCells, int n, int cells) {
        if (inWindow > 0 && (sparse != null) != (sparseWindow != null)) {
            inWindow = 0; // the kind of reading changed: restart the window
            windowCounts = null;
        }
        if (sparse != null) {
            if (inWindow == 0 || sparseWindow == null) {
                sparseWindow = new HashMap<>();
            }
            sparse.addTo(sparseWindow);
        } else if (inWindow == 0) {
            sparseWindow = null;
            // one window buffer, reused while the parameter's shape stays (a finest full-rank F is 0.5 GB)
            if (windowSum == null || !Arrays.equals(windowSum.shape(), g.shape())
                    || windowSum.dataType() != g.dataType()) {
                windowSum = g.dup();
            } else {
                windowSum.assign(g);
            }
        } else {
            windowSum.addi(g);
        }
        if (windowCounts == null || windowCounts.length != cells) {
            windowCounts = new double[cells];
        }
        for (int i = 0; i < n; i++) {
            if (rowCells[i] >= 0) {
                windowCounts[rowCells[i]]++;
            }
        }
        inWindow++;
        return inWindow == window;
    }

    /** The row-sparse window's mass per court cell: Σ over its rows of |Σ_window g|. */
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

    /**
     * The touched rows of the court-mode parameter after a row-sparse backward pass (row {@code i} of the block holds
     * court cell {@code i % cells}: F[a, b, :] is row a·cells + b, B[b, :] is row b).
     */
    private record Sparse(TouchedRows touched, int block, FlatBuffer view) {
        /** Per-cell mass Σ|g| of this minibatch. */
        double[] mass(int cells) {
            RowBlock b = touched.blocks().get(block);
            int len = b.rowLength();
            double[] mass = new double[cells];
            for (int i = 0; i < touched.count(block); i++) {
                int row = touched.row(block, i);
                int from = (int) (b.offset() + (long) row * len);
                double m = 0;
                for (int j = 0; j < len; j++) {
                    m += Math.abs(view.get(from + j));
                }
                mass[row % cells] += m;
            }
            return mass;
        }

        /** Adds the signed rows to {@code window}. */
        void addTo(Map<Integer, double[]> window) {
            RowBlock b = touched.blocks().get(block);
            int len = b.rowLength();
            for (int i = 0; i < touched.count(block); i++) {
                int row = touched.row(block, i);
                int from = (int) (b.offset() + (long) row * len);
                double[] acc = window.computeIfAbsent(row, k -> new double[len]);
                for (int j = 0; j < len; j++) {
                    acc[j] += view.get(from + j);
                }
            }
        }
    }

    /** The window mass of each cell with examples divided by its example count. */
    private static double[] perExampleMass(double[] wm, double[] counts) {
        return IntStream.range(0, wm.length).filter(b -> counts[b] > 0).mapToDouble(b -> wm[b] / counts[b]).toArray();
    }

    /** Mean over cells with rows of [histogram entropy, sign entropy] of ∂L/∂z. */
    private static double[] perCellContributionStats(int cells, int[] rowCells, double[] rowDelta, int rows) {
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

    /**
     * Where the spatial layer sits in a network.
     *
     * @param layer     the spatial layer
     * @param conf      its configuration
     * @param index     its index (MultiLayerNetwork), -1 in a graph
     * @param name      its vertex name (graph), null in a MultiLayerNetwork
     * @param inputName the vertex feeding it (graph), null in a MultiLayerNetwork
     * @param output    the network's output layer (where the labels are)
     * @param labelsMln the network's labels (MultiLayerNetwork), null in a graph
     */
    private record Located(Layer layer, SpatialLayerConf conf, int index, String name, String inputName,
            Layer output, INDArray labelsMln) {
        /** Key of the court-mode parameter's gradient in the network's {@code Gradient}. */
        String gradientKey() {
            return (name == null ? Integer.toString(index) : name) + "_" + conf.courtModeParam();
        }

        INDArray labels() {
            if (labelsMln != null) {
                return labelsMln;
            }
            return output instanceof IOutputLayer o ? o.getLabels() : null;
        }
    }

    /**
     * Finds the one spatial layer of {@code model} by type.
     *
     * @throws IllegalStateException if the model is neither network kind, or holds no or several spatial layers
     */
    private static Located locate(Model model) {
        Located found = null;
        if (model instanceof MultiLayerNetwork net) {
            Layer[] layers = net.getLayers();
            for (int i = 0; i < layers.length; i++) {
                if (layers[i].conf().getLayer() instanceof SpatialLayerConf c) {
                    found = one(found, new Located(layers[i], c, i, null, null, net.getOutputLayer(), net.getLabels()));
                }
            }
        } else if (model instanceof ComputationGraph graph) {
            for (GraphVertex v : graph.getVertices()) {
                if (v.hasLayer() && v.getLayer().conf().getLayer() instanceof SpatialLayerConf c) {
                    String name = v.getVertexName();
                    String input = graph.getConfiguration().getVertexInputs().get(name).get(0);
                    found = one(found, new Located(v.getLayer(), c, -1, name, input, graph.getOutputLayer(0), null));
                }
            }
        } else {
            throw new IllegalStateException("SpatialEntropyListener needs a MultiLayerNetwork or ComputationGraph, found "
                    + (model == null ? "null" : model.getClass().getName()));
        }
        if (found == null) {
            throw new IllegalStateException("the network holds no finegrain spatial layer (FullRankSpatialLayer or "
                    + "CpSpatialLayer)");
        }
        return found;
    }

    private static Located one(Located found, Located next) {
        if (found != null) {
            throw new IllegalStateException("expected one finegrain spatial layer, found two: "
                    + (found.name == null ? "layer " + found.index : found.name) + " and "
                    + (next.name == null ? "layer " + next.index : next.name));
        }
        return next;
    }
}
