package io.github.finegrain.model;

/**
 * Which columns of an input row a spatial layer reads: one task column, one anchor point (x, y) placed on the
 * layer's first grid (ψ, the "court"), and k context points (dx, dy) placed on its second grid (φ, the "defender
 * box"), each a pair of adjacent columns. Coordinates are raw (e.g. feet); the extents of both grids are the layer's
 * {@link io.github.finegrain.grid.GridSpec}s, so the same rows serve every resolution. A context point with a NaN
 * coordinate, or outside the second grid, counts as absent; an anchor outside the first grid gives the row no spatial
 * term. Rows must be exactly {@link #width()} columns wide; columns the layout does not name are ignored.
 *
 * <p>{@link #BASKETBALL} is the default ({@link InputRow}: task, ball handler x/y, five defenders' dx/dy; 13
 * columns). Another layout lets the layers serve other spatial data, e.g. a station (task), its position (anchor) and
 * k neighbours' offsets (context).
 *
 * @param taskColumn         column of the task index (an integer in [0, tasks))
 * @param anchorColumn       column of the anchor's x; its y is the next column
 * @param firstContextColumn column of context point 0's x; point j has x at {@code firstContextColumn + 2j} and y
 *                           right after it
 * @param contextPoints      k, the number of context points per row (&ge; 0)
 */
public record InputLayout(int taskColumn, int anchorColumn, int firstContextColumn, int contextPoints) {
    /** The basketball rows of {@link InputRow}: task 0, ball handler 1–2, defenders 3–12. */
    public static final InputLayout BASKETBALL = new InputLayout(InputRow.TASK, InputRow.BALL_HANDLER_X,
            InputRow.FIRST_DEFENDER, InputRow.DEFENDERS);

    /**
     * Validates the layout.
     *
     * @throws IllegalArgumentException if a column is negative, k &lt; 0, or two of the task, anchor and context
     *                                  columns overlap (the message gives the columns)
     */
    public InputLayout {
        if (taskColumn < 0 || anchorColumn < 0 || firstContextColumn < 0 || contextPoints < 0) {
            throw new IllegalArgumentException("input layout columns and the context point count must be >= 0, found "
                    + "task " + taskColumn + ", anchor " + anchorColumn + ", first context " + firstContextColumn
                    + ", context points " + contextPoints);
        }
        int contextEnd = firstContextColumn + 2 * contextPoints; // exclusive
        if (taskColumn == anchorColumn || taskColumn == anchorColumn + 1
                || (taskColumn >= firstContextColumn && taskColumn < contextEnd)
                || (contextPoints > 0 && anchorColumn + 1 >= firstContextColumn && anchorColumn < contextEnd)) {
            throw new IllegalArgumentException("input layout columns overlap: task " + taskColumn + ", anchor "
                    + anchorColumn + "-" + (anchorColumn + 1) + ", context " + firstContextColumn + "-"
                    + (contextEnd - 1));
        }
    }

    /** Column of the anchor's x. */
    public int anchorX() {
        return anchorColumn;
    }

    /** Column of the anchor's y. */
    public int anchorY() {
        return anchorColumn + 1;
    }

    /** Column of context point {@code j}'s x (its y is the next column). */
    public int contextX(int j) {
        return firstContextColumn + 2 * j;
    }

    /** Number of columns of a row: one past the last column the layout names. */
    public int width() {
        int last = Math.max(taskColumn, anchorColumn + 1);
        if (contextPoints > 0) {
            last = Math.max(last, firstContextColumn + 2 * contextPoints - 1);
        }
        return last + 1;
    }

    /** E.g. {@code task 0, anchor 1-2, 5 context points from 3 (13 columns)}. */
    public String describe() {
        return "task " + taskColumn + ", anchor " + anchorX() + "-" + anchorY() + ", " + contextPoints
                + " context points from " + firstContextColumn + " (" + width() + " columns)";
    }
}
