package io.github.finegrain.factor;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * An immutable dense 3-way tensor {@code X: [I, J, K]} of finite doubles, axis 0 = mode 0 (length I), axis 1 =
 * mode 1 (J), axis 2 = mode 2 (K). Values are held flat in C order (row-major, last index fastest):
 * {@code X[i, j, k]} is element {@code (i * J + j) * K + k}, the layout of a C-order {@code .npy} file.
 *
 * <p>The constructor copies the values and checks them, so a {@code Tensor3} is always valid: all three dimensions
 * are positive and every value is finite.
 */
public final class Tensor3 {

    private final int dimI;
    private final int dimJ;
    private final int dimK;
    private final double[] data;

    /**
     * Builds a tensor from C-order values.
     *
     * @param dimI length of mode 0
     * @param dimJ length of mode 1
     * @param dimK length of mode 2
     * @param data values in C order, length {@code I * J * K}; copied, not modified
     * @throws IllegalArgumentException if a dimension is not positive, the length does not match, or a value is
     *                                  NaN or infinite (the message names the first bad index)
     */
    public Tensor3(int dimI, int dimJ, int dimK, double[] data) {
        if (dimI <= 0 || dimJ <= 0 || dimK <= 0) {
            throw new IllegalArgumentException("tensor dimensions must be positive, found " + dimI + " x " + dimJ
                    + " x " + dimK);
        }
        long size = (long) dimI * dimJ * dimK;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of " + dimI + " x " + dimJ + " x " + dimK + " = " + size
                    + " values is too large for one array");
        }
        if (data.length != size) {
            throw new IllegalArgumentException("a " + dimI + " x " + dimJ + " x " + dimK + " tensor needs " + size
                    + " values, found " + data.length);
        }
        for (int n = 0; n < data.length; n++) {
            if (!Double.isFinite(data[n])) {
                int k = n % dimK;
                int j = (n / dimK) % dimJ;
                int i = n / dimK / dimJ;
                throw new IllegalArgumentException("expected finite values, found " + data[n] + " at index [" + i
                        + ", " + j + ", " + k + "] (flat index " + n + ")");
            }
        }
        this.dimI = dimI;
        this.dimJ = dimJ;
        this.dimK = dimK;
        this.data = data.clone();
    }

    /**
     * Builds a tensor from C-order values with the shape given as an array.
     *
     * @param shape {@code {I, J, K}}; not modified
     * @param data  values in C order; copied, not modified
     * @throws IllegalArgumentException if {@code shape} does not have three entries, or as
     *                                  {@link #Tensor3(int, int, int, double[])}
     */
    public static Tensor3 of(int[] shape, double[] data) {
        if (shape.length != 3) {
            throw new IllegalArgumentException("expected a 3-way shape [I, J, K], found " + shape.length
                    + " dimensions " + Arrays.toString(shape));
        }
        return new Tensor3(shape[0], shape[1], shape[2], data);
    }

    /** Length of mode {@code mode} (0, 1 or 2). */
    public int dim(int mode) {
        return switch (mode) {
            case 0 -> dimI;
            case 1 -> dimJ;
            case 2 -> dimK;
            default -> throw new IllegalArgumentException("mode must be 0, 1 or 2, found " + mode);
        };
    }

    /** The shape {@code {I, J, K}} (a new array). */
    public int[] shape() {
        return new int[] {dimI, dimJ, dimK};
    }

    /** Number of values, {@code I * J * K}. */
    public int size() {
        return data.length;
    }

    /** {@code X[i, j, k]}. */
    public double get(int i, int j, int k) {
        if (i < 0 || i >= dimI || j < 0 || j >= dimJ || k < 0 || k >= dimK) {
            throw new IndexOutOfBoundsException("index [" + i + ", " + j + ", " + k + "] outside shape "
                    + shapeString());
        }
        return data[(i * dimJ + j) * dimK + k];
    }

    /** A copy of the values in C order. */
    public double[] toArray() {
        return data.clone();
    }

    /** Frobenius norm {@code ||X||_F = sqrt(sum_ijk X[i,j,k]^2)}, computed with scaling so it cannot overflow. */
    public double frobeniusNorm() {
        double scale = 0;
        for (double v : data) {
            scale = Math.max(scale, Math.abs(v));
        }
        if (scale == 0) {
            return 0;
        }
        double sum = 0;
        for (double v : data) {
            double s = v / scale;
            sum += s * s;
        }
        return scale * Math.sqrt(sum);
    }

    /**
     * The mode-{@code mode} unfolding (matricization), a new matrix of shape {@code [I_mode, product of the other
     * two lengths]}. Columns follow the C-order (NumPy/TensorLy {@code unfold}) convention: the remaining indices in
     * increasing mode order, the later one fastest.
     * <ul>
     *   <li>mode 0: {@code [I, J*K]}, {@code X_(0)[i, j*K + k] = X[i,j,k]}</li>
     *   <li>mode 1: {@code [J, I*K]}, {@code X_(1)[j, i*K + k] = X[i,j,k]}</li>
     *   <li>mode 2: {@code [K, I*J]}, {@code X_(2)[k, i*J + j] = X[i,j,k]}</li>
     * </ul>
     * (Kolda and Bader order the columns with the earlier index fastest; the two differ by a column permutation,
     * which changes neither the left singular vectors nor the CP model.)
     */
    public DMatrixRMaj unfold(int mode) {
        return switch (mode) {
            case 0 -> new DMatrixRMaj(dimI, dimJ * dimK, true, data);
            case 1 -> {
                DMatrixRMaj m = new DMatrixRMaj(dimJ, dimI * dimK);
                for (int i = 0; i < dimI; i++) {
                    for (int j = 0; j < dimJ; j++) {
                        System.arraycopy(data, (i * dimJ + j) * dimK, m.data, j * dimI * dimK + i * dimK, dimK);
                    }
                }
                yield m;
            }
            case 2 -> {
                DMatrixRMaj m = new DMatrixRMaj(dimK, dimI * dimJ);
                int cols = dimI * dimJ;
                for (int ij = 0; ij < cols; ij++) {
                    for (int k = 0; k < dimK; k++) {
                        m.data[k * cols + ij] = data[ij * dimK + k];
                    }
                }
                yield m;
            }
            default -> throw new IllegalArgumentException("mode must be 0, 1 or 2, found " + mode);
        };
    }

    /**
     * A read-only view used by the solver: the values as an {@code [I*J, K]} matrix sharing this tensor's array.
     * Package-private because the caller must not modify it.
     */
    DMatrixRMaj sharedMatrixIjByK() {
        return DMatrixRMaj.wrap(dimI * dimJ, dimK, data);
    }

    /** The shape as {@code "I x J x K"}, for messages. */
    public String shapeString() {
        return dimI + " x " + dimJ + " x " + dimK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor3 t && t.dimI == dimI && t.dimJ == dimJ && t.dimK == dimK
                && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * dimI + dimJ) + dimK) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor3[" + shapeString() + "]";
    }
}
