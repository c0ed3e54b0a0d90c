package io.github.finegrain.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.data.Court;
import io.github.finegrain.data.ExampleSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Planted answers: labels drawn from p = sigmoid(w0 + w1 d), d = the handler's distance to (5.25, 25) in feet. */
class DistanceBaselineTest {

    static final double W0 = 1.0;
    static final double W1 = -0.15;

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Examples with the handler at (x, y) = (5.25 + d·cos a, 25 + d·sin a) and the given labels. */
    static ExampleSet examples(double[] d, double[] angle, byte[] labels) {
        int n = d.length;
        double[] f = new double[n * ExampleSet.FEATURES];
        for (int i = 0; i < n; i++) {
            f[i * ExampleSet.FEATURES] = Court.LEFT_BASKET_X + d[i] * Math.cos(angle[i]);
            f[i * ExampleSet.FEATURES + 1] = Court.BASKET_Y + d[i] * Math.sin(angle[i]);
        }
        String[] keys = new String[n];
        java.util.Arrays.fill(keys, "p");
        return new ExampleSet(keys, f, labels, new int[n], new int[n]);
    }

    @Test
    void recoversThePlantedModelFromExactProportions() {
        // 2000 examples at each of 5 distances, with round(2000 p) positives: the MLE is the planted model
        // up to the rounding of the counts
        double[] distances = {2, 8, 14, 20, 26};
        int per = 2000;
        int n = per * distances.length;
        double[] d = new double[n];
        double[] a = new double[n];
        byte[] y = new byte[n];
        for (int k = 0; k < distances.length; k++) {
            long positives = Math.round(per * sigmoid(W0 + W1 * distances[k]));
            for (int i = 0; i < per; i++) {
                d[k * per + i] = distances[k];
                a[k * per + i] = (i % 7) * 0.4 - 1.2; // directions spread over the half court
                y[k * per + i] = (byte) (i < positives ? 1 : 0);
            }
        }
        DistanceBaseline b = DistanceBaseline.fit(examples(d, a, y));

        assertThat(b.intercept()).isCloseTo(W0, within(2e-3));
        assertThat(b.slope()).isCloseTo(W1, within(2e-4));
        double[] p = b.predict(examples(new double[] {0, 10}, new double[] {0, 0}, new byte[2]));
        assertThat(p[0]).isCloseTo(sigmoid(b.intercept()), within(1e-12));
        assertThat(p[1]).isCloseTo(sigmoid(b.intercept() + 10 * b.slope()), within(1e-12));
    }

    @Test
    void recoversThePlantedSlopeFromBernoulliLabels() {
        Random rnd = new Random(2024);
        int n = 20000;
        double[] d = new double[n];
        double[] a = new double[n];
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextDouble() * 30;
            a[i] = (rnd.nextDouble() - 0.5) * Math.PI;
            y[i] = (byte) (rnd.nextDouble() < sigmoid(W0 + W1 * d[i]) ? 1 : 0);
        }
        DistanceBaseline b = DistanceBaseline.fit(examples(d, a, y));
        // standard errors at this n are about 0.03 (intercept) and 0.002 (slope)
        assertThat(b.intercept()).isCloseTo(W0, within(0.12));
        assertThat(b.slope()).isCloseTo(W1, within(0.008));
    }
}
