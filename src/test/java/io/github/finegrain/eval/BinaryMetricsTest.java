package io.github.finegrain.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

    private static final double TOL = 1e-12;

    @Test
    void logLossOnHandValues() {
        BinaryMetrics m = BinaryMetrics.of(new double[] {0.9, 0.2, 0.6, 0.4}, new byte[] {1, 0, 1, 0}, 0.5);
        double expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.6)) / 4;
        assertThat(m.logLoss()).isCloseTo(expected, within(TOL)); // 0.3375...
        assertThat(m.examples()).isEqualTo(4);
        assertThat(m.positives()).isEqualTo(2);
        assertThat(m.threshold()).isEqualTo(0.5);
    }

    @Test
    void logLossClipsCertainWrongPredictions() {
        BinaryMetrics m = BinaryMetrics.of(new double[] {1.0, 0.0}, new byte[] {0, 1}, 0.5);
        // both clipped to 1e-15 (up to the rounding of 1 - 1e-15): 34.54 nats, not infinity
        assertThat(m.logLoss()).isCloseTo(-Math.log(1e-15), within(1e-3));
    }

    @Test
    void rocAucOfPerfectReversedAndHandRankings() {
        byte[] y = {0, 0, 1, 1};
        assertThat(BinaryMetrics.of(new double[] {0.1, 0.2, 0.7, 0.8}, y, 0.5).rocAuc()).isCloseTo(1.0, within(TOL));
        assertThat(BinaryMetrics.of(new double[] {0.8, 0.7, 0.2, 0.1}, y, 0.5).rocAuc()).isCloseTo(0.0, within(TOL));
        // scikit-learn's roc_auc_score example: 3 of the 4 positive-negative pairs are ordered correctly
        assertThat(BinaryMetrics.of(new double[] {0.1, 0.4, 0.35, 0.8}, y, 0.5).rocAuc()).isCloseTo(0.75,
                within(TOL));
    }

    @Test
    void averagePrecisionOnHandExamples() {
        // scikit-learn's average_precision_score example: (0.5 - 0) * 1 + (1 - 0.5) * 2/3 = 5/6
        assertThat(BinaryMetrics.averagePrecision(new double[] {0.1, 0.4, 0.35, 0.8}, new byte[] {0, 0, 1, 1}))
                .isCloseTo(5.0 / 6, within(TOL));
        // a tie is one threshold: {0.5, 0.5} gives recall 1/2 at precision 1/2, then 0.2 gives recall 1 at 2/3
        assertThat(BinaryMetrics.averagePrecision(new double[] {0.5, 0.5, 0.2}, new byte[] {1, 0, 1}))
                .isCloseTo(0.5 * 0.5 + 0.5 * 2.0 / 3, within(TOL));
        assertThat(BinaryMetrics.averagePrecision(new double[] {0.9, 0.1}, new byte[] {1, 0})).isEqualTo(1.0);
        assertThat(BinaryMetrics.averagePrecision(new double[] {0.9, 0.1}, new byte[] {0, 0})).isZero();
        assertThat(BinaryMetrics.of(new double[] {0.1, 0.4, 0.35, 0.8}, new byte[] {0, 0, 1, 1}, 0.5)
                .averagePrecision()).isCloseTo(5.0 / 6, within(TOL));
    }

    @Test
    void bestF1ThresholdIsAMidpointBetweenDistinctPredictions() {
        // sorted: 0.9(1) 0.8(1) 0.6(0) 0.3(0) 0.2(1): F1 = 1/2, 4/5, 2/3, 4/7, 3/4 at cuts after 1..5 examples
        double[] p = {0.3, 0.9, 0.2, 0.8, 0.6};
        byte[] y = {0, 1, 1, 1, 0};
        double threshold = BinaryMetrics.bestF1Threshold(p, y);
        assertThat(threshold).isCloseTo(0.7, within(TOL));
        assertThat(BinaryMetrics.of(p, y, threshold).f1()).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void f1AtTheChosenThresholdIsTheBestF1WhenEveryExampleShouldBePositive() {
        // sorted: 0.9(1) 0.8(1) 0.3(0) 0.2(1): F1 = 1/2, 4/5, 2/3, 6/7: the best cut keeps all four
        double[] p = {0.9, 0.8, 0.3, 0.2};
        byte[] y = {1, 1, 0, 1};
        double threshold = BinaryMetrics.bestF1Threshold(p, y);
        assertThat(threshold).isLessThan(0.2);
        assertThat(BinaryMetrics.of(p, y, threshold).f1()).isCloseTo(6.0 / 7, within(1e-9));
        // all predictions equal: the only cut keeps every example
        double[] same = {0.3, 0.3, 0.3};
        byte[] y2 = {1, 0, 0};
        assertThat(BinaryMetrics.of(same, y2, BinaryMetrics.bestF1Threshold(same, y2)).f1())
                .isCloseTo(2.0 / 4, within(1e-9));
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> BinaryMetrics.of(new double[] {0.5}, new byte[] {1, 0}, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found 1 and 2");
        assertThatThrownBy(() -> BinaryMetrics.of(new double[] {0.5, Double.NaN}, new byte[] {1, 0}, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("prediction 1 is NaN, not a probability");
        assertThatThrownBy(() -> BinaryMetrics.of(new double[0], new byte[0], 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
