package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A minibatch of {@link InputRow input rows} discretized at one layer's grids: the sparse form of ψ and φ that
 * forward and backward passes iterate over, so no dense batch × cells matrix is ever built.
 *
 * <p>Arrays (all owned by this object, not modified after construction):
 * {@code task [batch]}, {@code courtCell [batch]} (-1 when the ball handler is outside the court grid: the row then
 * has no spatial term), {@code defenderCell [batch, 5]} flattened row-major (-1 for an absent defender or one
 * outside the box). φ_c is the number of entries equal to c in a row.
 */
public final class DiscretizedBatch {
    final int size;
    final int[] task;
    final int[] courtCell;
    final int[] defenderCell;

    private DiscretizedBatch(int size, int[] task, int[] courtCell, int[] defenderCell) {
        this.size = size;
        this.task = task;
        this.courtCell = courtCell;
        this.defenderCell = defenderCell;
    }

    /**
     * Discretizes {@code input} [batch, 13].
     *
     * @throws IllegalArgumentException if the input is not [batch, 13], or a task index is not an integer in
     *                                  [0, tasks) (the message names the row)
     */
    public static DiscretizedBatch of(INDArray input, int tasks, GridSpec court, GridSpec box) {
        if (input.rank() != 2 || input.size(1) != InputRow.WIDTH) {
            throw new IllegalArgumentException("spatial layer input must be [batch, " + InputRow.WIDTH
                    + "] (task, ball handler x, y, 5 defenders dx, dy), found " + Arrays.toString(input.shape()));
        }
        INDArray contiguous = input;
        if (input.ordering() != 'c' || input.elementWiseStride() != 1
                || (input.dataType() != DataType.FLOAT && input.dataType() != DataType.DOUBLE)) {
            contiguous = input.castTo(DataType.DOUBLE).dup('c');
        }
        int n = (int) input.size(0);
        double[] in = new double[n * InputRow.WIDTH];
        FlatBuffer.of(contiguous).get(0, in);
        int[] task = new int[n];
        int[] court0 = new int[n];
        int[] def = new int[n * InputRow.DEFENDERS];
        for (int r = 0; r < n; r++) {
            int row = r * InputRow.WIDTH;
            double t = in[row + InputRow.TASK];
            if (!(t >= 0 && t < tasks && t == Math.rint(t))) {
                throw new IllegalArgumentException("input row " + r + ": task index " + t
                        + " is not an integer in [0, " + tasks + ")");
            }
            task[r] = (int) t;
            court0[r] = court.cellOf(in[row + InputRow.BALL_HANDLER_X], in[row + InputRow.BALL_HANDLER_Y]);
            for (int k = 0; k < InputRow.DEFENDERS; k++) {
                int col = row + InputRow.FIRST_DEFENDER + 2 * k;
                def[r * InputRow.DEFENDERS + k] = box.cellOf(in[col], in[col + 1]);
            }
        }
        return new DiscretizedBatch(n, task, court0, def);
    }

    /** Number of rows. */
    public int size() {
        return size;
    }
}
