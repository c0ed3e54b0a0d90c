package io.github.finegrain.tuning;

import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;

/**
 * Ends an Arbiter run when its {@link BoundedCandidateGenerator} has no more candidates and no candidate is still
 * queued or running. (The runner checks termination after it has processed the completed candidates of a poll.)
 */
final class SearchExhausted implements TerminationCondition {
    private final BoundedCandidateGenerator generator;

    SearchExhausted(BoundedCandidateGenerator generator) {
        this.generator = generator;
    }

    @Override
    public void initialize(IOptimizationRunner runner) {
        // nothing to start
    }

    @Override
    public boolean terminate(IOptimizationRunner runner) {
        return !generator.hasMoreCandidates() && runner.numCandidatesQueued() == 0;
    }

    @Override
    public String toString() {
        return "SearchExhausted(" + generator.generated() + " candidates generated)";
    }
}
