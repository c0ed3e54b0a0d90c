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
 * @param seconds            wall seconds of this stage (including its transition in)
 * @param endReason          {@code rule:<criterion>}, {@code max-steps} or {@code time-budget}
 * @param startValidationLoss validation log loss of the network the stage started from (after the fine-graining
 *                           or hand-off that began it; compare with the previous stage's best to see what the
 *                           transition cost)
 * @param bestValidationLoss best validation log loss seen in the stage
 * @param checkpoint         which parameters the stage handed on: {@code best-validation@<step>}
 * @param handOffFit         CP-ALS fit of F if this stage began with the hand-off, else NaN
 */
public record StageRecord(int index, String kind, String court, String defender, int iterations, double seconds,
        String endReason, double startValidationLoss, double bestValidationLoss, String checkpoint, double handOffFit) {
}
