package io.github.finegrain.model;

import java.util.Arrays;
import java.util.List;

/**
 * The rows of each {@link RowBlock} that one backward pass wrote gradient into, each listed once in the order first
 * touched. A row counts as touched when a minibatch row indexes it (its task, its court cell, its defender cells),
 * even if its gradient happens to be exactly 0.
 *
 * <p>Owned and refilled by the layer at every row-sparse backward pass ({@link RowSparseLayer#touchedRows()}); a
 * reader must not keep it past the next training step. Memory: one int and one boolean per row of every block,
 * allocated once; clearing costs the touched rows only.
 */
public final class TouchedRows {
    private final List<RowBlock> blocks;
    private final int[][] rows;
    private final int[] count;
    private final boolean[][] marked;

    TouchedRows(List<RowBlock> blocks) {
        this.blocks = List.copyOf(blocks);
        rows = new int[blocks.size()][];
        count = new int[blocks.size()];
        marked = new boolean[blocks.size()][];
        for (int i = 0; i < blocks.size(); i++) {
            rows[i] = new int[Math.min(blocks.get(i).rows(), 1024)];
            marked[i] = new boolean[blocks.get(i).rows()];
        }
    }

    /** The blocks, in the layer's flat parameter order. */
    public List<RowBlock> blocks() {
        return blocks;
    }

    /** Number of touched rows of block {@code block} (an index into {@link #blocks()}). */
    public int count(int block) {
        return count[block];
    }

    /** The i-th touched row of block {@code block}, i in [0, count(block)). */
    public int row(int block, int i) {
        if (i >= count[block]) {
            throw new IndexOutOfBoundsException("touched row " + i + " of " + count[block]);
        }
        return rows[block][i];
    }

    /** Index of the block with parameter key {@code key}, or -1. */
    public int blockIndex(String key) {
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** Total touched rows over all blocks. */
    public int total() {
        int n = 0;
        for (int c : count) {
            n += c;
        }
        return n;
    }

    /** Records that {@code row} of {@code block} has gradient (a no-op if it is already recorded). */
    void touch(int block, int row) {
        if (!marked[block][row]) {
            marked[block][row] = true;
            if (count[block] == rows[block].length) {
                rows[block] = Arrays.copyOf(rows[block], Math.min(blocks.get(block).rows(), 2 * count[block]));
            }
            rows[block][count[block]++] = row;
        }
    }

    /** Writes 0 over the recorded rows of {@code view} (a layer-shaped flat array), then forgets them. */
    void zeroAndClear(FlatBuffer view) {
        for (int k = 0; k < blocks.size(); k++) {
            RowBlock b = blocks.get(k);
            int len = b.rowLength();
            for (int i = 0; i < count[k]; i++) {
                int from = (int) (b.offset() + (long) rows[k][i] * len);
                for (int j = 0; j < len; j++) {
                    view.set(from + j, 0);
                }
            }
        }
        clear();
    }

    /** Forgets the recorded rows. */
    void clear() {
        for (int k = 0; k < blocks.size(); k++) {
            for (int i = 0; i < count[k]; i++) {
                marked[k][rows[k][i]] = false;
            }
            count[k] = 0;
        }
    }
}
