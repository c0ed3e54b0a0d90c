package io.github.finegrain.train;

import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.model.InputRow;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link MinibatchStream} over training rows that live outside the heap (an example file, a spill file), read
 * with a bounded buffer in a seeded <b>block-shuffled</b> order.
 *
 * <p>The rows come in {@link Blocks blocks} (consecutive rows of the source; a block is read on its own). Epoch e
 * (1-based):
 * <ol>
 * <li>the block order is the permutation drawn by {@code new Random(seed + 1_000_003L * e)} (the scheme of
 *     {@link InMemoryMinibatchStream});</li>
 * <li>the blocks, in that order, are cut into <i>groups</i> of {@code bufferBlocks} blocks; a group is read into the
 *     buffer and its rows are emitted in a permutation drawn from a seed of (seed, e, group);</li>
 * <li>minibatches of {@code size} rows are cut from that row sequence (a minibatch may span two groups; the last
 *     one of an epoch may be smaller, and none spans two epochs).</li>
 * </ol>
 * An epoch therefore returns every row of the source exactly once. When all blocks fit in one group the order is a
 * full shuffle; otherwise two rows of the same minibatch come from the same group of {@code bufferBlocks} randomly
 * chosen blocks (the usual block shuffle of out-of-core training). The state is (epoch, position): a stream
 * constructed at (e, p) returns exactly what a fresh stream returns after its (e, p)-th minibatch (it re-reads the
 * groups of epoch e before p to find its place).
 *
 * <p>Memory: the buffer holds at most {@code bufferBlocks × blocks.maxRows()} rows of {@code InputRow.WIDTH + 1}
 * float32 values (56 bytes a row) and an int permutation of them, in the heap; one minibatch at a time is
 * created in native memory. Rows are carried as float32 (the precision of the example file).
 */
public final class BlockShuffledStream implements MinibatchStream {
    /** Default rows held in the buffer: 2^20 (56 MiB of floats plus 4 MiB of permutation). */
    public static final int DEFAULT_BUFFER_ROWS = 1 << 20;

    /** Columns stored per row: the input row and the label. */
    static final int STORED = InputRow.WIDTH + 1;

    /**
     * A sequence of row blocks that can be read in any order. Thread confinement: used by one stream only.
     */
    public interface Blocks extends Closeable {
        /** Number of blocks. */
        int count();

        /** Most rows one block gives. */
        int maxRows();

        /** Rows of all blocks together (one epoch). */
        long rows();

        /**
         * Reads the rows of block {@code block}: row r goes to {@code x[(offset + r) * InputRow.WIDTH ...]} (its
         * input row) and {@code y[offset + r]} (its label).
         *
         * @param x Modified
         * @param y Modified
         * @return the number of rows read (at most {@link #maxRows()})
         * @throws DataFormatException if the source breaks its format
         */
        int read(int block, float[] x, float[] y, int offset) throws IOException;
    }

    private final Blocks blocks;
    private final int size;
    private final int bufferBlocks;
    private final long seed;
    private final DataType type;
    private final int batches;
    private final float[] x;
    private final float[] y;
    private int[] order; // block order of the epoch
    private int[] perm; // row order within the group
    private int group = -1;
    private int groupRows;
    private int cursor;
    private int epoch;
    private int position;

