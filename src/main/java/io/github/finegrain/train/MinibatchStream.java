package io.github.finegrain.train;

import org.nd4j.linalg.dataset.DataSet;

/**
 * An endless stream of training minibatches, read epoch after epoch in a seeded shuffled order. The trainer owns one
 * stream for a whole run: a swap of layers (fine-graining, hand-off) continues at the same position. The stream's
 * state is (epoch, position) and nothing else, so a checkpoint that records them resumes the same sequence of
 * minibatches.
 *
 * <p>Minibatches are {@link io.github.finegrain.model.InputRow} rows: features {@code [rows, InputRow.WIDTH]},
 * labels {@code [rows, 1]}. An epoch is every training row exactly once (league copies included).
 */
public interface MinibatchStream extends AutoCloseable {
    /**
     * The next minibatch: the first of epoch e+1 after the last of epoch e.
     *
     * @return a new {@link DataSet} the caller may keep or modify
     * @throws java.io.UncheckedIOException if a file-backed stream cannot read its file
     */
    DataSet next();

    /** The epoch (1-based) of the last minibatch returned; 0 before the first. */
    int epoch();

    /** Minibatches returned so far in the current epoch (0 to {@link #batchesPerEpoch()}). */
    int position();

    /** Training rows in one epoch. */
    long rowsPerEpoch();

    /** Minibatches in one epoch (the last one may be smaller). */
    int batchesPerEpoch();

    /** Releases what the stream holds open (files, native buffers); the default does nothing. */
    @Override
    default void close() {
    }
}
