package io.github.finegrain.train;

import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Where the multi-resolution trainer gets its {@link TrainingStep}s: a factory chosen by the options' optimizer
 * name. The trainer calls the factory once, for the network of the run's first stage (or of a resumed checkpoint),
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
     * <li>{@code lazy-adam}, {@code adagrad}: the row-sparse steps (moments per touched row); this is their hook —
     * until they are plugged in here the factory throws.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for a name outside {@link MultiResolutionOptions#OPTIMIZERS}
     * @throws UnsupportedOperationException for a row-sparse optimizer this build does not implement yet
     */
    public static Function<MultiLayerNetwork, TrainingStep> forOptimizer(String optimizer) {
        return switch (optimizer) {
            case "adam", "sgd" -> TrainingStep::dense;
            case "lazy-adam", "adagrad" -> throw new UnsupportedOperationException("optimizer '" + optimizer
                    + "' (a row-sparse step) is not available in this build; use adam or sgd");
            default -> throw new IllegalArgumentException("optimizer must be one of "
                    + String.join(", ", MultiResolutionOptions.OPTIMIZERS) + ", found '" + optimizer + "'");
        };
    }
}
