package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A minibatch of input rows ({@link InputLayout}) discretized at one layer's grids: the sparse form of ψ and φ that
 * forward and backward passes iterate over, so no dense batch × cells matrix is ever built.
 *
 * <p>Arrays (all owned by this object, not modified after construction):
 * {@code task [batch]}, {@code courtCell [batch]} (-1 when the anchor (ball handler) is outside the court grid: the
 * row then has no spatial term), {@code defenderCell [batch, contextPoints]} flattened row-major (-1 for an absent
 * context point (defender) or one outside the box). φ_c is the number of entries equal to c in a row.
 */
public final class DiscretizedBatch {
    final int size;
    final int[] task;
    final int[] courtCell;
    final int[] defenderCell;
    /** k, context points (defenders) per row: the row stride of {@code defenderCell}. */
    final int contextPoints;

    private DiscretizedBatch(int size, int[] task, int[] courtCell, int[] defenderCell, int contextPoints) {
        this.size = size;
        this.contextPoints = contextPoints;
        this.task = task;
        this.courtCell = courtCell;
        this.defenderCell = defenderCell;
    }

    /**
     * Discretizes {@code input} [batch, layout.width()] laid out as {@code layout}.
     *
     * @throws IllegalArgumentException if the input is not [batch, layout.width()], or a task index is not an
     *                                  integer in [0, tasks) (the message names the row)
     */
    public static DiscretizedBatch of(INDArray input, InputLayout layout, int tasks, GridSpec court, GridSpec box) {
        int width = layout.width();
        if (input.rank() != 2 || input.size(1) != width) {
            throw new IllegalArgumentException("spatial layer input must be [batch, " + width + "] ("
                    + layout.describe() + "), found " + Arrays.toString(input.shape()));
        }
        INDArray contiguous = input;
        if (input.ordering() != 'c' || input.elementWiseStride() != 1
                || (input.dataType() != DataType.FLOAT && input.dataType() != DataType.DOUBLE)) {
            contiguous = input.castTo(DataType.DOUBLE).dup('c');
        }
        int n = (int) input.size(0);
        int k = layout.contextPoints();
        double[] in = new double[n * width];
        FlatBuffer.of(contiguous).get(0, in);
        int[] task = new int[n];
        int[] court0 = new int[n];
        int[] def = new int[n * k];
        for (int r = 0; r < n; r++) {
            int row = r * width;
            double t = in[row + layout.taskColumn()];
            if (!(t >= 0 && t < tasks && t == Math.rint(t))) {
                throw new IllegalArgumentException("input row " + r + ": task index " + t
                        + " is not an integer in [0, " + tasks + ")");
            }
            task[r] = (int) t;
            court0[r] = court.cellOf(in[row + layout.anchorX()], in[row + layout.anchorY()]);
            for (int j = 0; j < k; j++) {
                int col = row + layout.contextX(j);
                def[r * k + j] = box.cellOf(in[col], in[col + 1]);
            }
        }
        return new DiscretizedBatch(n, task, court0, def, k);
    }

    /** Number of rows. */
    public int size() {
        return size;
    }
}
