package io.github.finegrain.grid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fine-graining of gridded parameters: the linear map that carries values on the cells of a {@link #coarse() coarse}
 * grid to the cells of a {@link #fine() fine} grid, for one spatial mode (paper, Sec. 3, Algorithm 1, the
 * {@code FINEGRAIN} step between resolutions). Court and defender modes are fine-grained independently, each with its
 * own {@code FineGraining}.
 *
 * <p><b>Formula.</b> A parameter map on a grid is read as a piecewise-constant function of position: value {@code v[c]}
 * on coarse cell c, 0 outside the coarse rectangle (where the coarse layer has no term). The fine value of cell f is
 * its area average,
 * <pre>
 *   v_fine[f] = Σ_c w[f, c] · v_coarse[c],    w[f, c] = area(f ∩ c) / area(f)    (dimensionless, in [0, 1])
 * </pre>
 * Cells are axis-aligned rectangles, so {@code w[f, c] = wx[row(f), row(c)] · wy[col(f), col(c)]}, the products of
 * the overlap fractions along x and along y. Cell convention as {@link GridSpec}: rows along x, columns along y,
 * {@code cell = row * cols + col}.
 *
 * <p><b>What it preserves.</b>
 * <ul>
 *   <li>Nested grids ({@link #isNested()}: same rectangle, every fine cell inside exactly one coarse cell, e.g.
 *   4x5 → 8x10, 6x6 → 12x12, 8x10 → 40x50 on equal rectangles): each fine cell copies its parent's value (weight
 *   exactly 1), so the map is unchanged as a function of position and a model's predictions for one-hot / count
 *   features are exactly equal, up to points within rounding of a cell edge, which the two grids' {@link
 *   GridSpec#cellOf} may place on different sides.</li>
 *   <li>Any grids: the area integral over the fine rectangle of the piecewise-constant map is preserved
 *   ({@code Σ_f area(f) v_fine[f] = ∫_fine-rectangle v_coarse}); the weights of a fine cell inside the coarse rectangle
 *   sum to 1 (a fine cell partly outside gets the inside fraction). The value at a point is exact only when the
 *   point's fine cell lies in one coarse cell; elsewhere it is the average over the fine cell. If the "fine" cells are
 *   larger than the coarse ones, the same formula is the area-average coarsening.</li>
 * </ul>
 *
 * <p>Overlap fractions are computed in double from the cell edges ({@code origin + extent * i / n}, feet); fractions
 * within 1e-9 of 0 or 1 are snapped to 0 or 1, so that rounding of the edges cannot create slivers.
 *
 * <p>Immutable and thread-safe.
 */
public final class FineGraining {

    /** Relative tolerance (fraction of a fine cell's side) below which an overlap is a rounding sliver. */
    static final double SNAP = 1e-9;

    /**
     * One source of a fine cell.
     *
     * @param coarseCell index of the coarse cell, {@code row * cols + col}
     * @param weight     {@code area(fine ∩ coarse) / area(fine)}, in (0, 1]
     */
    public record Source(int coarseCell, double weight) {
    }

    private final GridSpec coarse;
    private final GridSpec fine;
    /** [fineCells + 1]: sources of fine cell f are entries start[f] .. start[f + 1] - 1. */
    private final int[] start;
    private final int[] sourceCell;
    private final double[] sourceWeight;
    private final boolean nested;

    private FineGraining(GridSpec coarse, GridSpec fine) {
        this.coarse = coarse;
        this.fine = fine;
        Axis ax = Axis.of(coarse.originX(), coarse.extentX(), coarse.rows(), fine.originX(), fine.extentX(), fine.rows());
        Axis ay = Axis.of(coarse.originY(), coarse.extentY(), coarse.cols(), fine.originY(), fine.extentY(), fine.cols());
        int cells = fine.cellCount();
        start = new int[cells + 1];
        int total = 0;
        for (int r = 0; r < fine.rows(); r++) {
            for (int c = 0; c < fine.cols(); c++) {
                total += ax.count(r) * ay.count(c);
            }
        }
        sourceCell = new int[total];
        sourceWeight = new double[total];
        int n = 0;
        for (int r = 0; r < fine.rows(); r++) {
            for (int c = 0; c < fine.cols(); c++) {
                int f = r * fine.cols() + c;
                start[f] = n;
                for (int i = ax.start[r]; i < ax.start[r + 1]; i++) {
                    for (int j = ay.start[c]; j < ay.start[c + 1]; j++) {
                        sourceCell[n] = ax.coarse[i] * coarse.cols() + ay.coarse[j];
                        sourceWeight[n] = ax.fraction[i] * ay.fraction[j];
                        n++;
                    }
                }
            }
        }
        start[cells] = n;
        nested = ax.nested && ay.nested;
    }

    /**
     * The fine-graining from {@code coarse} to {@code fine}. The grids may be any rectangles (they need not share
     * origin, extent or a cell-count ratio).
     *
     * @throws IllegalArgumentException if a grid is null
     */
    public static FineGraining between(GridSpec coarse, GridSpec fine) {
        if (coarse == null || fine == null) {
            throw new IllegalArgumentException("coarse and fine grids are required, found " + coarse + " and " + fine);
        }
        return new FineGraining(coarse, fine);
    }

    /** The source grid. */
    public GridSpec coarse() {
        return coarse;
    }

    /** The target grid. */
    public GridSpec fine() {
        return fine;
    }

    /**
     * True if both grids cover the same rectangle (within 1e-9 of a fine cell) and every fine cell lies inside exactly
     * one coarse cell; then every fine cell has one source of weight exactly 1 and fine-graining is exact.
     */
    public boolean isNested() {
        return nested;
    }

    /**
     * The sources of {@code fineCell}, in increasing coarse-cell order; empty if the fine cell lies outside the coarse
     * rectangle.
     *
     * @throws IndexOutOfBoundsException if {@code fineCell} is not in [0, fine cells)
     */
    public List<Source> sources(int fineCell) {
        checkFineCell(fineCell);
        List<Source> out = new ArrayList<>(start[fineCell + 1] - start[fineCell]);
        for (int n = start[fineCell]; n < start[fineCell + 1]; n++) {
            out.add(new Source(sourceCell[n], sourceWeight[n]));
        }
        return List.copyOf(out);
    }

    /** Sum of the weights of {@code fineCell}: 1 for a fine cell inside the coarse rectangle (up to rounding). */
    public double weightSum(int fineCell) {
        checkFineCell(fineCell);
        double s = 0;
        for (int n = start[fineCell]; n < start[fineCell + 1]; n++) {
            s += sourceWeight[n];
        }
        return s;
    }

    /**
     * The parent of {@code fineCell} in a nested fine-graining: the one coarse cell containing it.
     *
     * @throws IllegalStateException     if the grids are not nested
     * @throws IndexOutOfBoundsException if {@code fineCell} is not in [0, fine cells)
     */
    public int parent(int fineCell) {
        checkFineCell(fineCell);
        if (!nested) {
            throw new IllegalStateException("grids " + coarse + " and " + fine + " are not nested: a fine cell may "
                    + "have several coarse sources");
        }
        return sourceCell[start[fineCell]];
    }

    /**
     * Fine-grains one map: {@code out[f] = Σ_c w[f, c] · values[c]}.
     *
     * @param values {@code [coarseCells]}; not modified
     * @return a new {@code [fineCells]} array
     * @throws IllegalArgumentException if {@code values.length} is not the coarse cell count
     */
    public double[] apply(double[] values) {
        return applyAlongAxis(values, new int[] {values.length}, 0, 0);
    }

    /**
     * Fine-grains along one axis of a C-order (row-major, last index fastest) array, whose other axes are carried
     * along unchanged: {@code out[.., f, ..] = Σ_c w[f, c] · values[.., c, ..]}. For a court mode, e.g. F
     * {@code [tasks, courtCells, defenderCells + 1]} along axis 1, or B {@code [courtCells, K]} along axis 0.
     *
     * @param values C-order values of shape {@code dims}; not modified
     * @param dims   the shape; {@code dims[axis]} must be the coarse cell count; not modified
     * @param axis   the spatial axis, in [0, dims.length)
     * @return a new array of shape {@link #fineDims(int[], int, int) fineDims(dims, axis, 0)}
     * @throws IllegalArgumentException if the axis is out of range, {@code dims[axis]} is not the coarse cell count,
     *                                  a dimension is not positive or {@code values.length} is not the product of
     *                                  {@code dims} (messages give expected and found values)
     */
    public double[] applyAlongAxis(double[] values, int[] dims, int axis) {
        return applyAlongAxis(values, dims, axis, 0);
    }

    /**
     * Fine-grains the defender mode along one axis: the first coarse-cell-count entries of the axis are spatial and
     * fine-grained as {@link #applyAlongAxis(double[], int[], int)}; the last entry is the constant entry φ_C = 1 of the
     * defender mode (see {@code io.github.finegrain.model.SpatialLayerSpec}), which is not spatial and maps to itself.
     * E.g. F {@code [tasks, courtCells, defenderCells + 1]} along axis 2, or C {@code [defenderCells + 1, K]} along
     * axis 0.
     *
     * @param values C-order values of shape {@code dims}; not modified
     * @param dims   the shape; {@code dims[axis]} must be the coarse cell count + 1; not modified
     * @param axis   the defender axis
     * @return a new array of shape {@link #fineDims(int[], int, int) fineDims(dims, axis, 1)}
     * @throws IllegalArgumentException as {@link #applyAlongAxis(double[], int[], int, int)}
     */
    public double[] applyAlongDefenderAxis(double[] values, int[] dims, int axis) {
        return applyAlongAxis(values, dims, axis, 1);
    }

    /**
     * Fine-grains along one axis whose last {@code constantEntries} entries are not spatial and are copied unchanged
     * (0 for a court mode, 1 for the defender mode):
     * <pre>
     *   out[o, f, i] = Σ_c w[f, c] · values[o, c, i]            f &lt; fineCells
     *   out[o, fineCells + t, i] = values[o, coarseCells + t, i]   t &lt; constantEntries
     * </pre>
     * where o runs over the axes before {@code axis} and i over those after it.
     *
     * @param values          C-order values of shape {@code dims}; not modified
     * @param dims            the shape; {@code dims[axis]} must be coarse cells + constantEntries; not modified
     * @param axis            the spatial axis, in [0, dims.length)
     * @param constantEntries number of trailing non-spatial entries of the axis, &ge; 0
     * @return a new array of shape {@link #fineDims(int[], int, int) fineDims(dims, axis, constantEntries)}
     * @throws IllegalArgumentException if the axis is out of range, {@code constantEntries} is negative,
     *                                  {@code dims[axis]} is wrong, a dimension is not positive, the output would
     *                                  exceed one Java array, or {@code values.length} does not match {@code dims}
     */
    public double[] applyAlongAxis(double[] values, int[] dims, int axis, int constantEntries) {
        int[] outDims = fineDims(dims, axis, constantEntries);
        long expected = product(dims);
        if (values.length != expected) {
            throw new IllegalArgumentException("values of shape " + Arrays.toString(dims) + " need " + expected
                    + " entries, found " + values.length);
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= dims[d];
        }
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        int in = (int) inner;
        int coarseLen = dims[axis];
        int fineLen = outDims[axis];
        int fineCells = fine.cellCount();
        int coarseCells = coarse.cellCount();
        double[] out = new double[(int) product(outDims)];
        for (long o = 0; o < outer; o++) {
            int srcBase = (int) (o * coarseLen * in);
            int dstBase = (int) (o * fineLen * in);
            for (int f = 0; f < fineCells; f++) {
                int dst = dstBase + f * in;
                for (int n = start[f]; n < start[f + 1]; n++) {
                    int src = srcBase + sourceCell[n] * in;
                    double w = sourceWeight[n];
                    if (w == 1.0) {
                        for (int i = 0; i < in; i++) {
                            out[dst + i] += values[src + i];
                        }
                    } else {
                        for (int i = 0; i < in; i++) {
                            out[dst + i] += w * values[src + i];
                        }
                    }
                }
            }
            for (int t = 0; t < constantEntries; t++) {
                System.arraycopy(values, srcBase + (coarseCells + t) * in, out, dstBase + (fineCells + t) * in, in);
            }
        }
        return out;
    }

    /**
     * The shape after fine-graining {@code dims} along {@code axis}: {@code dims} with {@code dims[axis]} replaced by
     * fine cells + constantEntries.
     *
     * @throws IllegalArgumentException as {@link #applyAlongAxis(double[], int[], int, int)}
     */
    public int[] fineDims(int[] dims, int axis, int constantEntries) {
        if (axis < 0 || axis >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is outside a " + dims.length + "-axis shape "
                    + Arrays.toString(dims));
        }
        if (constantEntries < 0) {
            throw new IllegalArgumentException("constant entries must be >= 0, found " + constantEntries);
        }
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("dimensions must be positive, found " + Arrays.toString(dims));
            }
        }
        int want = coarse.cellCount() + constantEntries;
        if (dims[axis] != want) {
            throw new IllegalArgumentException("axis " + axis + " of shape " + Arrays.toString(dims) + ": expected "
                    + want + " entries (" + coarse.label() + " grid = " + coarse.cellCount() + " cells + "
                    + constantEntries + " constant), found " + dims[axis]);
        }
        int[] out = dims.clone();
        out[axis] = fine.cellCount() + constantEntries;
        if (product(out) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fine-grained shape " + Arrays.toString(out)
                    + " is too large for one array");
        }
        return out;
    }

    private static long product(int[] dims) {
        long p = 1;
        for (int d : dims) {
            p *= d;
        }
        return p;
    }

    private void checkFineCell(int fineCell) {
        if (fineCell < 0 || fineCell >= fine.cellCount()) {
            throw new IndexOutOfBoundsException("fine cell " + fineCell + " outside [0, " + fine.cellCount()
                    + ") of the " + fine.label() + " grid");
        }
    }

    @Override
    public String toString() {
        return "FineGraining(" + coarse.label() + " -> " + fine.label() + (nested ? ", nested" : "") + ")";
    }

    /** Overlap fractions along one axis, in CSR form: fine index r has entries start[r] .. start[r + 1] - 1. */
    private static final class Axis {
        final int[] start;
        final int[] coarse;
        final double[] fraction;
        final boolean nested;

        private Axis(int[] start, int[] coarse, double[] fraction, boolean nested) {
            this.start = start;
            this.coarse = coarse;
            this.fraction = fraction;
            this.nested = nested;
        }

        int count(int r) {
            return start[r + 1] - start[r];
        }

        static Axis of(double cOrigin, double cExtent, int cN, double fOrigin, double fExtent, int fN) {
            int[] start = new int[fN + 1];
            List<Integer> cells = new ArrayList<>();
            List<Double> fractions = new ArrayList<>();
            double fineSize = fExtent / fN;
            boolean nested = Math.abs(cOrigin - fOrigin) <= SNAP * fineSize
                    && Math.abs((cOrigin + cExtent) - (fOrigin + fExtent)) <= SNAP * fineSize;
            for (int r = 0; r < fN; r++) {
                start[r] = cells.size();
                double lo = fOrigin + fExtent * r / fN;
                double hi = fOrigin + fExtent * (r + 1) / fN;
                double len = hi - lo;
                for (int i = 0; i < cN; i++) {
                    double clo = cOrigin + cExtent * i / cN;
                    double chi = cOrigin + cExtent * (i + 1) / cN;
                    double overlap = Math.min(hi, chi) - Math.max(lo, clo);
                    double fraction = overlap / len;
                    if (fraction <= SNAP) {
                        continue;
                    }
                    cells.add(i);
                    fractions.add(fraction >= 1 - SNAP ? 1.0 : fraction);
                }
                int count = cells.size() - start[r];
                nested &= count == 1 && fractions.get(start[r]) == 1.0;
            }
            start[fN] = cells.size();
            int[] c = new int[cells.size()];
            double[] w = new double[cells.size()];
            for (int n = 0; n < c.length; n++) {
                c[n] = cells.get(n);
                w[n] = fractions.get(n);
            }
            return new Axis(start, c, w, nested);
        }
    }
}
