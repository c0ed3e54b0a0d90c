package io.github.finegrain.train;

import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Where the multi-resolution trainer gets its {@link TrainingStep}s: a factory chosen by the options' optimizer
 * name. The trainer calls the factory once, for the network of the run's first stage (or of a resumed checkpoint;
 * a checkpoint that holds a row-sparse optimizer state resumes with {@link SparseTrainingStep#resume} instead),
 * and afterwards asks the step itself at every swap ({@link TrainingStep#fineGrained}, {@link
 * TrainingStep#handedOff}), so a step can carry its optimizer state through the run. A user can plug in another
 * factory with {@code MultiResolutionTrainer.withSteps}.
 */
public final class TrainingSteps {
    private TrainingSteps() {
    }

    /**
     * The step factory for an optimizer of {@link MultiResolutionOptions#OPTIMIZERS}.
     *
     * <ul>
     * <li>{@code adam}, {@code sgd}: {@link TrainingStep#dense} (DL4J's {@code net.fit} with the network's updater,
     * {@link MultiResolutionOptions#updater()}).</li>
     * <li>{@code lazy-adam}, {@code adagrad}: {@link SparseTrainingStep} (only the rows a minibatch touches are
     * updated; per-row moments carried through fine-graining, fresh at the hand-off), with the learning rate of the
     * network's layer-0 updater (the trainer sets the CP learning rate on a CP network) and L2 {@code l2} on the
     * touched rows ({@link io.github.finegrain.optim.SparseOptimizer}).</li>
     * </ul>
     *
     * @param l2 L2 coefficient of the row-sparse steps (the dense steps use the network's own configuration)
     * @throws IllegalArgumentException for a name outside {@link MultiResolutionOptions#OPTIMIZERS}
     */
    public static Function<MultiLayerNetwork, TrainingStep> forOptimizer(String optimizer, double l2) {
        return switch (optimizer) {
            case "adam", "sgd" -> TrainingStep::dense;
            case "lazy-adam", "adagrad" -> net -> SparseTrainingStep.of(net,
                    io.github.finegrain.optim.SparseOptimizer.named(optimizer, learningRate(net), l2));
            default -> throw new IllegalArgumentException("optimizer must be one of "
                    + String.join(", ", MultiResolutionOptions.OPTIMIZERS) + ", found '" + optimizer + "'");
        };
    }

    /**
     * The learning rate of layer 0's DL4J updater (the value {@code net.setLearningRate} last set), which the
     * row-sparse steps use.
     *
     * @throws IllegalArgumentException if layer 0 has no updater with a learning rate
     */
    public static double learningRate(MultiLayerNetwork net) {
        org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayerWiseConfigurations().getConf(0).getLayer();
        if (!(conf instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) || base.getIUpdater() == null
                || !base.getIUpdater().hasLearningRate()) {
            throw new IllegalArgumentException("layer 0 has no updater with a learning rate: " + conf);
        }
        return base.getIUpdater().getLearningRate(net.getIterationCount(), net.getEpochCount());
    }

    /**
     * The DL4J updater configured on the network for {@code optimizer} at {@code learningRate}: Sgd for {@code sgd},
     * AdaGrad for {@code adagrad}, Adam for {@code adam} and {@code lazy-adam} (the row-sparse steps read their
     * learning rate from it, and a plain {@code net.fit} on such a network trains with the dense equivalent).
     */
    public static org.nd4j.linalg.learning.config.IUpdater updater(String optimizer, double learningRate) {
        return switch (optimizer) {
            case "sgd" -> new org.nd4j.linalg.learning.config.Sgd(learningRate);
            case "adagrad" -> new org.nd4j.linalg.learning.config.AdaGrad(learningRate);
            default -> new org.nd4j.linalg.learning.config.Adam(learningRate);
        };
    }
}
