package io.github.finegrain.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * How one minibatch changes a network: DL4J's own {@code net.fit} with the network's configured updater
 * ({@link #dense}), or finegrain's row-sparse step. The trainer owns one step object per stage and asks it for the
 * next stage's step at every swap, so an implementation can carry its optimizer state through a fine-graining.
 *
 * <p>An implementation fires the network's training listeners as {@code net.fit} does (forward pass, gradient
 * calculation, iteration done), so the {@link SpatialEntropyListener} reads every minibatch.
 */
public interface TrainingStep {
    /** The network this step trains (modified by {@link #fit}). */
    MultiLayerNetwork network();

    /**
     * Trains {@link #network()} on one minibatch.
     *
     * @param batch {@link io.github.finegrain.model.InputRow} features {@code [rows, InputRow.WIDTH]}, labels
     *              {@code [rows, 1]}; not modified
     */
    void fit(DataSet batch);

    /**
     * The step for {@code finer}, the fine-grained copy of {@link #network()} (same layer kind and tasks, finer
     * grids). The dense step starts a fresh updater state (DL4J's updater restarts).
     */
    TrainingStep fineGrained(MultiLayerNetwork finer);

    /** The step for {@code cp}, the CP network built by the hand-off from {@link #network()}; fresh state. */
    TrainingStep handedOff(MultiLayerNetwork cp);

    /** DL4J's own training step: {@code net.fit(batch)} with the network's updater (dense over all parameters). */
    static TrainingStep dense(MultiLayerNetwork net) {
        return new DenseStep(net);
    }

    /** {@link TrainingStep#dense}. */
    record DenseStep(MultiLayerNetwork network) implements TrainingStep {
        @Override
        public void fit(DataSet batch) {
            network.fit(batch);
        }

        @Override
        public TrainingStep fineGrained(MultiLayerNetwork finer) {
            return new DenseStep(finer);
        }

        @Override
        public TrainingStep handedOff(MultiLayerNetwork cp) {
            return new DenseStep(cp);
        }
    }
}
