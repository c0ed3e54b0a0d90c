package io.github.finegrain.train;

import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A {@link MinibatchStream} over rows held in memory. Epoch e (1-based) uses the permutation drawn by
 * {@code new Random(seed + 1_000_003L * e)}, so the stream's state is just (epoch, position); minibatches are
 * gathered when needed ({@link Minibatches.Gather}), never an epoch's worth at once.
 */
public final class InMemoryMinibatchStream implements MinibatchStream {
    private final DataSet rows;
    private final Minibatches.Gather gather;
    private final int size;
    private final long seed;
    private int[] current; // the epoch's row order
    private int epoch;
    private int position;

    /**
     * @param rows     the training rows; not modified, not copied (the caller keeps them alive)
     * @param size     rows per minibatch (&ge; 1)
     * @param seed     the run's shuffling seed
     * @param epoch    epoch to continue (0 for a fresh stream)
     * @param position minibatches already taken in that epoch
     */
    public InMemoryMinibatchStream(DataSet rows, int size, long seed, int epoch, int position) {
        if (size < 1) {
            throw new IllegalArgumentException("minibatch size must be >= 1, found " + size);
        }
        this.rows = rows;
        this.gather = new Minibatches.Gather(rows);
        this.size = size;
        this.seed = seed;
        this.epoch = epoch;
        this.position = position;
        if (epoch > 0) {
            current = Minibatches.permutation(rows.numExamples(), new Random(seed + 1_000_003L * epoch));
        }
    }

    @Override
    public DataSet next() {
        if (current == null || position == batchesPerEpoch()) {
            epoch++;
            current = Minibatches.permutation(rows.numExamples(), new Random(seed + 1_000_003L * epoch));
            position = 0;
        }
        int from = position++ * size;
        return gather.batch(current, from, Math.min(rows.numExamples(), from + size));
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
        return rows.numExamples();
    }

    @Override
    public int batchesPerEpoch() {
        return (rows.numExamples() + size - 1) / size;
    }
}
