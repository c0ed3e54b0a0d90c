package io.github.finegrain.bench;

import io.github.finegrain.grid.GridSpec;
import org.ejml.data.DMatrixRMaj;

/**
 * Spatial smoothness of court factors on their grid (cells {@code r * cols + c}, 4-neighbour adjacency).
 *
 * <ul>
 * <li><b>Normalized Dirichlet energy</b> of a map b: {@code Σ_{edges (i,j)} (b_i − b_j)² / Σ_i (b_i − mean)²}. 0 for a
 *     constant-free smooth ramp in the limit of fine grids; about 2 × (edges / cells) ≈ 4 for white noise; lower is
 *     smoother.</li>
 * <li><b>Moran's I</b> with binary 4-neighbour weights: {@code (n / W) Σ_{i~j} z_i z_j / Σ_i z_i²}, z = b − mean,
 *     W = number of ordered neighbour pairs. About 0 for noise, near 1 for smooth maps.</li>
 * </ul>
 * Both are averaged over the factor's columns (components); a constant column is skipped.
 */
public final class FactorSmoothness {
    private FactorSmoothness() {
    }

    /** Mean normalized Dirichlet energy of the columns of {@code b [cells, K]}; not modified. */
    public static double meanDirichlet(DMatrixRMaj b, GridSpec grid) {
        return mean(b, grid, true);
    }

    /** Mean Moran's I of the columns of {@code b [cells, K]}; not modified. */
    public static double meanMoransI(DMatrixRMaj b, GridSpec grid) {
        return mean(b, grid, false);
    }

    private static double mean(DMatrixRMaj b, GridSpec g, boolean dirichlet) {
        if (b.numRows != g.cellCount()) {
            throw new IllegalArgumentException("expected " + g.cellCount() + " rows for grid " + g.label()
                    + ", found " + b.numRows);
        }
        double sum = 0;
        int used = 0;
        for (int k = 0; k < b.numCols; k++) {
            double[] z = new double[b.numRows];
            double m = 0;
            for (int i = 0; i < z.length; i++) {
                z[i] = b.get(i, k);
                m += z[i] / z.length;
            }
            double ss = 0;
            for (int i = 0; i < z.length; i++) {
                z[i] -= m;
                ss += z[i] * z[i];
            }
            if (ss == 0) {
                continue;
            }
            double edgeSq = 0;
            double cross = 0;
            long pairs = 0;
            for (int r = 0; r < g.rows(); r++) {
                for (int c = 0; c < g.cols(); c++) {
                    int i = r * g.cols() + c;
                    if (r + 1 < g.rows()) {
                        int j = i + g.cols();
                        edgeSq += (z[i] - z[j]) * (z[i] - z[j]);
                        cross += 2 * z[i] * z[j];
                        pairs += 2;
                    }
                    if (c + 1 < g.cols()) {
                        int j = i + 1;
                        edgeSq += (z[i] - z[j]) * (z[i] - z[j]);
                        cross += 2 * z[i] * z[j];
                        pairs += 2;
                    }
                }
            }
            sum += dirichlet ? edgeSq / ss : (double) z.length / pairs * cross / ss;
            used++;
        }
        return used == 0 ? Double.NaN : sum / used;
    }
}