    /**
     * @param blocks       the rows; closed by {@link #close()}
     * @param size         rows per minibatch (&ge; 1)
     * @param bufferBlocks blocks held in memory at once (&ge; 1)
     * @param seed         the run's shuffling seed
     * @param type         data type of the minibatches
     * @param epoch        epoch to continue (0 for a fresh stream)
     * @param position     minibatches already taken in that epoch (0 to {@link #batchesPerEpoch()})
     * @throws IllegalArgumentException if a size is out of range or the source has no rows
     * @throws UncheckedIOException     if the groups before {@code position} cannot be read
     */
    public BlockShuffledStream(Blocks blocks, int size, int bufferBlocks, long seed, DataType type, int epoch,
            int position) {
        if (size < 1 || bufferBlocks < 1) {
            throw new IllegalArgumentException("minibatch size and buffer blocks must be >= 1, found " + size + " and "
                    + bufferBlocks);
        }
        if (blocks.rows() < 1) {
            throw new IllegalArgumentException("the stream has no training rows");
        }
        long held = (long) Math.min(bufferBlocks, blocks.count()) * blocks.maxRows();
        if (held * STORED > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a buffer of " + bufferBlocks + " blocks of up to " + blocks.maxRows()
                    + " rows is too large for one array; use fewer or smaller blocks");
        }
        long b = (blocks.rows() + size - 1) / size;
        if (b > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(blocks.rows() + " rows make more than 2^31 minibatches of " + size);
        }
        if (epoch < 0 || position < 0 || position > b || (epoch == 0 && position != 0)) {
            throw new IllegalArgumentException("cannot continue at epoch " + epoch + ", minibatch " + position + " of "
                    + b);
        }
        this.blocks = blocks;
        this.size = size;
        this.bufferBlocks = bufferBlocks;
        this.seed = seed;
        this.type = type;
        this.batches = (int) b;
        this.x = new float[(int) held * InputRow.WIDTH];
        this.y = new float[(int) held];
        if (epoch > 0) {
            this.epoch = epoch;
            this.position = position;
            if (position < batches) {
                startEpoch();
                long skip = (long) position * size;
                while (true) {
                    loadNextGroup();
                    if (skip < groupRows) {
                        cursor = (int) skip;
                        break;
                    }
                    skip -= groupRows;
                }
            }
        }
    }

    /** A stream with {@link #DEFAULT_BUFFER_ROWS} rows of buffer (at least one block). */
    public static BlockShuffledStream withDefaultBuffer(Blocks blocks, int size, long seed, DataType type, int epoch,
            int position) {
        return new BlockShuffledStream(blocks, size, Math.max(1, DEFAULT_BUFFER_ROWS / blocks.maxRows()), seed, type,
                epoch, position);
    }

    @Override
    public DataSet next() {
        if (epoch == 0 || position == batches) {
            epoch++;
            position = 0;
            startEpoch();
        }
        int want = (int) Math.min(size, blocks.rows() - (long) position * size);
        float[] bx = new float[want * InputRow.WIDTH];
        float[] by = new float[want];
        int filled = 0;
        while (filled < want) {
            if (cursor == groupRows) {
                loadNextGroup();
                continue;
            }
            int k = Math.min(want - filled, groupRows - cursor);
            for (int i = 0; i < k; i++) {
                int r = perm[cursor + i];
                System.arraycopy(x, r * InputRow.WIDTH, bx, (filled + i) * InputRow.WIDTH, InputRow.WIDTH);
                by[filled + i] = y[r];
            }
            cursor += k;
            filled += k;
        }
        position++;
        if (position == batches && (cursor != groupRows || (group + 1) * bufferBlocks < blocks.count())) {
            throw new UncheckedIOException(new DataFormatException("the training rows of epoch " + epoch
                    + " did not end where expected: the source holds more than the " + blocks.rows()
                    + " rows it announced"));
        }
        DataSet d = new DataSet(Nd4j.createFromArray(bx).reshape(want, InputRow.WIDTH),
                Nd4j.createFromArray(by).reshape(want, 1));
        if (type != DataType.FLOAT) {
            d = new DataSet(d.getFeatures().castTo(type), d.getLabels().castTo(type));
        }
        return d;
    }

    private void startEpoch() {
        order = Minibatches.permutation(blocks.count(), new Random(seed + 1_000_003L * epoch));
        group = -1;
        groupRows = 0;
        cursor = 0;
    }

    private void loadNextGroup() {
        group++;
        int from = group * bufferBlocks;
        if (from >= blocks.count()) {
            throw new UncheckedIOException(new DataFormatException("the training rows of epoch " + epoch
                    + " ended early: the source holds fewer than the " + blocks.rows() + " rows it announced"));
        }
        int to = Math.min(blocks.count(), from + bufferBlocks);
        int n = 0;
        try {
            for (int i = from; i < to; i++) {
                n += blocks.read(order[i], x, y, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        groupRows = n;
        cursor = 0;
        long mix = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + (group + 1) * 0x165667B19E3779F9L;
        perm = Minibatches.permutation(n, new Random(mix));
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public int position() {
        return position;
    }

    @Override
    public long rowsPerEpoch() {
        return blocks.rows();
    }

    @Override
    public int batchesPerEpoch() {
        return batches;
    }

    /** Rows per minibatch. */
    public int batchSize() {
        return size;
    }

    /** Closes the blocks' source. */
    @Override
    public void close() {
        try {
            blocks.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
