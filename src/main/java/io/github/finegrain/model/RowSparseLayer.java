package io.github.finegrain.model;

import java.util.List;

/**
 * A spatial layer implementation whose backward pass can run <b>row-sparse</b>: write only the gradient rows that
 * the minibatch touches and record them, so that an optimizer can update those rows alone (package
 * {@code io.github.finegrain.optim}, {@code train.SparseTrainingStep}).
 *
 * <p><b>Contract of the gradient view.</b> By default (every backward pass DL4J itself runs, e.g. in
 * {@code net.fit} or {@code computeGradientAndScore}) the backward pass zeroes the <i>whole</i> gradient view and
 * fills it, because DL4J's updaters rewrite the whole view in place every step. A backward pass run right after
 * {@link #armSparseBackward()} instead relies on the view being <i>clean except the rows it recorded last time</i>:
 * it zeroes only those rows (or the whole view once, if the last backward pass was a dense one), writes the new rows
 * and records them in {@link #touchedRows()}. So the caller that arms it promises that nothing but this layer wrote
 * the gradient view since the previous row-sparse backward pass (the row-sparse step reads the view, it never writes
 * it). After either kind of pass the view holds the exact raw gradient (sum over the minibatch, zero at untouched
 * entries).
 */
public interface RowSparseLayer {
    /** The layer's parameters as row blocks, in the order of its flat parameter vector. */
    List<RowBlock> rowBlocks();

    /** Makes the next backward pass (only that one) row-sparse; see the class comment for the caller's promise. */
    void armSparseBackward();

    /**
     * The rows the last backward pass touched, or null if the last backward pass was not row-sparse (then the gradient
     * view is dense and nothing is recorded). Valid until the next backward pass; do not modify.
     */
    TouchedRows touchedRows();
}
