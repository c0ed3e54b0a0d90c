package io.github.finegrain.tuning;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

/**
 * An Arbiter candidate generator (random or grid search) with two bounds Arbiter lacks.
 *
 * <ul>
 * <li><b>Generation failures.</b> When the space throws for a value vector, Arbiter's generators return a candidate
 *     carrying the exception; {@code BaseOptimizationRunner.execute} marks it failed and, since nothing was queued,
 *     asks for the next one at once, without checking its termination conditions. A space that can never generate
 *     (for example a custom space whose {@code numParameters()} is not the sum of its leaves) therefore loops
 *     forever, logging a stack trace per attempt. Here, after {@code maxConsecutiveFailures} failed generations in a
 *     row, {@link #getCandidate()} throws {@link CandidateGenerationException}, which ends
 *     {@code execute()} with a clear message.</li>
 * <li><b>Candidate count.</b> {@link #hasMoreCandidates()} turns false after {@code maxCandidates} generated
 *     candidates (or when the grid is exhausted); {@link SearchExhausted} then ends the run once the last candidate
 *     has been processed (Arbiter would otherwise poll forever when a grid has fewer points than its
 *     {@code MaxCandidatesCondition}).</li>
 * </ul>
 *
 * <p>Called from the runner's thread only.
 */
@SuppressWarnings("rawtypes") // Arbiter's CandidateGenerator returns the raw Candidate
public final class BoundedCandidateGenerator implements CandidateGenerator {
    private final CandidateGenerator delegate;
    private final int maxCandidates;
    private final int maxConsecutiveFailures;
    private final List<String> failures = new ArrayList<>();
    private int generated;
    private int consecutiveFailures;

    /**
     * @param delegate               Arbiter's generator
     * @param maxCandidates          candidates to generate at most, {@code >= 1}
     * @param maxConsecutiveFailures failed generations in a row before the search fails, {@code >= 1}
     */
    public BoundedCandidateGenerator(CandidateGenerator delegate, int maxCandidates, int maxConsecutiveFailures) {
        if (maxCandidates < 1 || maxConsecutiveFailures < 1) {
            throw new IllegalArgumentException("maxCandidates and maxConsecutiveFailures must be >= 1, found "
                    + maxCandidates + " and " + maxConsecutiveFailures);
        }
        this.delegate = delegate;
        this.maxCandidates = maxCandidates;
        this.maxConsecutiveFailures = maxConsecutiveFailures;
    }

    @Override
    public boolean hasMoreCandidates() {
        return generated < maxCandidates && delegate.hasMoreCandidates();
    }

    /**
     * The next candidate, or one carrying its generation error (the runner records it as failed).
     *
     * @throws CandidateGenerationException after {@code maxConsecutiveFailures} failed generations in a row
     */
    @Override
    public Candidate getCandidate() {
        Candidate c = delegate.getCandidate();
        if (c.getException() == null) {
            generated++;
            consecutiveFailures = 0;
            return c;
        }
        consecutiveFailures++;
        failures.add("candidate " + c.getIndex() + ": " + c.getException());
        if (consecutiveFailures >= maxConsecutiveFailures) {
            throw new CandidateGenerationException("the search space " + delegate.getParameterSpace()
                    + " could not generate a candidate in " + consecutiveFailures + " attempts in a row; last error: "
                    + c.getException(), c.getException());
        }
        return c;
    }

    /** Candidates generated so far (failed generations not counted). */
    public int generated() {
        return generated;
    }

    /** One line per failed generation so far: the candidate index and its error. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void reportResults(OptimizationResult result) {
        delegate.reportResults(result);
    }

    @Override
    public ParameterSpace<?> getParameterSpace() {
        return delegate.getParameterSpace();
    }

    @Override
    public void setRngSeed(long rngSeed) {
        delegate.setRngSeed(rngSeed);
    }

    @Override
    public Class<?> getCandidateType() {
        return delegate.getCandidateType();
    }

    @Override
    public String toString() {
        return "BoundedCandidateGenerator(" + delegate + ", maxCandidates=" + maxCandidates
                + ", maxConsecutiveFailures=" + maxConsecutiveFailures + ")";
    }
}
