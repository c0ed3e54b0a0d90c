package io.github.finegrain.eval;

/**
 * Validation and test metrics of one scorer, with the F1 threshold chosen on validation and applied to test.
 *
 * @param validation    metrics on the validation games
 * @param test          metrics on the test games
 */
public record ModelEvaluation(BinaryMetrics validation, BinaryMetrics test) {

    /**
     * Evaluates predictions on validation and test.
     *
     * @param pVal  probabilities on validation examples
     * @param yVal  validation labels
     * @param pTest probabilities on test examples
     * @param yTest test labels
     */
    public static ModelEvaluation of(double[] pVal, byte[] yVal, double[] pTest, byte[] yTest) {
        double threshold = BinaryMetrics.bestF1Threshold(pVal, yVal);
        return new ModelEvaluation(BinaryMetrics.of(pVal, yVal, threshold), BinaryMetrics.of(pTest, yTest, threshold));
    }
}
