package io.github.finegrain.spark;

import io.github.finegrain.model.RowBlock;
import io.github.finegrain.model.RowSparseLayer;
import io.github.finegrain.optim.OptimizerState;
import io.github.finegrain.optim.SparseOptimizer;
import io.github.finegrain.train.SparseTrainingStep;
import io.github.finegrain.train.TrainingSteps;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link ParameterAveragingTrainingMaster} whose workers train with finegrain's row-sparse step
 * ({@link SparseTrainingStep}: lazy Adam or Adagrad on the rows a minibatch touches) instead of {@code net.fit}. All
 * else is DL4J's: the broadcast of parameters and updater state, the workers' partitions, the tree aggregation and the
 * averaging of parameters and updater state on the driver.
 *
 * <p><b>Averaging.</b> DL4J's: every parameter and moment is averaged over all workers of the round, so a row that
 * one worker of W touched moves by 1/W of that worker's change. Averaging each row over only the workers that touched
 * it (what gradient sharing would give rare rows) was tried and measured worse on planted data: see the README's
 * Spark section.
 *
 * <p><b>Optimizer state.</b> The row-sparse state runs on slices of the worker network's DL4J updater state view
 * (Adam's {@code M} and {@code V}, AdaGrad's {@code grad}, whose layouts are the row blocks' ones), so it is
 * broadcast and averaged like DL4J's own updater state. Lazy Adam's per-row step count (its bias
 * correction) is not part of DL4J's state: on a worker, a row whose second moment is still 0 starts at step 0
 * (exact: no minibatch touched it), any other row at the network's iteration count, the minibatches each worker has
 * trained in this stage ({@code averagingFrequency} per round), as in DL4J's dense Adam, which counts steps per
 * network, not per row.
 *
 * <p>The network must be one {@link SparseTrainingStep} accepts ([spatial layer → output layer], no smoothness
 * penalty); its DL4J updater must be the dense equivalent of the optimizer
 * ({@link io.github.finegrain.train.MultiResolutionOptions#updater()}: Adam for {@code lazy-adam}, AdaGrad for
 * {@code adagrad}), whose learning rate the step uses, and the master must save the updater
 * ({@code saveUpdater(true)}).
 */
public class RowSparseTrainingMaster extends ParameterAveragingTrainingMaster {
    private static final long serialVersionUID = 1L;
    private final String optimizer;
    private final double l2;

    /**
     * @param builder   DL4J's settings (workers, batch size, averaging frequency, …); {@code saveUpdater} must be on
     * @param optimizer {@code lazy-adam} or {@code adagrad}
     * @param l2        L2 coefficient on the touched weight rows
     * @throws IllegalArgumentException for another optimizer name or without {@code saveUpdater}
     */
    public RowSparseTrainingMaster(ParameterAveragingTrainingMaster.Builder builder, String optimizer, double l2) {
        super(builder);
        if (!optimizer.equals("lazy-adam") && !optimizer.equals("adagrad")) {
            throw new IllegalArgumentException("the row-sparse workers run lazy-adam or adagrad, found '" + optimizer
                    + "'");
        }
        if (!isSaveUpdater()) {
            throw new IllegalArgumentException("the row-sparse workers keep their moments in the updater state: "
                    + "build the master with saveUpdater(true)");
        }
        this.optimizer = optimizer;
        this.l2 = l2;
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkDl4jMultiLayer network) {
        return new Worker(super.getWorkerInstance(network), optimizer, l2);
    }

    /**
     * DL4J's worker with {@link #processMinibatch} running the row-sparse step; the initial model (from the
     * broadcast) and the final result (parameters, updater state, score) are DL4J's.
     */
    static final class Worker extends ParameterAveragingTrainingWorker {
        private static final long serialVersionUID = 1L;
        private final ParameterAveragingTrainingWorker dl4j;
        private final String optimizer;
        private final double l2;
        /** The step of this task's network (a task deserializes its own copy of the worker). */
        private transient SparseTrainingStep step;

        Worker(ParameterAveragingTrainingWorker dl4j, String optimizer, double l2) {
            super(null, true, dl4j.getDataConfiguration(), null, null, null);
            this.dl4j = dl4j;
            this.optimizer = optimizer;
            this.l2 = l2;
        }

        @Override
        public MultiLayerNetwork getInitialModel() {
            step = null;
            return dl4j.getInitialModel();
        }

        @Override
        public ParameterAveragingTrainingResult processMinibatch(DataSet dataSet, MultiLayerNetwork network,
                boolean isLast) {
            if (step == null || step.network() != network) {
                step = SparseTrainingStep.resume(network, state(network, SparseOptimizer.named(optimizer,
                        TrainingSteps.learningRate(network), l2)));
            }
            step.fit((org.nd4j.linalg.dataset.DataSet) dataSet);
            return isLast ? getFinalResult(network) : null;
        }
    }

    /**
     * The row-sparse state of {@code optimizer} over the network's DL4J updater state: per row block of the spatial
     * layer (layer 0), the slices of the updater block that holds its parameter.
     *
     * @throws IllegalStateException if the network's updater keeps no such state (another updater than the
     *                               optimizer's dense equivalent)
     */
    static OptimizerState state(MultiLayerNetwork net, SparseOptimizer optimizer) {
        Layer spatial = net.getLayer(0);
        List<RowBlock> blocks = ((RowSparseLayer) spatial).rowBlocks();
        boolean adam = optimizer.kind() == SparseOptimizer.Kind.LAZY_ADAM;
        boolean squares = adam || optimizer.kind() == SparseOptimizer.Kind.ADAGRAD;
        INDArray[] m = new INDArray[blocks.size()];
        INDArray[] v = new INDArray[blocks.size()];
        int[][] steps = new int[blocks.size()][];
        int t = Math.max(1, net.getIterationCount());
        for (int k = 0; k < blocks.size(); k++) {
            RowBlock b = blocks.get(k);
            if (adam) {
                m[k] = UpdaterStates.get(net, spatial, b.key(), "M");
                v[k] = UpdaterStates.get(net, spatial, b.key(), "V");
                steps[k] = new int[b.rows()];
                // a row whose second moment is 0 was never touched; any other row gets the network's count
                INDArray rowMax = v[k].reshape(b.rows(), b.rowLength()).amax(1);
                double[] touched = rowMax.toDoubleVector();
                for (int r = 0; r < b.rows(); r++) {
                    steps[k][r] = touched[r] > 0 ? t : 0;
                }
            } else if (squares) {
                v[k] = UpdaterStates.get(net, spatial, b.key(), "grad");
            }
        }
        return OptimizerState.wrap(optimizer, blocks, m, v, steps);
    }

    /**
     * Copies {@code state}'s moments into {@code net}'s DL4J updater state (the arrays {@link #state} runs on), e.g.
     * the moments a fine-graining carried to the finer grid, before the network's first round.
     *
     * @throws IllegalArgumentException if the state is for other row blocks than the network's spatial layer
     * @throws IllegalStateException    if the network's updater keeps no such state
     */
    static void store(MultiLayerNetwork net, OptimizerState state) {
        Layer spatial = net.getLayer(0);
        List<RowBlock> blocks = ((RowSparseLayer) spatial).rowBlocks();
        if (!blocks.equals(state.blocks())) {
            throw new IllegalArgumentException("a state for " + state.blocks() + " does not fit " + blocks);
        }
        boolean adam = state.config().kind() == SparseOptimizer.Kind.LAZY_ADAM;
        for (int k = 0; k < blocks.size(); k++) {
            String key = blocks.get(k).key();
            if (adam) {
                INDArray m = UpdaterStates.get(net, spatial, key, "M");
                m.assign(Nd4j.createFromArray(state.firstMoment(k)).castTo(m.dataType()));
            }
            double[] v = state.secondMoment(k);
            if (v != null) {
                INDArray target = UpdaterStates.get(net, spatial, key, adam ? "V" : "grad");
                target.assign(Nd4j.createFromArray(v).castTo(target.dataType()));
            }
        }
    }
}
