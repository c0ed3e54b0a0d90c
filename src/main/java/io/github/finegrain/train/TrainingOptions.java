package io.github.finegrain.train;

import io.github.finegrain.model.ModelKind;
import io.github.finegrain.grid.GridSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Hyperparameters of single-resolution training, validated.
 *
 * @param court          court grid (default 8x10 over 40 × 50 ft)
 * @param defenderBox    defender grid (default 6x6 over the 12 × 12 ft box)
 * @param epochs         maximum passes over the training rows (default 40)
 * @param patience       stop after this many epochs without a better validation log loss (default 5)
 * @param batchSize      rows per minibatch (default: {@link MultiResolutionOptions#defaults()}'s)
 * @param optimizer      one of {@link MultiResolutionOptions#OPTIMIZERS} (default: as batchSize)
 * @param learningRate   step size (default: as batchSize)
 * @param l2             L2 coefficient on F on the mean log loss (bias excluded; default: as batchSize)
 * @param l2Prior        L2 on the summed log loss: the trainer adds {@code l2Prior / trainingRows} to {@code l2}
 *                       (see {@link MultiResolutionOptions#l2Prior()}; default: as batchSize)
 * @param positiveWeight weight of positive rows in the log loss (default 1)
 * @param seed           seed of shuffling and the network (default 12345)
 * @param dataType       network data type (default FLOAT)
 * @param minTaskExamples a player gets his own task only with at least this many training examples (default
 *                       1000); the others are scored on the league task (the measurements behind the default:
 *                       {@code src/site/notes/model-measurements.md})
 */
public record TrainingOptions(GridSpec court, GridSpec defenderBox, int epochs, int patience, int batchSize,
        String optimizer, double learningRate, double l2, double l2Prior, double positiveWeight, long seed, DataType dataType,
        int minTaskExamples) {

    /** Validates every field. */
    public TrainingOptions {
        if (court == null || defenderBox == null) {
            throw new IllegalArgumentException("court and defender grids are required");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, found " + epochs);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1, found " + patience);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, found " + batchSize);
        }
        if (!MultiResolutionOptions.OPTIMIZERS.contains(optimizer)) {
            throw new IllegalArgumentException("optimizer must be one of " + String.join(", ",
                    MultiResolutionOptions.OPTIMIZERS) + ", found '" + optimizer + "'");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, found " + learningRate);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0 and finite, found " + l2);
        }
        if (!(l2Prior >= 0) || Double.isInfinite(l2Prior)) {
            throw new IllegalArgumentException("l2 prior must be >= 0 and finite, found " + l2Prior);
        }
        if (!(positiveWeight > 0)) {
            throw new IllegalArgumentException("positive weight must be > 0, found " + positiveWeight);
        }
        if (minTaskExamples < 1) {
            throw new IllegalArgumentException("min task examples must be >= 1, found " + minTaskExamples);
        }
    }

    /**
     * The documented defaults: court 8x10, defender 6x6, 40 epochs, patience 5; the settings both trainers share
     * (batch, optimizer, learning rate, L2, positive weight, seed, data type, minimum task examples) are
     * {@link MultiResolutionOptions#defaults()}'s, the one place they are set.
     */
    public static TrainingOptions defaults() {
        MultiResolutionOptions m = MultiResolutionOptions.defaults();
        return new TrainingOptions(GridSpec.court(8, 10), GridSpec.defenderBox(6, 6), 40, 5, m.batchSize(),
                m.optimizer(), m.learningRate(), m.l2(), m.l2Prior(), m.positiveWeight(), m.seed(), m.dataType(),
                m.minTaskExamples());
    }

    /**
     * The hyperparameters a model bundle records ({@code trainingOptions} of the manifest), with the keys of
     * {@link MultiResolutionOptions#provenance()}; rank, delta, criterion, window, minSteps, plateauSteps, minImprovement and cpLearningRate are
     * null (one full-rank stage, ended by epochs and patience).
     */
    public java.util.Map<String, Object> provenance() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("rank", null);
        m.put("delta", null);
        m.put("criterion", null);
        m.put("window", null);
        m.put("minSteps", null);
        m.put("plateauSteps", null);
        m.put("minImprovement", null);
        m.put("optimizer", optimizer);
        m.put("learningRate", learningRate);
        m.put("cpLearningRate", null);
        m.put("learningRateDecay", null);
        m.put("l2", l2);
        m.put("l2Prior", l2Prior);
        m.put("batchSize", batchSize);
        m.put("ladder", java.util.List.of(new StageSpec(ModelKind.FULL_RANK, court, defenderBox).label()));
        m.put("seed", seed);
        return m;
    }

    /**
     * The DL4J updater configured on the network for {@link #optimizer} at {@link #learningRate} (Adam for
     * {@code lazy-adam}, AdaGrad for {@code adagrad}: the row-sparse steps read their learning rate from it).
     */
    public IUpdater updater() {
        return TrainingSteps.updater(optimizer, learningRate);
    }

    /** A copy with other grids. */
    public TrainingOptions withGrids(GridSpec c, GridSpec d) {
        return new TrainingOptions(c, d, epochs, patience, batchSize, optimizer, learningRate, l2, l2Prior, positiveWeight,
                seed, dataType, minTaskExamples);
    }
}
