package io.github.finegrain.model;

/**
 * One parameter of a spatial layer seen as rows: the unit a row-sparse optimizer updates (see
 * {@link RowSparseLayer}). Row r occupies entries {@code offset + r * rowLength .. offset + (r + 1) * rowLength - 1}
 * of the layer's flat parameter vector (and of its gradient view, same layout).
 *
 * <p>The rows of each layer:
 * <ul>
 *   <li>full rank: {@code F} with rows {@code (a, b)} = {@code a * courtCells + b} of length defenderCells + 1 (one
 *   task × court cell, all defender entries), then {@code b} (bias) with one row of length 1 per task;</li>
 *   <li>CP: {@code A} (row a = task, length K), {@code B} (row = court cell, length K), {@code C} (row = defender cell,
 *   the constant entry last, length K), {@code b} (one row of length 1 per task).</li>
 * </ul>
 *
 * @param key       the parameter key ({@code F}, {@code A}, {@code B}, {@code C}, {@code b})
 * @param offset    first entry of the block in the layer's flat parameter vector
 * @param rows      number of rows (&ge; 1)
 * @param rowLength entries per row (&ge; 1)
 * @param weight    true for a weight parameter (L2-regularized), false for the bias
 */
public record RowBlock(String key, long offset, int rows, int rowLength, boolean weight) {
    /** Validates the block. */
    public RowBlock {
        if (key == null || offset < 0 || rows < 1 || rowLength < 1) {
            throw new IllegalArgumentException("invalid row block " + key + " at " + offset + ": " + rows + " rows of "
                    + rowLength);
        }
    }

    /** Number of entries, {@code rows × rowLength}. */
    public long size() {
        return (long) rows * rowLength;
    }
}
