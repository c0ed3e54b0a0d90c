package io.github.finegrain.model;

/**
 * The basketball input row, the default {@link InputLayout} ({@link InputLayout#BASKETBALL}) of the spatial layers:
 * raw coordinates in feet, so that one data pipeline serves every resolution (each layer discretizes at its own
 * grids).
 *
 * <pre>
 * column 0       task index a (integer-valued; the ball handler's task, or the league task)
 * columns 1, 2   ball handler x, y (the anchor): court frame, feet; the offense attacks the basket at (5.25, 25)
 * columns 3..12  defender k = 0..4 (the context points): (dx, dy) in the box frame, feet: origin at the ball
 *                handler, +y toward the basket, +x to the ball handler's right when facing it; NaN for an absent
 *                defender
 * </pre>
 */
public final class InputRow {
    /** Column of the task index. */
    public static final int TASK = 0;
    /** Column of the ball handler's x (feet). */
    public static final int BALL_HANDLER_X = 1;
    /** Column of the ball handler's y (feet). */
    public static final int BALL_HANDLER_Y = 2;
    /** First defender column; defender k has x at {@code FIRST_DEFENDER + 2k} and y at {@code FIRST_DEFENDER + 2k + 1}. */
    public static final int FIRST_DEFENDER = 3;
    /** Number of defenders per row. */
    public static final int DEFENDERS = 5;
    /** Width of a row: 13 columns. */
    public static final int WIDTH = FIRST_DEFENDER + 2 * DEFENDERS;

    private InputRow() {
    }
}
