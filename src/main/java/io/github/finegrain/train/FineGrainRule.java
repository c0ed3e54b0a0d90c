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

    /**
     * The rule's state after the last {@link #observe}, for a mid-stage checkpoint: named numbers (integers exactly
     * representable), NaN for "none yet"; empty for a stateless rule. A fresh rule given this map by
     * {@link #restore} decides the rest of the stage as this one would.
     */
    default java.util.Map<String, Double> state() {
        return java.util.Map.of();
    }

    /**
     * Restores a state written by {@link #state()} into a fresh rule.
     *
     * @throws IllegalArgumentException if a field the rule keeps is missing, or a name is not one of its fields
     */
    default void restore(java.util.Map<String, Double> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException("this rule keeps no state, found fields " + state.keySet());
        }
    }
}
