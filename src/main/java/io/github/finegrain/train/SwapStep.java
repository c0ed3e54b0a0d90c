package io.github.finegrain.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The move from one stage to the next (the paper's Algorithm 1 between stages): fine-graining to finer grids of the
 * same kind, or the CP hand-off (CP-ALS of F at the options' rank and seed), followed by a fine-graining when the
 * first CP stage sits at finer grids than the last full-rank one. The network the stage ended with is not modified
 * (the trainer may keep it as the run's best); the step of the next stage comes from the current step
 * ({@link TrainingStep#fineGrained}, {@link TrainingStep#handedOff}), so it can carry its optimizer state.
 * Public so that other stage loops (the Spark trainer of the {@code spark} build profile) swap with this same code.
 */
public final class SwapStep {
    /**
     * The next stage's step and, for a hand-off, the CP-ALS fit (else NaN).
     *
     * @param step       the next stage's training step (its network is the new network)
     * @param handOffFit CP-ALS fit of F, or NaN for a fine-graining
     */
    public record Swapped(TrainingStep step, double handOffFit) {
    }

    private final StageTransition transition;
    private final MultiResolutionOptions options;

    /** Swaps with {@code transition}, at the options' rank, seed and CP learning rate. */
    public SwapStep(StageTransition transition, MultiResolutionOptions options) {
        this.transition = transition;
        this.options = options;
    }

    /** The event name of the swap from {@code from} to {@code to}: {@code hand-off} or {@code fine-grain}. */
    public static String event(StageSpec from, StageSpec to) {
        return to.kind() != from.kind() ? "hand-off" : "fine-grain";
    }

    /** Moves {@code step}'s network from stage {@code from} to stage {@code to}. */
    public Swapped next(TrainingStep step, StageSpec from, StageSpec to) {
        MultiLayerNetwork net = step.network();
        net.setListeners();
        if (to.kind() == from.kind()) {
            MultiLayerNetwork finer = transition.fineGrain(net, to.court(), to.defenderBox());
            if (options.learningRateDecay() != 1) {
                // before the step is built: the row-sparse step reads its rate from the network
                finer.setLearningRate(TrainingSteps.learningRate(net) * options.learningRateDecay());
            }
            return new Swapped(step.fineGrained(finer), Double.NaN);
        }
        StageTransition.HandOff h = transition.handOff(net, options.rank(), options.seed());
        MultiLayerNetwork cp = h.network();
        cp.setLearningRate(options.cpLearningRate());
        TrainingStep next = step.handedOff(cp);
        if (!to.court().equals(from.court()) || !to.defenderBox().equals(from.defenderBox())) {
            next = next.fineGrained(transition.fineGrain(cp, to.court(), to.defenderBox()));
        }
        return new Swapped(next, h.fit());
    }
}
