package io.github.finegrain.train;

/**
 * What the {@link SpatialEntropyListener} measured at one minibatch. Entropies in nats; "normalized" ones are
 * divided by log(#court cells). Window statistics are NaN except at the minibatch that completes a window.
 *
 * @param iteration             network iteration counter at this minibatch
 * @param minibatchLoss         mean log loss of this minibatch's rows, nats (from the logits the listener saw;
 *                              unweighted, without regularization)
 * @param minibatch             S of this minibatch's |gradient| per court cell (data-loss gradient, before the
 *                              updater and regularization)
 * @param minibatchNormalized   {@code minibatch / log(cells)}
 * @param windowCompleted       whether this minibatch completed a window of W minibatches
 * @param window                S of |Σ_window signed gradient| per court cell (noise cancels, the systematic part
 *                              remains)
 * @param windowNormalized      {@code window / log(cells)}
 * @param windowPerExample      normalized S of the window mass with each cell divided by its example count in the
 *                              window (cells without examples excluded)
 * @param histogramEntropy      mean over court cells (with examples in the minibatch) of the entropy of a 20-bin
 *                              histogram over [−1, 1] of the per-example contributions ∂L/∂z
 * @param signEntropy           mean over court cells of the binary entropy of the sign of ∂L/∂z
 * @param nanos                 cost of this reading, nanoseconds
 */
public record EntropyReading(int iteration, double minibatchLoss, double minibatch, double minibatchNormalized, boolean windowCompleted,
        double window, double windowNormalized, double windowPerExample, double histogramEntropy, double signEntropy,
        long nanos) {
}
