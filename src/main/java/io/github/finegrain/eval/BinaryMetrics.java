package io.github.finegrain.eval;

import java.util.Arrays;
import org.deeplearning4j.eval.EvaluationBinary;
import org.nd4j.evaluation.classification.ROC;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binary classification metrics of predicted probabilities against 0/1 labels.
 *
 * @param logLoss          mean binary cross-entropy, nats per example (probabilities clipped to [1e-15, 1 − 1e-15])
 * @param rocAuc           area under the ROC curve (DL4J {@link ROC}, exact mode)
 * @param averagePrecision Σ_n (R_n − R_{n−1}) P_n over decreasing thresholds (the step-wise area under the
 *                         precision-recall curve, as in scikit-learn)
 * @param f1               F1 of the positive class at {@code threshold} (DL4J {@link EvaluationBinary})
 * @param threshold        decision threshold on the probability
 * @param examples         number of examples
 * @param positives        number of positives
 */
public record BinaryMetrics(double logLoss, double rocAuc, double averagePrecision, double f1, double threshold,
        int examples, int positives) {

    /**
     * Computes all metrics.
     *
     * @param p         predicted probabilities [n], each in [0, 1]
     * @param y         labels [n], 0 or 1
     * @param threshold decision threshold for F1
     * @throws IllegalArgumentException on length mismatch or a probability outside [0, 1]
     */
    public static BinaryMetrics of(double[] p, byte[] y, double threshold) {
        if (p.length != y.length || p.length == 0) {
            throw new IllegalArgumentException("need equal, non-zero numbers of predictions and labels, found "
                    + p.length + " and " + y.length);
        }
        int pos = 0;
        double ll = 0;
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw new IllegalArgumentException("prediction " + i + " is " + p[i] + ", not a probability");
            }
            double q = Math.min(Math.max(p[i], 1e-15), 1 - 1e-15);
            ll -= y[i] == 1 ? Math.log(q) : Math.log(1 - q);
            pos += y[i];
        }
        INDArray probs = Nd4j.createFromArray(p).reshape(p.length, 1);
        double[] yd = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            yd[i] = y[i];
        }
        INDArray labels = Nd4j.createFromArray(yd).reshape(y.length, 1);
        ROC roc = new ROC(0);
        roc.eval(labels, probs);
        EvaluationBinary eb = new EvaluationBinary(Nd4j.createFromArray(threshold).reshape(1, 1));
        eb.eval(labels, probs);
        return new BinaryMetrics(ll / p.length, roc.calculateAUC(), averagePrecision(p, y), eb.f1(0), threshold,
                p.length, pos);
    }

    /** Average precision (see the record's Javadoc); 0 when there are no positives. */
    public static double averagePrecision(double[] p, byte[] y) {
        Integer[] order = sortedDescending(p);
        int total = 0;
        for (byte b : y) {
            total += b;
        }
        if (total == 0) {
            return 0;
        }
        double ap = 0;
        int tp = 0;
        int seen = 0;
        double prevRecall = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            tp += y[i];
            seen++;
            boolean lastOfTie = k + 1 == order.length || p[order[k + 1]] != p[i];
            if (lastOfTie) {
                double recall = (double) tp / total;
                ap += (recall - prevRecall) * ((double) tp / seen);
                prevRecall = recall;
            }
        }
        return ap;
    }

    /**
     * The threshold that maximizes F1 on (p, y): a midpoint between consecutive distinct predictions (half the
     * smallest prediction when the best choice predicts every example positive), chosen on validation and then
     * applied to test. A prediction is positive when it is strictly above the threshold, as in {@link #of}.
     */
    public static double bestF1Threshold(double[] p, byte[] y) {
        Integer[] order = sortedDescending(p);
        int total = 0;
        for (byte b : y) {
            total += b;
        }
        double bestF1 = -1;
        double best = 0.5;
        int tp = 0;
        for (int k = 0; k < order.length; k++) {
            tp += y[order[k]];
            boolean lastOfTie = k + 1 == order.length || p[order[k + 1]] != p[order[k]];
            if (!lastOfTie) {
                continue;
            }
            int predictedPos = k + 1;
            double f1 = total == 0 ? 0 : 2.0 * tp / (predictedPos + total);
            if (f1 > bestF1) {
                bestF1 = f1;
                best = k + 1 == order.length ? p[order[k]] / 2 : (p[order[k]] + p[order[k + 1]]) / 2;
            }
        }
        return best;
    }

    private static Integer[] sortedDescending(double[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        return order;
    }
}
