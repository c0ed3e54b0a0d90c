package io.github.finegrain.eval;

import io.github.finegrain.data.Court;
import io.github.finegrain.data.ExampleSet;

/**
 * The baseline every run is compared with: logistic regression of the label on the ball handler's distance to the
 * basket, {@code p = sigmoid(w0 + w1 · d)} with d in feet from (5.25, 25), fitted by Newton's method (IRLS) on the
 * training examples (one row per example).
 *
 * @param intercept w0
 * @param slope     w1, per foot
 */
public record DistanceBaseline(double intercept, double slope) {

    /** Fits the baseline; 50 Newton steps at most, stopping when the step is below 1e-10. */
    public static DistanceBaseline fit(ExampleSet train) {
        double w0 = 0;
        double w1 = 0;
        int n = train.size();
        for (int it = 0; it < 50; it++) {
            double g0 = 0;
            double g1 = 0;
            double h00 = 1e-9;
            double h01 = 0;
            double h11 = 1e-9;
            for (int i = 0; i < n; i++) {
                double d = distance(train, i);
                double p = sigmoid(w0 + w1 * d);
                double r = p - train.labels()[i];
                double w = p * (1 - p);
                g0 += r;
                g1 += r * d;
                h00 += w;
                h01 += w * d;
                h11 += w * d * d;
            }
            double det = h00 * h11 - h01 * h01;
            double s0 = (h11 * g0 - h01 * g1) / det;
            double s1 = (h00 * g1 - h01 * g0) / det;
            w0 -= s0;
            w1 -= s1;
            if (Math.abs(s0) + Math.abs(s1) < 1e-10) {
                break;
            }
        }
        return new DistanceBaseline(w0, w1);
    }

    /** Predicted probabilities for {@code ex}. */
    public double[] predict(ExampleSet ex) {
        double[] p = new double[ex.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = sigmoid(intercept + slope * distance(ex, i));
        }
        return p;
    }

    /** Distance of example i's ball handler to the basket, feet. */
    static double distance(ExampleSet ex, int i) {
        return Court.distanceToBasket(ex.feature(i, 0), ex.feature(i, 1), true);
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
