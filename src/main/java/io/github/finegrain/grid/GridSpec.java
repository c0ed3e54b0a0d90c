package io.github.finegrain.grid;

/**
 * A rectangular grid over an axis-aligned rectangle, in feet.
 *
 * <p>Rows run along x, columns along y: the cell of a point {@code (x, y)} is
 * {@code row * cols + col} with {@code row = floor((x - originX) / cellSizeX)} and
 * {@code col = floor((y - originY) / cellSizeY)}. The rectangle is half-open: {@code x ∈ [originX, originX + extentX)},
 * {@code y ∈ [originY, originY + extentY)}; points outside (and NaN) have no cell.
 *
 * @param originX feet, the lower x edge
 * @param originY feet, the lower y edge
 * @param extentX feet, the length along x (&gt; 0)
 * @param extentY feet, the length along y (&gt; 0)
 * @param rows    cells along x (&ge; 1)
 * @param cols    cells along y (&ge; 1)
 */
public record GridSpec(double originX, double originY, double extentX, double extentY, int rows, int cols) {

    /** Court zone of the paper's benchmark: x (feet from the baseline) in [0, 40), y (feet from the sideline) in [0, 50). */
    public static final double COURT_EXTENT_X = 40.0;
    /** Court zone width along y, feet. */
    public static final double COURT_EXTENT_Y = 50.0;
    /** Defender box, lateral axis x in [-6, 6) feet (positive to the ball handler's right when facing the basket). */
    public static final double BOX_ORIGIN_X = -6.0;
    /** Defender box, basket axis y in [-2, 10) feet (positive toward the basket). */
    public static final double BOX_ORIGIN_Y = -2.0;
    /** Defender box size along each axis, feet. */
    public static final double BOX_EXTENT = 12.0;

    /** Validates the geometry. */
    public GridSpec {
        if (!(extentX > 0) || !(extentY > 0) || !Double.isFinite(extentX) || !Double.isFinite(extentY)
                || !Double.isFinite(originX) || !Double.isFinite(originY)) {
            throw new IllegalArgumentException("grid extent must be positive and finite, found " + extentX + " x "
                    + extentY + " ft at (" + originX + ", " + originY + ")");
        }
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("grid needs at least 1 x 1 cells, found " + rows + "x" + cols);
        }
        if ((long) rows * cols > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("grid " + rows + "x" + cols + " has too many cells");
        }
    }

    /** The half-court zone grid (40 x 50 ft, origin at the baseline corner) with {@code rows x cols} cells. */
    public static GridSpec court(int rows, int cols) {
        return new GridSpec(0, 0, COURT_EXTENT_X, COURT_EXTENT_Y, rows, cols);
    }

    /** The defender box grid (12 x 12 ft around the ball handler, see {@link #BOX_ORIGIN_X}) with {@code rows x cols} cells. */
    public static GridSpec defenderBox(int rows, int cols) {
        return new GridSpec(BOX_ORIGIN_X, BOX_ORIGIN_Y, BOX_EXTENT, BOX_EXTENT, rows, cols);
    }

    /**
     * Parses {@code "RxC"} (e.g. {@code "8x10"}) into rows and columns.
     *
     * @throws IllegalArgumentException if the text is not two positive integers separated by 'x'
     */
    public static int[] parseRowsCols(String text) {
        String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        if (p.length != 2) {
            throw new IllegalArgumentException("expected a grid as RxC (e.g. 8x10), found '" + text + "'");
        }
        try {
            int r = Integer.parseInt(p[0].trim());
            int c = Integer.parseInt(p[1].trim());
            if (r < 1 || c < 1) {
                throw new IllegalArgumentException("grid dimensions must be positive, found '" + text + "'");
            }
            return new int[] {r, c};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a grid as RxC (e.g. 8x10), found '" + text + "'", e);
        }
    }

    /** Number of cells, {@code rows * cols}. */
    public int cellCount() {
        return rows * cols;
    }

    /** Cell size along x, feet. */
    public double cellSizeX() {
        return extentX / rows;
    }

    /** Cell size along y, feet. */
    public double cellSizeY() {
        return extentY / cols;
    }

    /**
     * The cell holding {@code (x, y)} in feet, or {@code -1} if the point is outside the grid or not a number.
     */
    public int cellOf(double x, double y) {
        double fx = (x - originX) / extentX;
        double fy = (y - originY) / extentY;
        if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) {
            return -1;
        }
        int r = Math.min((int) (fx * rows), rows - 1);
        int c = Math.min((int) (fy * cols), cols - 1);
        return r * cols + c;
    }

    /** Centre of {@code cell} along x, feet. */
    public double centerX(int cell) {
        return originX + (cell / cols + 0.5) * cellSizeX();
    }

    /** Centre of {@code cell} along y, feet. */
    public double centerY(int cell) {
        return originY + (cell % cols + 0.5) * cellSizeY();
    }

    /** {@code "RxC"}, e.g. {@code "8x10"}. */
    public String label() {
        return rows + "x" + cols;
    }
}
