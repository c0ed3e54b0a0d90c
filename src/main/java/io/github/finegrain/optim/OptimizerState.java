package io.github.finegrain.optim;

import io.github.finegrain.model.FlatBuffer;
import io.github.finegrain.model.RowBlock;
import io.github.finegrain.model.TouchedRows;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The state of a row-sparse optimizer for one spatial layer, and its update of the touched rows (the rules of
 * {@link SparseOptimizer}).
 *
 * <p>Per {@link RowBlock} of the layer: lazy Adam keeps the first and second moments {@code m}, {@code v} (one entry
 * per parameter, same layout as the block) and a step count per row; Adagrad keeps the accumulated squares {@code h}
 * (in {@code v}); SGD keeps nothing. The moment arrays live off the Java heap (ND4J arrays of the network's data
 * type, FLOAT or DOUBLE, as DL4J's own updater state); arithmetic is done in double and stored in that type.
 *
 * <p>Mutable: {@link #apply} changes the state and the parameters. One thread at a time.
 */
public final class OptimizerState {
    /** Version of the {@link #write} format. */
    public static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x46474f53; // "FGOS"
    /** Limits of {@link #read}: no block above 2^31 entries, no more than 16 blocks. */
    private static final int MAX_BLOCKS = 16;

    private final SparseOptimizer config;
    private final List<RowBlock> blocks;
    private final DataType dataType;
    /** Per block: first moment (lazy Adam) or null. */
    private final INDArray[] m;
    /** Per block: second moment (lazy Adam) or accumulated squares (Adagrad), or null. */
    private final INDArray[] v;
    /** Per block: step count per row (lazy Adam), or null. */
    private final int[][] steps;

    private OptimizerState(SparseOptimizer config, List<RowBlock> blocks, DataType dataType, INDArray[] m,
            INDArray[] v, int[][] steps) {
        this.config = config;
        this.blocks = List.copyOf(blocks);
        this.dataType = dataType;
        this.m = m;
        this.v = v;
        this.steps = steps;
    }

    /**
     * A fresh state: moments and step counts 0, except Adagrad's accumulated squares, which start at ε as in DL4J's
     * {@code AdaGradUpdater}.
     *
     * @param config   the optimizer
     * @param blocks   the layer's row blocks ({@link io.github.finegrain.model.RowSparseLayer#rowBlocks()})
     * @param dataType FLOAT or DOUBLE, the network's
     * @throws IllegalArgumentException if an argument is null or the type is not FLOAT or DOUBLE
     */
    public static OptimizerState fresh(SparseOptimizer config, List<RowBlock> blocks, DataType dataType) {
        if (config == null || blocks == null || blocks.isEmpty()) {
            throw new IllegalArgumentException("an optimizer and row blocks are required");
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("optimizer state must be FLOAT or DOUBLE, found " + dataType);
        }
        int n = blocks.size();
        INDArray[] m = new INDArray[n];
        INDArray[] v = new INDArray[n];
        int[][] steps = new int[n][];
        for (int i = 0; i < n; i++) {
            RowBlock b = blocks.get(i);
            if (config.kind() == SparseOptimizer.Kind.ADAGRAD) {
                v[i] = Nd4j.zeros(dataType, b.size()).addi(config.epsilon()); // DL4J's AdaGradUpdater starts at ε
            } else if (config.kind() == SparseOptimizer.Kind.LAZY_ADAM) {
                v[i] = Nd4j.zeros(dataType, b.size());
            }
            if (config.kind() == SparseOptimizer.Kind.LAZY_ADAM) {
                m[i] = Nd4j.zeros(dataType, b.size());
                steps[i] = new int[b.rows()];
            }
        }
        return new OptimizerState(config, blocks, dataType, m, v, steps);
    }

    /**
     * A state over moment arrays held elsewhere, used as given (not copied): {@link #apply} writes into them. The
     * Spark workers use this to run the row-sparse step on slices of DL4J's updater state view, which parameter
     * averaging then averages with the parameters.
     *
     * @param m     per block: first moments (lazy Adam: required, length {@code block.size()}; otherwise null)
     * @param v     per block: second moments (lazy Adam) or accumulated squares (Adagrad), length
     *              {@code block.size()}; null for SGD
     * @param steps per block: step count per row (lazy Adam: required, length {@code block.rows()}; otherwise null)
     * @throws IllegalArgumentException if an array is missing, of another length, or not FLOAT/DOUBLE contiguous
     */
    public static OptimizerState wrap(SparseOptimizer config, List<RowBlock> blocks, INDArray[] m, INDArray[] v,
            int[][] steps) {
        if (config == null || blocks == null || blocks.isEmpty() || m == null || v == null || steps == null
                || m.length != blocks.size() || v.length != blocks.size() || steps.length != blocks.size()) {
            throw new IllegalArgumentException("an optimizer, row blocks and one m, v, steps entry per block are "
                    + "required");
        }
        boolean adam = config.kind() == SparseOptimizer.Kind.LAZY_ADAM;
        boolean squares = adam || config.kind() == SparseOptimizer.Kind.ADAGRAD;
        DataType type = null;
        for (int i = 0; i < blocks.size(); i++) {
            RowBlock b = blocks.get(i);
            for (INDArray a : new INDArray[] {adam ? m[i] : null, squares ? v[i] : null}) {
                if (a == null) {
                    continue;
                }
                FlatBuffer.of(a); // contiguous FLOAT or DOUBLE, else IllegalArgumentException
                if (a.length() != b.size() || type != null && a.dataType() != type) {
                    throw new IllegalArgumentException("block " + b.key() + ": moment array of " + a.length() + " "
                            + a.dataType() + " entries, expected " + b.size() + (type == null ? "" : " " + type));
                }
                type = a.dataType();
            }
            if (adam && (m[i] == null || v[i] == null || steps[i] == null || steps[i].length != b.rows())
                    || squares && v[i] == null) {
                throw new IllegalArgumentException("block " + b.key() + ": " + config.kind().label() + " needs "
                        + (adam ? "m, v and " + b.rows() + " step counts" : "v"));
            }
        }
        INDArray[] mm = new INDArray[blocks.size()];
        INDArray[] vv = new INDArray[blocks.size()];
        int[][] ss = new int[blocks.size()][];
        for (int i = 0; i < blocks.size(); i++) {
            mm[i] = adam ? m[i] : null;
            vv[i] = squares ? v[i] : null;
            ss[i] = adam ? steps[i] : null;
        }
        return new OptimizerState(config, blocks, type == null ? DataType.FLOAT : type, mm, vv, ss);
    }

    /**
     * This state with another learning rate (moments and step counts shared, not copied: use the returned state
     * instead of this one).
     *
     * @throws IllegalArgumentException if the rate is not positive and finite
     */
    public OptimizerState withLearningRate(double learningRate) {
        return new OptimizerState(config.withLearningRate(learningRate), blocks, dataType, m, v, steps);
    }

    /** The optimizer. */
    public SparseOptimizer config() {
        return config;
    }

    /** The row blocks this state is for. */
    public List<RowBlock> blocks() {
        return blocks;
    }

    /** Data type of the moment arrays. */
    public DataType dataType() {
        return dataType;
    }

    /** Bytes held: moment arrays plus step counts (4 bytes per row). */
    public long sizeBytes() {
        long bytes = 0;
        for (int i = 0; i < blocks.size(); i++) {
            bytes += m[i] == null ? 0 : m[i].length() * dataType.width();
            bytes += v[i] == null ? 0 : v[i].length() * dataType.width();
            bytes += steps[i] == null ? 0 : 4L * steps[i].length;
        }
        return bytes;
    }

    /** Lazy Adam: the step count of {@code row} of block {@code block} (0 if never touched; 0 for other kinds). */
    public int steps(int block, int row) {
        return steps[block] == null ? 0 : steps[block][row];
    }

    /** A copy of the first moment of block {@code block} (lazy Adam), or null. */
    public double[] firstMoment(int block) {
        return copy(m[block]);
    }

    /** A copy of the second moment (lazy Adam) or accumulated squares (Adagrad) of block {@code block}, or null. */
    public double[] secondMoment(int block) {
        return copy(v[block]);
    }

    private static double[] copy(INDArray a) {
        if (a == null) {
            return null;
        }
        double[] out = new double[(int) a.length()];
        FlatBuffer.of(a).get(0, out);
        return out;
    }

    /**
     * Updates the touched rows: for each row of each block recorded in {@code touched}, the gradient is read from
     * {@code gradient} (raw sum over the minibatch), divided by {@code batchSize}, L2 added for weight blocks, and the
     * rule of {@link SparseOptimizer} applied to the row's parameters and state. Nothing else is read or written.
     *
     * @param touched   the rows of the last backward pass; not modified
     * @param params    the layer's flat parameter vector (modified at the touched rows)
     * @param gradient  the layer's flat gradient view; not modified
     * @param batchSize the minibatch size (&ge; 1)
     * @return the change of Σ w² over the weight blocks caused by this update
     * @throws IllegalArgumentException if the touched rows are for other blocks
     */
    public double apply(TouchedRows touched, FlatBuffer params, FlatBuffer gradient, int batchSize) {
        if (!touched.blocks().equals(blocks)) {
            throw new IllegalArgumentException("touched rows of blocks " + touched.blocks() + " for a state of "
                    + blocks);
        }
        double inv = 1.0 / batchSize;
        double lr = config.learningRate();
        double eps = config.epsilon();
        double b1 = config.beta1();
        double b2 = config.beta2();
        double sqDelta = 0;
        for (int k = 0; k < blocks.size(); k++) {
            RowBlock b = blocks.get(k);
            double l2 = b.weight() ? config.l2() : 0;
            int len = b.rowLength();
            FlatBuffer mb = m[k] == null ? null : FlatBuffer.of(m[k]);
            FlatBuffer vb = v[k] == null ? null : FlatBuffer.of(v[k]);
            for (int i = 0; i < touched.count(k); i++) {
                int row = touched.row(k, i);
                int local = row * len;
                int from = (int) (b.offset() + (long) local);
                double alpha = lr;
                if (config.kind() == SparseOptimizer.Kind.LAZY_ADAM) {
                    int t = ++steps[k][row];
                    alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
                }
                for (int j = 0; j < len; j++) {
                    double w = params.get(from + j);
                    double g = gradient.get(from + j) * inv + l2 * w;
                    double step;
                    switch (config.kind()) {
                        case SGD -> step = lr * g;
                        case ADAGRAD -> {
                            double h = vb.get(local + j) + g * g;
                            vb.set(local + j, h);
                            step = lr * g / (Math.sqrt(h) + eps);
                        }
                        default -> {
                            double mj = b1 * mb.get(local + j) + (1 - b1) * g;
                            double vj = b2 * vb.get(local + j) + (1 - b2) * g * g;
                            mb.set(local + j, mj);
                            vb.set(local + j, vj);
                            step = alpha * mj / (Math.sqrt(vj) + eps);
                        }
                    }
                    params.set(from + j, w - step);
                    if (b.weight()) {
                        double nw = params.get(from + j); // as stored (rounded to the data type)
                        sqDelta += nw * nw - w * w;
                    }
                }
            }
        }
        return sqDelta;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // fine-graining support (StateFineGraining)

    /** The raw arrays of block {@code k}: [m, v] (either may be null). */
    INDArray[] arrays(int k) {
        return new INDArray[] {m[k], v[k]};
    }

    int[] stepArray(int k) {
        return steps[k];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // file format

    /**
     * Writes the state (version {@value #FORMAT_VERSION}, big-endian): magic {@code FGOS}, version, the optimizer
     * (kind label, lr, l2, β1, β2, ε), the data type name, the block count, then per block its key, offset, rows, row
     * length and weight flag, a flag and the step counts (rows ints) if present, and flags and the values of m and v if
     * present (in the data type: 4-byte floats or 8-byte doubles). The stream is not closed.
     *
     * @throws IOException from the stream
     */
    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
        d.writeInt(MAGIC);
        d.writeInt(FORMAT_VERSION);
        d.writeUTF(config.kind().label());
        d.writeDouble(config.learningRate());
        d.writeDouble(config.l2());
        d.writeDouble(config.beta1());
        d.writeDouble(config.beta2());
        d.writeDouble(config.epsilon());
        d.writeUTF(dataType.name());
        d.writeInt(blocks.size());
        double[] chunk = new double[1 << 14];
        for (int k = 0; k < blocks.size(); k++) {
            RowBlock b = blocks.get(k);
            d.writeUTF(b.key());
            d.writeLong(b.offset());
            d.writeInt(b.rows());
            d.writeInt(b.rowLength());
            d.writeBoolean(b.weight());
            d.writeBoolean(steps[k] != null);
            if (steps[k] != null) {
                for (int s : steps[k]) {
                    d.writeInt(s);
                }
            }
            for (INDArray a : new INDArray[] {m[k], v[k]}) {
                d.writeBoolean(a != null);
                if (a != null) {
                    FlatBuffer f = FlatBuffer.of(a);
                    int n = f.length();
                    for (int from = 0; from < n; from += chunk.length) {
                        int len = Math.min(chunk.length, n - from);
                        double[] c = len == chunk.length ? chunk : new double[len];
                        f.get(from, c);
                        for (double x : c) {
                            if (dataType == DataType.FLOAT) {
                                d.writeFloat((float) x);
                            } else {
                                d.writeDouble(x);
                            }
                        }
                    }
                }
            }
        }
        d.flush();
    }

    /**
     * Reads a state written by {@link #write}.
     *
     * @throws IOException from the stream, or with a message naming the field if the content is not a valid state of
     *                     a known version (wrong magic, unknown version, kind or type, negative sizes, arrays
     *                     inconsistent with the kind, truncated data)
     */
    public static OptimizerState read(InputStream in) throws IOException {
        return read(in, null);
    }

    /**
     * Reads a state written by {@link #write} for a layer with row blocks {@code expected}: each block's header is
     * checked against the expected one before anything is allocated for it (so an untrusted file cannot make the reader
     * allocate more than the layer's own size).
     *
     * @param expected the layer's row blocks ({@link io.github.finegrain.model.RowSparseLayer#rowBlocks()}), or null
     *                 to accept any blocks (sizes are then only bounded by 2^31 entries per block)
     * @throws IOException as {@link #read(InputStream)}, or if a block differs from the expected one
     */
    public static OptimizerState read(InputStream in, List<RowBlock> expected) throws IOException {
        DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        try {
            if (d.readInt() != MAGIC) {
                throw new IOException("not an optimizer state (magic FGOS expected)");
            }
            int version = d.readInt();
            if (version != FORMAT_VERSION) {
                throw new IOException("optimizer state format version " + version + " is not supported (expected "
                        + FORMAT_VERSION + ")");
            }
            SparseOptimizer config;
            try {
                config = new SparseOptimizer(SparseOptimizer.Kind.fromLabel(d.readUTF()), d.readDouble(),
                        d.readDouble(), d.readDouble(), d.readDouble(), d.readDouble());
            } catch (IllegalArgumentException e) {
                throw new IOException("optimizer state: invalid optimizer: " + e.getMessage(), e);
            }
            String typeName = d.readUTF();
            DataType type = "FLOAT".equals(typeName) ? DataType.FLOAT : "DOUBLE".equals(typeName) ? DataType.DOUBLE
                    : null;
            if (type == null) {
                throw new IOException("optimizer state: data type FLOAT or DOUBLE expected, found '" + typeName + "'");
            }
            int n = d.readInt();
            if (n < 1 || n > MAX_BLOCKS) {
                throw new IOException("optimizer state: block count " + n + " outside [1, " + MAX_BLOCKS + "]");
            }
            if (expected != null && n != expected.size()) {
                throw new IOException("optimizer state: " + n + " row blocks, the layer has " + expected.size());
            }
            List<RowBlock> blocks = new ArrayList<>();
            INDArray[] m = new INDArray[n];
            INDArray[] v = new INDArray[n];
            int[][] steps = new int[n][];
            for (int k = 0; k < n; k++) {
                RowBlock b;
                try {
                    b = new RowBlock(d.readUTF(), d.readLong(), d.readInt(), d.readInt(), d.readBoolean());
                } catch (IllegalArgumentException e) {
                    throw new IOException("optimizer state: block " + k + ": " + e.getMessage(), e);
                }
                if (expected != null && (k >= expected.size() || !expected.get(k).equals(b))) {
                    throw new IOException("optimizer state: block " + k + " is " + b + ", the layer's is "
                            + (k < expected.size() ? expected.get(k) : "absent"));
                }
                if (b.size() > Integer.MAX_VALUE - 8) {
                    throw new IOException("optimizer state: block " + b.key() + " of " + b.size() + " entries is too large");
                }
                blocks.add(b);
                boolean hasSteps = d.readBoolean();
                if (hasSteps != (config.kind() == SparseOptimizer.Kind.LAZY_ADAM)) {
                    throw new IOException("optimizer state: block " + b.key() + ": step counts "
                            + (hasSteps ? "present" : "missing") + " for " + config.kind().label());
                }
                if (hasSteps) {
                    steps[k] = new int[b.rows()];
                    for (int r = 0; r < b.rows(); r++) {
                        int s = d.readInt();
                        if (s < 0) {
                            throw new IOException("optimizer state: block " + b.key() + " row " + r
                                    + ": negative step count " + s);
                        }
                        steps[k][r] = s;
                    }
                }
                for (int which = 0; which < 2; which++) {
                    boolean present = d.readBoolean();
                    boolean wanted = which == 0 ? config.kind() == SparseOptimizer.Kind.LAZY_ADAM
                            : config.kind() != SparseOptimizer.Kind.SGD;
                    if (present != wanted) {
                        throw new IOException("optimizer state: block " + b.key() + ": moment " + (which + 1) + " "
                                + (present ? "present" : "missing") + " for " + config.kind().label());
                    }
                    if (present) {
                        INDArray a = Nd4j.zeros(type, b.size());
                        FlatBuffer f = FlatBuffer.of(a);
                        double[] chunk = new double[(int) Math.min(1 << 14, b.size())];
                        for (int from = 0; from < b.size(); from += chunk.length) {
                            int len = (int) Math.min(chunk.length, b.size() - from);
                            double[] c = len == chunk.length ? chunk : new double[len];
                            for (int i = 0; i < len; i++) {
                                c[i] = type == DataType.FLOAT ? d.readFloat() : d.readDouble();
                            }
                            f.set(from, c);
                        }
                        if (which == 0) {
                            m[k] = a;
                        } else {
                            v[k] = a;
                        }
                    }
                }
            }
            return new OptimizerState(config, blocks, type, m, v, steps);
        } catch (java.io.EOFException e) {
            throw new IOException("optimizer state: truncated file", e);
        }
    }

    /** A state of {@code config} for {@code blocks} with the given arrays (used by fine-graining). */
    static OptimizerState of(SparseOptimizer config, List<RowBlock> blocks, DataType type, INDArray[] m, INDArray[] v,
            int[][] steps) {
        return new OptimizerState(config, blocks, type, m, v, steps);
    }
}
