package io.github.finegrain.train;

/**
 * How one stage of a multi-resolution run went (the {@code stages} list of {@code metrics.json} and the bundle's
 * stage history).
 *
 * @param index              stage index
 * @param kind               {@code full-rank} or {@code cp}
 * @param court              court grid, RxC
 * @param defender           defender grid, RxC
 * @param iterations         minibatches trained in this stage
 * @param seconds            wall seconds of this stage (including its transition in and its validations)
 * @param endReason          {@code rule:<criterion>}, {@code max-steps}, {@code time-budget}, or
 *                           {@code diverged: <what, at which step>} (a non-finite loss or parameter, or a minibatch
 *                           loss above 10 × the stage's starting validation loss; the stage keeps its best
 *                           parameters from before)
 * @param startValidationLoss validation log loss of the network the stage started from (after the fine-graining
 *                           or hand-off that began it; compare with the previous stage's best to see what the
 *                           transition cost)
 * @param bestValidationLoss best validation log loss seen in the stage
 * @param checkpoint         which parameters the stage handed on: {@code best-validation@<step>}
 * @param handOffFit         CP-ALS fit of F if this stage began with the hand-off, else NaN
 * @param stepSeconds        wall seconds of this stage's minibatch steps (reading the stream, forward, backward,
 *                           update, the listener), validation excluded; 0 in checkpoints written before it existed
 * @param validationSeconds  wall seconds of this stage's validations (the start loss and every scheduled one);
 *                           0 in checkpoints written before it existed
 */
public record StageRecord(int index, String kind, String court, String defender, int iterations, double seconds,
        String endReason, double startValidationLoss, double bestValidationLoss, String checkpoint, double handOffFit,
        double stepSeconds, double validationSeconds) {
}
