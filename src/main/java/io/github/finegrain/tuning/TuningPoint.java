package io.github.finegrain.tuning;

import io.github.finegrain.train.MultiResolutionOptions;

/**
 * One candidate of a search: the values of the searched hyperparameters (the others come from the base options).
 * Serializable only because Arbiter copies every candidate through Java serialization in memory
 * ({@code SerializedSupplier}); nothing is saved that way (deserialization runs the validating constructor).
 *
 * @param rank           CP rank K, {@code >= 1}
 * @param delta          Δ of the fine-graining rule, normalized entropy, {@code >= 0}
 * @param learningRate   step size of the full-rank stages, {@code > 0}
 * @param cpLearningRate step size of the CP stages, {@code > 0}
 */
public record TuningPoint(int rank, double delta, double learningRate, double cpLearningRate)
        implements java.io.Serializable {

    /** Validates the values. */
    public TuningPoint {
        if (rank < 1 || !(delta >= 0) || !(learningRate > 0) || !(cpLearningRate > 0)) {
            throw new IllegalArgumentException("expected rank >= 1, delta >= 0 and learning rates > 0, found rank "
                    + rank + ", delta " + delta + ", learning rates " + learningRate + " and " + cpLearningRate);
        }
    }

    /** The point of the base options (their rank, Δ and learning rates). */
    public static TuningPoint of(MultiResolutionOptions base) {
        return new TuningPoint(base.rank(), base.rules().delta(), base.learningRate(), base.cpLearningRate());
    }

    /**
     * The base options with this point's values and the given time budget.
     *
     * @param base       every other hyperparameter (not modified)
     * @param maxMinutes the run's time budget, minutes, {@code > 0}
     */
    public MultiResolutionOptions apply(MultiResolutionOptions base, double maxMinutes) {
        return base.toBuilder().rank(rank).delta(delta).learningRate(learningRate).cpLearningRate(cpLearningRate)
                .maxMinutes(maxMinutes).build();
    }
}
