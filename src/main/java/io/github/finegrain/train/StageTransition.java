package io.github.finegrain.train;

import io.github.finegrain.grid.GridSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * How the trainer moves a network from one stage to the next. Implementations build a new network and leave the
 * old one untouched.
 */
public interface StageTransition {
    /**
     * A fresh network for the first stage: a full-rank layer (F = 0) or a CP layer (random factors) at the stage's
     * grids, under the standard sigmoid/log-loss head.
     *
     * @param tasks    number of tasks
     * @param biasInit initial per-task bias (logit of the training positive rate)
     * @param rank     CP rank (ignored for full-rank)
     * @param options  updater, L2, seed, data type of the network
     */
    MultiLayerNetwork create(StageSpec stage, int tasks, double biasInit, int rank,
            io.github.finegrain.model.SpatialNetworks.Options options);

    /**
     * The same model at finer grids: fine-grained parameters (children inherit their parent's value), the same
     * layer and training configuration; the updater state restarts from zero.
     */
    MultiLayerNetwork fineGrain(MultiLayerNetwork from, GridSpec court, GridSpec defenderBox);

    /**
     * The CP network initialized by CP-ALS of a full-rank network's F at {@code rank} (the hand-off), at the same
     * grids.
     *
     * @return the network and the CP fit (1 − ‖F − F̂‖ / ‖F‖)
     */
    HandOff handOff(MultiLayerNetwork fullRank, int rank, long seed);

    /**
     * Result of a hand-off.
     *
     * @param network the CP network
     * @param fit     CP-ALS fit of F
     * @param seconds CP-ALS wall time
     */
    record HandOff(MultiLayerNetwork network, double fit, double seconds) {
    }
}
