package io.github.finegrain.npy;

import java.util.Arrays;

/**
 * An n-dimensional array read from or written to a {@code .npy} file, held as a flat C-order (row-major)
 * {@code double[]}. Integer files are widened to double exactly (|value| &lt; 2^53 is checked on read).
 *
 * @param shape the dimensions, outermost first; the empty array is a scalar
 * @param data  the values in C order; {@code data.length} is the product of {@code shape}. Not copied: the caller
 *              that builds the record gives up ownership.
 */
public record NpyArray(int[] shape, double[] data) {

    /** Validates that {@code data.length} equals the product of {@code shape}. */
    public NpyArray {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values, but data has " + data.length);
        }
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Element at a full index (C order). */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + index.length + " for array of shape "
                    + Arrays.toString(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape "
                        + Arrays.toString(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return data[flat];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape);
    }
}
