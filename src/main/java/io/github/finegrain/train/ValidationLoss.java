package io.github.finegrain.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The validation log loss the training loops select parameters by, and nothing else: one forward pass and one sum
 * (no ROC, no sort). Equal to {@code eval.BinaryMetrics.of(p, labels, t).logLoss()} on the same probabilities (the
 * same clipping, the same summation order), but it never throws on a non-finite probability: it returns NaN, which
 * the stage runner reads as divergence.
 */
public final class ValidationLoss {
    /** Probabilities are clipped to [{@value #CLIP}, 1 − {@value #CLIP}], as in {@code BinaryMetrics}. */
    public static final double CLIP = 1e-15;

    private ValidationLoss() {
    }

    /**
     * Mean log loss of {@code net}'s probabilities on the rows of {@code val} against {@code labels}, nats per row.
     *
     * @param net    a network whose output is one probability per row; not modified
     * @param val    {@link io.github.finegrain.model.InputRow} rows {@code [n, 13]}; not modified
     * @param labels {@code [n]} 0/1 labels of those rows
     * @return the mean binary cross-entropy; NaN if a probability is NaN or outside [0, 1]
     * @throws IllegalArgumentException if the network gives another number of outputs than labels
     */
    public static double of(MultiLayerNetwork net, DataSet val, byte[] labels) {
        org.nd4j.linalg.api.ndarray.INDArray out = net.output(val.getFeatures(), false);
        if (out.length() != labels.length) {
            throw new IllegalArgumentException("expected " + labels.length + " outputs, found " + out.length());
        }
        return of(out.reshape(labels.length).toDoubleVector(), labels);
    }

    /**
     * Mean log loss of probabilities {@code p} against 0/1 {@code labels}, nats per row: −(1/n) Σ_i [y_i log q_i +
     * (1 − y_i) log(1 − q_i)] with q_i = p_i clipped to [1e-15, 1 − 1e-15].
     *
     * @param p      {@code [n]} probabilities; not modified
     * @param labels {@code [n]} 0/1 labels; not modified
     * @return the mean; NaN if some p_i is NaN or outside [0, 1]
     * @throws IllegalArgumentException if the lengths differ or there are no rows
     */
    public static double of(double[] p, byte[] labels) {
        if (p.length != labels.length || p.length == 0) {
            throw new IllegalArgumentException("expected as many probabilities as labels (at least one), found "
                    + p.length + " and " + labels.length);
        }
        double ll = 0;
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
                return Double.NaN;
            }
            double q = Math.min(Math.max(p[i], CLIP), 1 - CLIP);
            ll -= labels[i] == 1 ? Math.log(q) : Math.log(1 - q);
        }
        return ll / p.length;
    }
}
