package io.github.finegrain.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.Indexer;
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
 * <p>An NIO view can address at most 2 GiB from the start of the underlying buffer; an array whose data ends beyond
 * that (more than about 536 M floats or 268 M doubles) is accessed through JavaCPP's raw indexer instead
 * ({@link Indexed}, slower bulk transfers, same results). The NIO classes are final, so the loops' call sites stay at
 * most bimorphic and inline.
 */
public abstract sealed class FlatBuffer permits FlatBuffer.F32, FlatBuffer.F64, FlatBuffer.Indexed {

    /**
     * A view of {@code array}.
     *
     * @throws IllegalArgumentException if the array is not FLOAT or DOUBLE, not contiguous in C order, or has more
     *                                  than {@code Integer.MAX_VALUE} elements
     */
    public static FlatBuffer of(INDArray array) {
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
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("spatial layers support FLOAT and DOUBLE arrays, found " + type);
        }
        if ((array.data().offset() + n) * type.width() > Integer.MAX_VALUE) {
            return viaIndexer(array);
        }
        if (type == DataType.FLOAT) {
            FloatBuffer b = array.data().asNioFloat().slice();
            return new F32(b.limit((int) n).slice());
        }
        DoubleBuffer b = array.data().asNioDouble().slice();
        return new F64(b.limit((int) n).slice());
    }

    /**
     * A view of {@code array} through JavaCPP's indexer (any size); {@link #of} uses it for arrays beyond an NIO
     * view's reach. Same checks as {@link #of}.
     */
    static FlatBuffer viaIndexer(INDArray array) {
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
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("spatial layers support FLOAT and DOUBLE arrays, found " + type);
        }
        return new Indexed(array.data().indexer(), (int) n);
    }

    /** Elements converted per bulk transfer of a FLOAT array. */
    private static final int CHUNK = 1 << 16;
    /** One conversion buffer per thread (256 KB), so bulk transfers do not allocate. */
    private static final ThreadLocal<float[]> CHUNKS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /** Number of elements. */
    public abstract int length();

    /** Element i. */
    public abstract double get(int i);

    /** Sets element i to v (rounded to float for a FLOAT array). */
    public abstract void set(int i, double v);

    /** Adds v to element i. */
    public abstract void add(int i, double v);

    /** Copies elements [from, from + out.length) into {@code out} (bulk transfers). */
    public abstract void get(int from, double[] out);

    /** Sets elements [from, from + values.length) to {@code values} (bulk transfers). */
    public abstract void set(int from, double[] values);

    /** FLOAT data. */
    static final class F32 extends FlatBuffer {
        private final FloatBuffer b;

        F32(FloatBuffer b) {
            this.b = b;
        }

        @Override
        public int length() {
            return b.limit();
        }

        @Override
        public double get(int i) {
            return b.get(i);
        }

        @Override
        public void set(int i, double v) {
            b.put(i, (float) v);
        }

        @Override
        public void add(int i, double v) {
            b.put(i, (float) (b.get(i) + v));
        }

        @Override
        public void get(int from, double[] out) {
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
        public void set(int from, double[] values) {
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
        public int length() {
            return b.limit();
        }

        @Override
        public double get(int i) {
            return b.get(i);
        }

        @Override
        public void set(int i, double v) {
            b.put(i, v);
        }

        @Override
        public void add(int i, double v) {
            b.put(i, b.get(i) + v);
        }

        @Override
        public void get(int from, double[] out) {
            b.get(from, out);
        }

        @Override
        public void set(int from, double[] values) {
            b.put(from, values);
        }
    }

    /** Any FLOAT or DOUBLE data, through a JavaCPP indexer whose index 0 is the array's first element. */
    static final class Indexed extends FlatBuffer {
        private final Indexer ix;
        private final int n;

        Indexed(Indexer ix, int n) {
            this.ix = ix;
            this.n = n;
        }

        private void check(int i) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("index " + i + " outside [0, " + n + ")");
            }
        }

        @Override
        public int length() {
            return n;
        }

        @Override
        public double get(int i) {
            check(i);
            return ix instanceof FloatIndexer f ? f.get((long) i) : ((DoubleIndexer) ix).get((long) i);
        }

        @Override
        public void set(int i, double v) {
            check(i);
            if (ix instanceof FloatIndexer f) {
                f.put((long) i, (float) v);
            } else {
                ((DoubleIndexer) ix).put((long) i, v);
            }
        }

        @Override
        public void add(int i, double v) {
            set(i, get(i) + v);
        }

        @Override
        public void get(int from, double[] out) {
            if (out.length == 0) {
                return;
            }
            check(from);
            check(from + out.length - 1);
            for (int k = 0; k < out.length; k++) {
                out[k] = get(from + k);
            }
        }

        @Override
        public void set(int from, double[] values) {
            if (values.length == 0) {
                return;
            }
            check(from);
            check(from + values.length - 1);
            for (int k = 0; k < values.length; k++) {
                set(from + k, values[k]);
            }
        }
    }
}
