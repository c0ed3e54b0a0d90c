package io.github.finegrain.eval;

import io.github.finegrain.factor.CpResult;
import io.github.finegrain.model.CpSpatialParamInitializer;
import io.github.finegrain.train.TrainedModel;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The CP layer of a model in the canonical form of {@link CpResult#canonical()}: F[a, b, c] = Σ_r w[r] A[a, r]
 * B[b, r] C[c, r] with unit-norm columns, components sorted by weight w (descending), each court column B[:, r]
 * and defender column C[:, r] with its largest-|value| entry positive, the signs moved into the task loadings
 * A[:, r]. So a red (positive) spot of a court or defender map raises the shot rate of every task with a positive
 * loading and lowers it for a task with a negative one.
 *
 * <p>Shapes: A {@code [tasks, R]}, B {@code [courtCells, R]}, C {@code [defenderCells + 1, R]} (the last row is
 * the constant defender entry, the term that applies whatever the defenders do).
 */
public final class CanonicalComponents {
    private CanonicalComponents() {
    }

    /**
     * The canonical CP form of {@code model}'s CP layer (weights = products of the layer's column norms).
     *
     * @throws IllegalArgumentException if the model is not a CP model
     */
    public static CpResult of(TrainedModel model) {
        if (model.layerConf().kind() != io.github.finegrain.model.ModelKind.CP) {
            throw new IllegalArgumentException("canonical components: expected a CP model, found "
                    + model.layerConf().kind());
        }
        MultiLayerNetwork net = model.network();
        double[][] a = net.getLayer(0).getParam(CpSpatialParamInitializer.TASK_KEY).toDoubleMatrix();
        double[][] b = net.getLayer(0).getParam(CpSpatialParamInitializer.COURT_KEY).toDoubleMatrix();
        double[][] c = net.getLayer(0).getParam(CpSpatialParamInitializer.DEFENDER_KEY).toDoubleMatrix();
        return fromLayer(a, b, c);
    }

    /**
     * The canonical form of the raw CP factors {@code a [tasks, R]}, {@code b [courtCells, R]},
     * {@code c [defenderCells + 1, R]} (not modified).
     */
    public static CpResult fromLayer(double[][] a, double[][] b, double[][] c) {
        int rank = a[0].length;
        if (b[0].length != rank || c[0].length != rank) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "CP factors must have the same rank, found A %dx%d, B %dx%d, C %dx%d", a.length, a[0].length,
                    b.length, b[0].length, c.length, c[0].length));
        }
        double[] w = new double[rank];
        DMatrixRMaj ua = new DMatrixRMaj(a.length, rank);
        DMatrixRMaj ub = new DMatrixRMaj(b.length, rank);
        DMatrixRMaj uc = new DMatrixRMaj(c.length, rank);
        for (int r = 0; r < rank; r++) {
            double na = norm(a, r);
            double nb = norm(b, r);
            double nc = norm(c, r);
            w[r] = na * nb * nc;
            fill(ua, a, r, na);
            fill(ub, b, r, nb);
            fill(uc, c, r, nc);
        }
        return new CpResult(w, ua, ub, uc, Double.NaN, 0, true, 0, new double[0]).canonical();
    }

    private static void fill(DMatrixRMaj to, double[][] from, int r, double norm) {
        for (int i = 0; i < from.length; i++) {
            to.set(i, r, norm > 0 ? from[i][r] / norm : 0);
        }
    }

    private static double norm(double[][] m, int k) {
        double s = 0;
        for (double[] row : m) {
            s += row[k] * row[k];
        }
        return Math.sqrt(s);
    }
}
