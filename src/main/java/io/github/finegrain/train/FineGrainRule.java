package io.github.finegrain.train;

/**
 * Decides when a stage ends (condition (5) of the paper and its baselines). A rule is a small stateful strategy,
 * made fresh for every stage by a {@link FineGrainRules.Criterion}; the trainer calls {@link #observe} once per
 * minibatch, in order, and ends the stage the first time it returns true.
 */
public interface FineGrainRule {
    /**
     * Observes one minibatch.
     *
     * @return true if the stage should end at this minibatch (fine-grain, hand off, or stop at the last stage)
     */
    boolean observe(StageObservation o);
}
