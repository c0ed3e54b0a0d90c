package io.github.finegrain.train;

/**
 * What a {@link FineGrainRule} sees at one minibatch of a stage.
 *
 * @param step            minibatches done in this stage, 1-based
 * @param minibatchLoss   mean data log loss of this minibatch, nats
 * @param entropy         the listener's reading of this minibatch
 * @param validationLoss  validation log loss if it was computed at this minibatch, else NaN
 */
public record StageObservation(int step, double minibatchLoss, EntropyReading entropy, double validationLoss) {
}
