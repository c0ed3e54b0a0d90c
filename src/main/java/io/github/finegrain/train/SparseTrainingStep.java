package io.github.finegrain.train;

import io.github.finegrain.model.FlatBuffer;
import io.github.finegrain.model.RowBlock;
import io.github.finegrain.model.RowSparseLayer;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.TouchedRows;
import io.github.finegrain.optim.OptimizerState;
import io.github.finegrain.optim.SparseOptimizer;
import io.github.finegrain.optim.StateFineGraining;
import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * finegrain's row-sparse training step: one minibatch costs what it touches, not the size of F.
 *
 * <p>For a network [spatial layer → output layer] (as built by {@code model.SpatialNetworks}), {@link #fit} runs
 * DL4J's own layers: the spatial layer's forward pass, the output layer's score and backward pass, and the spatial
 * layer's backward pass armed row-sparse ({@link RowSparseLayer}: it zeroes and writes only the rows of this and the
 * previous minibatch and records them); then {@link OptimizerState#apply} updates those rows alone. No step passes
 * over the whole parameter array, gradient view or optimizer state. It fires the network's training listeners as
 * {@code net.fit} does, in the same order: {@code onForwardPass} (activations [input, logits, probabilities]),
 * {@code onBackwardPass}, {@code onGradientCalculation} (the gradient view holds the raw gradient, sums over the
 * minibatch, as in DL4J), {@code iterationDone}; then the network's iteration count is incremented.
 *
 * <p>The score set on the network ({@code net.score()}) is the output layer's mean loss plus
 * {@code l2 / 2 · Σ w²} over the spatial weights, as DL4J's; Σ w² is computed once when the step is made and then
 * updated with the touched rows' changes. The network's own DL4J updater and regularization settings are not used
 * (they still apply when {@code net.fit} is called); only the {@link SparseOptimizer}'s. Not supported (rejected by
 * {@link #of}): a spatial smoothness penalty (a dense Laplacian term), gradient normalization, dropout and weight
 * noise on the spatial layer, other layers with parameters.
 *
 * <p>Swaps: {@link #fineGrained} carries the optimizer state with {@link StateFineGraining}; {@link #handedOff} starts
 * a fresh state (the CP parameters are re-estimated by CP-ALS, so no moment of F maps onto them).
 */
public final class SparseTrainingStep implements TrainingStep {
    private final MultiLayerNetwork net;
    private final Layer spatial;
    private final RowSparseLayer rowLayer;
    private final IOutputLayer output;
    private final OptimizerState state;
    private final LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    private double weightSquares;

    private SparseTrainingStep(MultiLayerNetwork net, OptimizerState state) {
        this.net = net;
        this.spatial = net.getLayer(0);
        this.rowLayer = (RowSparseLayer) spatial;
        this.output = (IOutputLayer) net.getLayer(1);
        this.state = state;
        if (net.getGradientsViewArray() == null) {
            net.initGradientsView();
        }
        if (state.config().l2() > 0) {
            for (RowBlock b : rowLayer.rowBlocks()) {
                if (b.weight()) {
                    double n = spatial.getParam(b.key()).norm2Number().doubleValue();
                    weightSquares += n * n;
                }
            }
        }
    }

    /**
     * A row-sparse step for {@code net} with a fresh state of {@code optimizer}.
     *
     * @param net       an initialized network [spatial layer → output layer], e.g. {@code SpatialNetworks.network};
     *                  trained in place by {@link #fit}
     * @param optimizer the optimizer (its L2 replaces the network's for this step)
     * @throws IllegalArgumentException if the network is not of that form or uses a setting the step does not support
     *                                  (see the class comment)
     */
    public static SparseTrainingStep of(MultiLayerNetwork net, SparseOptimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException("an optimizer is required");
        }
        check(net);
        return new SparseTrainingStep(net, OptimizerState.fresh(optimizer, ((RowSparseLayer) net.getLayer(0))
                .rowBlocks(), net.params().dataType()));
    }

    /**
     * A row-sparse step for {@code net} continuing from {@code state} (e.g. read back with {@link OptimizerState#read}).
     *
     * @throws IllegalArgumentException as {@link #of(MultiLayerNetwork, SparseOptimizer)}, or if the state is for
     *                                  other row blocks or another data type
     */
    public static SparseTrainingStep resume(MultiLayerNetwork net, OptimizerState state) {
        check(net);
        List<RowBlock> blocks = ((RowSparseLayer) net.getLayer(0)).rowBlocks();
        if (!state.blocks().equals(blocks) || state.dataType() != net.params().dataType()) {
            throw new IllegalArgumentException("optimizer state for " + state.blocks() + " (" + state.dataType()
                    + ") does not fit the network's layer " + blocks + " (" + net.params().dataType() + ")");
        }
        return new SparseTrainingStep(net, state);
    }

    private static void check(MultiLayerNetwork net) {
        if (net == null) {
            throw new IllegalArgumentException("a network is required");
        }
        if (net.getnLayers() != 2 || !(net.getLayer(0) instanceof RowSparseLayer)
                || !(net.getLayer(1) instanceof IOutputLayer) || net.getLayer(1).numParams() != 0) {
            throw new IllegalArgumentException("the row-sparse step needs a network [spatial layer -> parameterless "
                    + "output layer], found " + net.getnLayers() + " layers: " + net.getLayerWiseConfigurations()
                    .getConfs().stream().map(c -> c.getLayer().getClass().getSimpleName()).toList());
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayerWiseConfigurations().getConf(0).getLayer();
        if (conf instanceof SpatialLayerConf s && !s.smoothness().isOff()) {
            throw new IllegalArgumentException("the row-sparse step does not apply the spatial smoothness penalty "
                    + "(a dense term over the grid): use TrainingStep.dense or SpatialSmoothness.NONE");
        }
        BaseLayer base = (BaseLayer) conf;
        if (base.getGradientNormalization() != null && base.getGradientNormalization() != GradientNormalization.None) {
            throw new IllegalArgumentException("the row-sparse step does not support gradient normalization, found "
                    + base.getGradientNormalization());
        }
        if (base.getIDropout() != null || base.getWeightNoise() != null) {
            throw new IllegalArgumentException("the row-sparse step does not support dropout or weight noise on the "
                    + "spatial layer");
        }
        if (net.getLayerWiseConfigurations().getConf(1).getLayer().getIDropout() != null) {
            throw new IllegalArgumentException("the row-sparse step does not support dropout on the output layer");
        }
    }

    @Override
    public MultiLayerNetwork network() {
        return net;
    }

    /** The optimizer. */
    public SparseOptimizer optimizer() {
        return state.config();
    }

    /** The optimizer state (live: changed by {@link #fit}); write it with {@link OptimizerState#write}. */
    public OptimizerState state() {
        return state;
    }

    /**
     * Trains the network on one minibatch (see the class comment).
     *
     * @param batch features {@code [rows, InputRow.WIDTH]}, labels {@code [rows, 1]}; not modified; cast to the
     *              network's data type if needed
     * @throws IllegalArgumentException if the batch is empty
     */
    @Override
    public void fit(DataSet batch) {
        DataType type = net.params().dataType();
        INDArray x = batch.getFeatures();
        INDArray y = batch.getLabels();
        if (x == null || y == null || x.size(0) == 0) {
            throw new IllegalArgumentException("a minibatch needs features and labels with at least one row");
        }
        if (x.dataType() != type) {
            x = x.castTo(type);
        }
        if (y.dataType() != type) {
            y = y.castTo(type);
        }
        int n = (int) x.size(0);
        net.setInput(x);
        net.setLabels(y);
        spatial.setInputMiniBatchSize(n);
        output.setInputMiniBatchSize(n);
        spatial.setInput(x, mgr);
        INDArray z = spatial.activate(true, mgr);
        output.setInput(z, mgr);
        output.setLabels(y);
        Collection<TrainingListener> listeners = net.getListeners();
        if (listeners != null && !listeners.isEmpty()) {
            INDArray p = output.activate(true, mgr);
            List<INDArray> activations = List.of(x, z, p);
            for (TrainingListener l : listeners) {
                l.onForwardPass(net, activations);
            }
        }
        double loss = output.computeScore(0.0, true, mgr);
        Pair<Gradient, INDArray> outGrad = output.backpropGradient(null, mgr);
        rowLayer.armSparseBackward();
        Pair<Gradient, INDArray> g = spatial.backpropGradient(outGrad.getSecond(), mgr);
        Gradient netGradient = new DefaultGradient(net.getGradientsViewArray());
        for (var e : g.getFirst().gradientForVariable().entrySet()) {
            netGradient.setGradientFor("0_" + e.getKey(), e.getValue());
        }
        net.setGradient(netGradient);
        double l2 = state.config().l2();
        net.setScore(loss + 0.5 * l2 * weightSquares);
        if (listeners != null) {
            for (TrainingListener l : listeners) {
                l.onBackwardPass(net);
            }
            for (TrainingListener l : listeners) {
                l.onGradientCalculation(net);
            }
        }
        TouchedRows touched = rowLayer.touchedRows();
        double delta = state.apply(touched, FlatBuffer.of(spatial.params()),
                FlatBuffer.of(spatial.getGradientsViewArray()), n);
        if (l2 > 0) {
            weightSquares = Math.max(0, weightSquares + delta);
        }
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        if (listeners != null) {
            for (TrainingListener l : listeners) {
                l.iterationDone(net, iteration, epoch);
            }
        }
        net.setIterationCount(iteration + 1);
    }

    /**
     * The step for the fine-grained network, with this step's optimizer state fine-grained as
     * {@link StateFineGraining} describes (moments with the parameters' weights, step counts carried), at the
     * learning rate of {@code finer}'s spatial layer updater when it has one (the trainer's learning-rate decay sets it
     * with {@code net.setLearningRate}), otherwise this step's.
     *
     * @throws IllegalArgumentException if {@code finer}'s spatial layer is not of the same kind, tasks and rank
     */
    @Override
    public SparseTrainingStep fineGrained(MultiLayerNetwork finer) {
        check(finer);
        SpatialLayerConf from = (SpatialLayerConf) net.getLayerWiseConfigurations().getConf(0).getLayer();
        SpatialLayerConf to = (SpatialLayerConf) finer.getLayerWiseConfigurations().getConf(0).getLayer();
        OptimizerState fine = StateFineGraining.fineGrain(state, from, to,
                ((RowSparseLayer) finer.getLayer(0)).rowBlocks());
        double lr = updaterLearningRate(finer);
        if (lr > 0 && lr != fine.config().learningRate()) {
            fine = fine.withLearningRate(lr);
        }
        return new SparseTrainingStep(finer, fine);
    }

    /** The learning rate of the network's spatial layer updater, or 0 when it has none. */
    private static double updaterLearningRate(MultiLayerNetwork net) {
        org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayerWiseConfigurations().getConf(0).getLayer();
        if (conf instanceof BaseLayer base) {
            IUpdater u = base.getIUpdater();
            if (u != null && u.hasLearningRate()) {
                return u.getLearningRate(0, 0);
            }
        }
        return 0;
    }

    /**
     * The step for the CP network of the hand-off: a <b>fresh</b> state (no moments, step counts 0) of the same
     * optimizer, with the learning rate of {@code cp}'s spatial layer updater when it has one (the trainer sets the CP
     * learning rate with {@code net.setLearningRate}), otherwise this step's.
     */
    @Override
    public SparseTrainingStep handedOff(MultiLayerNetwork cp) {
        SparseOptimizer o = state.config();
        double lr = updaterLearningRate(cp);
        if (lr > 0) {
            o = o.withLearningRate(lr);
        }
        return handedOff(cp, o);
    }

    /** The step for the CP network of the hand-off with a fresh state of {@code optimizer}. */
    public SparseTrainingStep handedOff(MultiLayerNetwork cp, SparseOptimizer optimizer) {
        return of(cp, optimizer);
    }
}
