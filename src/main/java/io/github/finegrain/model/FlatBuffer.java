package io.github.finegrain.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element access to a contiguous FLOAT or DOUBLE {@link INDArray} (for example a layer's parameter or gradient view
 * of the network's flat vector) through a direct NIO view of its off-heap data, so that the sparse loops of the
 * spatial layers cost a memory access per element instead of a JNI call ({@code getDouble} / {@code putScalar}).
 *
 * <p>Index i is the i-th element of the array in its C-order (row-major) layout, i in [0, length). The view starts
 * at the array's offset into its {@code DataBuffer} (a parameter view of a network's flat vector has one), which
 * {@code FlatBufferTest} checks against {@code INDArray.getDouble}. Reads and writes go straight to the array's
 * memory: {@link #set} and {@link #add} modify it.
 *
 * <p>Two final subclasses, so the loops' call sites stay at most bimorphic and inline.
 */
abstract sealed class FlatBuffer permits FlatBuffer.F32, FlatBuffer.F64 {

    /**
     * A view of {@code array}.
     *
     * @throws IllegalArgumentException if the array is not FLOAT or DOUBLE, not contiguous in C order, or has more
     *                                  than {@code Integer.MAX_VALUE} elements
     */
    static FlatBuffer of(INDArray array) {
        long n = array.length();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("array of " + n + " elements is too long for direct access");
        }
        if (n > 1 && (array.ordering() != 'c' && !array.isVector() || array.elementWiseStride() != 1)) {
            throw new IllegalArgumentException("direct access needs a contiguous C-order array, found shape "
                    + Arrays.toString(array.shape()) + " with strides " + Arrays.toString(array.stride())
                    + " (order " + array.ordering() + ")");
        }
        DataType type = array.dataType();
        if (type == DataType.FLOAT) {
            FloatBuffer b = array.data().asNioFloat().slice();
            return new F32(b.limit((int) n).slice());
        }
        if (type == DataType.DOUBLE) {
            DoubleBuffer b = array.data().asNioDouble().slice();
            return new F64(b.limit((int) n).slice());
        }
        throw new IllegalArgumentException("spatial layers support FLOAT and DOUBLE arrays, found " + type);
    }

    /** Elements converted per bulk transfer of a FLOAT array. */
    private static final int CHUNK = 1 << 16;
    /** One conversion buffer per thread (256 KB), so bulk transfers do not allocate. */
    private static final ThreadLocal<float[]> CHUNKS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /** Number of elements. */
    abstract int length();

    /** Element i. */
    abstract double get(int i);

    /** Sets element i to v (rounded to float for a FLOAT array). */
    abstract void set(int i, double v);

    /** Adds v to element i. */
    abstract void add(int i, double v);

    /** Copies elements [from, from + out.length) into {@code out} (bulk transfers). */
    abstract void get(int from, double[] out);

    /** Sets elements [from, from + values.length) to {@code values} (bulk transfers). */
    abstract void set(int from, double[] values);

    /** FLOAT data. */
    static final class F32 extends FlatBuffer {
        private final FloatBuffer b;

        F32(FloatBuffer b) {
            this.b = b;
        }

        @Override
        int length() {
            return b.limit();
        }

        @Override
        double get(int i) {
            return b.get(i);
        }

        @Override
        void set(int i, double v) {
            b.put(i, (float) v);
        }

        @Override
        void add(int i, double v) {
            b.put(i, (float) (b.get(i) + v));
        }

        @Override
        void get(int from, double[] out) {
            float[] chunk = CHUNKS.get();
            for (int start = 0; start < out.length; start += chunk.length) {
                int n = Math.min(chunk.length, out.length - start);
                b.get(from + start, chunk, 0, n);
                for (int k = 0; k < n; k++) {
                    out[start + k] = chunk[k];
                }
            }
        }

        @Override
        void set(int from, double[] values) {
            float[] chunk = CHUNKS.get();
            for (int start = 0; start < values.length; start += chunk.length) {
                int n = Math.min(chunk.length, values.length - start);
                for (int k = 0; k < n; k++) {
                    chunk[k] = (float) values[start + k];
                }
                b.put(from + start, chunk, 0, n);
            }
        }
    }

    /** DOUBLE data. */
    static final class F64 extends FlatBuffer {
        private final DoubleBuffer b;

        F64(DoubleBuffer b) {
            this.b = b;
        }

        @Override
        int length() {
            return b.limit();
        }

        @Override
        double get(int i) {
            return b.get(i);
        }

        @Override
        void set(int i, double v) {
            b.put(i, v);
        }

        @Override
        void add(int i, double v) {
            b.put(i, b.get(i) + v);
        }

        @Override
        void get(int from, double[] out) {
            b.get(from, out);
        }

        @Override
        void set(int from, double[] values) {
            b.put(from, values);
        }
    }
}
