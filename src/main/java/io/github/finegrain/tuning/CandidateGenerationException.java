package io.github.finegrain.tuning;

/**
 * The search space could not produce a candidate within the bound of {@link BoundedCandidateGenerator}: the search
 * stops instead of retrying forever. The message says how many attempts failed and the last error.
 */
public final class CandidateGenerationException extends IllegalStateException {
    /**
     * @param message what failed and how often
     * @param cause   the last generation error
     */
    public CandidateGenerationException(String message, Throwable cause) {
        super(message, cause);
    }
}
