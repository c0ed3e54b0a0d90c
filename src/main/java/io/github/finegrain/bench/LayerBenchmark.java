package io.github.finegrain.bench;

import io.github.finegrain.model.CpLayerSpec;
import io.github.finegrain.model.CpSpatialLayer;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.grid.GridSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * A simple timing harness (not a test, not JMH) for the two spatial layers at the paper's finest benchmark size:
 * 300 tasks, court 40x50 (1 ft cells), defender box 12x12 (1 ft cells, + the constant entry), CP rank 20, minibatches
 * of 1024 rows. Prints, per 1024 rows (median and minimum over repeated rounds after warm-up, milliseconds; ratios
 * are of the minima, which other load on the machine disturbs least):
 * <ol>
 *   <li>forward + backward with no updater, of the layer alone (its {@code activate} and {@code backpropGradient}
 *   called directly, ε = sigmoid(z) - y computed in Java) and of the whole network ({@code computeGradientAndScore}
 *   of [spatial layer → DL4J sigmoid binary cross-entropy loss layer]), against a plain-Java loop doing the same math
 *   (discretization of the raw rows, logits, sigmoid cross-entropy, gradient accumulation) on plain {@code double[]}
 *   arrays; for the full-rank layer the plain
 *   loop is timed twice: zeroing its whole dense gradient each batch (what the layer must do, because DL4J's updater
 *   rewrites the whole gradient view) and resetting only the entries it touched;</li>
 *   <li>the whole training step ({@code fit} on one minibatch) with SGD and with Adam;</li>
 *   <li>parameter memory of each layer (parameters, gradient view, Adam state).</li>
 * </ol>
 * It also checks that the plain loop and the layer give the same logits on one batch.
 *
 * <p>Usage: {@code java -Xmx4g -Dorg.bytedeco.javacpp.maxbytes=10G -Dorg.bytedeco.javacpp.maxphysicalbytes=14G
 * -cp ... io.github.finegrain.bench.LayerBenchmark [full|cp|both] [float|double|both] [rounds]}. Defaults: both
 * layers, FLOAT and DOUBLE, 7 rounds. The full-rank F is 300 x 2000 x 145 = 87 M entries (348 MB in float, 696 MB
 * in double), and the gradient view and Adam's state are as large again (1x and 2x).
 */
public final class LayerBenchmark {

    static final int TASKS = 300;
    static final GridSpec COURT = GridSpec.court(40, 50);
    static final GridSpec BOX = GridSpec.defenderBox(12, 12);
    static final int RANK = 20;
    static final int ROWS = 1024;
    static final int BATCHES = 16;
    static final int WARMUP_ROUNDS = 3;
    static final int WARMUP_SECONDS = 4;

    private LayerBenchmark() {
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) {
        String layers = args.length > 0 ? args[0] : "both";
        String types = args.length > 1 ? args[1] : "both";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        List<DataType> dataTypes = new ArrayList<>();
        if (!types.equals("double")) {
            dataTypes.add(DataType.FLOAT);
        }
        if (!types.equals("float")) {
            dataTypes.add(DataType.DOUBLE);
        }
        Data data = Data.random(BATCHES, ROWS, 2024);
        System.out.printf(Locale.ROOT, "spatial layer benchmark: %d tasks, court %s (%d cells), defenders %s (%d + 1), "
                + "rank %d, %d rows per batch, %d distinct batches, median of %d rounds after >= %d warm-up rounds and %d s; "
                + "%d cores; times in ms per %d rows%n", TASKS, COURT.label(), COURT.cellCount(), BOX.label(),
                BOX.cellCount(), RANK, ROWS, BATCHES, rounds, WARMUP_ROUNDS, WARMUP_SECONDS,
                Runtime.getRuntime().availableProcessors(), ROWS);
        if (!layers.equals("full")) {
            for (DataType t : dataTypes) {
                runCp(data, t, rounds);
            }
        }
        if (!layers.equals("cp")) {
            for (DataType t : dataTypes) {
                runFullRank(data, t, rounds);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // CP layer

    private static void runCp(Data data, DataType type, int rounds) {
        CpLayerSpec spec = new CpLayerSpec(TASKS, COURT, BOX, RANK);
        MultiLayerNetwork net = network(new CpSpatialLayer(spec), new NoOp(), type);
        PlainCp plain = new PlainCp(spec);
        plain.copyFrom(net);
        System.out.printf(Locale.ROOT, "%nCP layer, %s: %,d parameters = %.2f MB (+ gradient view %.2f MB, Adam state "
                + "%.2f MB)%n", type, net.numParams(), mb(net.numParams(), type), mb(net.numParams(), type),
                2 * mb(net.numParams(), type));
        double diff = maxLogitDiff(net, data, plain::logits);
        System.out.printf(Locale.ROOT, "  max |logit(layer) - logit(plain loop)| on one batch: %.3g%n", diff);
        Timing layer = time(rounds, data, b -> layerAlone(net, data, b));
        Timing network = time(rounds, data, b -> gradient(net, data, b));
        Timing loop = time(rounds, data, b -> plain.step(data, b));
        System.out.printf(Locale.ROOT, "  forward+backward: layer %s, whole network with DL4J's loss layer %s, plain "
                + "double[] loop %s%n    ratios to the plain loop (of the minima): layer %.2f, network %.2f%n", layer,
                network, loop, layer.min() / loop.min(), network.min() / loop.min());
        for (IUpdater u : new IUpdater[] {new Sgd(0.01), new Adam(0.001)}) {
            MultiLayerNetwork n = network(new CpSpatialLayer(spec), u, type);
            Timing fit = time(rounds, data, b -> n.fit(data.dataSet(b, type)));
            System.out.printf(Locale.ROOT, "  training step (fit) with %s: %s%n", u.getClass().getSimpleName(), fit);
        }
    }

    /** The CP model in plain Java: factors, bias and gradients as flat row-major double arrays. */
    static final class PlainCp {
        final int k;
        final int courtCells;
        final int defModes;
        final int constant;
        final double[] a;
        final double[] b;
        final double[] c;
        final double[] bias;
        final double[] ga;
        final double[] gb;
        final double[] gc;
        final double[] gbias;
        final double[] sk;
        double loss;

        PlainCp(CpLayerSpec s) {
            k = s.rank();
            courtCells = s.court().cellCount();
            defModes = s.spatial().defenderModeSize();
            constant = s.spatial().constantCell();
            a = new double[s.tasks() * k];
            b = new double[courtCells * k];
            c = new double[defModes * k];
            bias = new double[s.tasks()];
            ga = new double[a.length];
            gb = new double[b.length];
            gc = new double[c.length];
            gbias = new double[bias.length];
            sk = new double[k];
        }

        void copyFrom(MultiLayerNetwork net) {
            copy(net.getLayer(0).getParam("A"), a);
            copy(net.getLayer(0).getParam("B"), b);
            copy(net.getLayer(0).getParam("C"), c);
            copy(net.getLayer(0).getParam("b"), bias);
        }

        private double sums(int[] def, int r) {
            System.arraycopy(c, constant * k, sk, 0, k);
            for (int d = 0; d < InputRow.DEFENDERS; d++) {
                int cell = def[r * InputRow.DEFENDERS + d];
                if (cell >= 0) {
                    int row = cell * k;
                    for (int j = 0; j < k; j++) {
                        sk[j] += c[row + j];
                    }
                }
            }
            return 0;
        }

        double[] logits(Data data, int batch) {
            Cells cells = Cells.of(data.rows[batch], data.rows[batch].length / InputRow.WIDTH);
            double[] z = new double[cells.task.length];
            for (int r = 0; r < z.length; r++) {
                z[r] = logit(cells, r);
            }
            return z;
        }

        private double logit(Cells cells, int r) {
            int t = cells.task[r];
            double z = bias[t];
            int cell = cells.court[r];
            if (cell >= 0) {
                sums(cells.def, r);
                int rowA = t * k;
                int rowB = cell * k;
                for (int j = 0; j < k; j++) {
                    z += a[rowA + j] * b[rowB + j] * sk[j];
                }
            }
            return z;
        }

        void step(Data data, int batch) {
            double[] rows = data.rows[batch];
            double[] y = data.labels[batch];
            Cells cells = Cells.of(rows, y.length);
            Arrays.fill(ga, 0);
            Arrays.fill(gb, 0);
            Arrays.fill(gc, 0);
            Arrays.fill(gbias, 0);
            double sum = 0;
            for (int r = 0; r < y.length; r++) {
                double z = logit(cells, r); // leaves sk filled for the row
                double p = 1 / (1 + Math.exp(-z));
                sum -= y[r] * Math.log(p) + (1 - y[r]) * Math.log(1 - p);
                double e = p - y[r];
                int t = cells.task[r];
                gbias[t] += e;
                int cell = cells.court[r];
                if (cell < 0) {
                    continue;
                }
                int rowA = t * k;
                int rowB = cell * k;
                for (int j = 0; j < k; j++) {
                    double aj = a[rowA + j];
                    double bj = b[rowB + j];
                    ga[rowA + j] += e * bj * sk[j];
                    gb[rowB + j] += e * aj * sk[j];
                    sk[j] = e * aj * bj;
                }
                int rowC = constant * k;
                for (int j = 0; j < k; j++) {
                    gc[rowC + j] += sk[j];
                }
                for (int d = 0; d < InputRow.DEFENDERS; d++) {
                    int dc = cells.def[r * InputRow.DEFENDERS + d];
                    if (dc >= 0) {
                        rowC = dc * k;
                        for (int j = 0; j < k; j++) {
                            gc[rowC + j] += sk[j];
                        }
                    }
                }
            }
            loss = sum / y.length;
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Full-rank layer

    private static void runFullRank(Data data, DataType type, int rounds) {
        SpatialLayerSpec spec = new SpatialLayerSpec(TASKS, COURT, BOX);
        MultiLayerNetwork net = network(new FullRankSpatialLayer(spec), new NoOp(), type);
        INDArray f = net.getLayer(0).getParam("F");
        Nd4j.getRandom().setSeed(1);
        f.assign(Nd4j.rand(type, f.shape()).subi(0.5).muli(0.1));
        System.out.printf(Locale.ROOT, "%nfull-rank layer, %s: %,d parameters = %.1f MB (+ gradient view %.1f MB, Adam "
                + "state %.1f MB)%n", type, net.numParams(), mb(net.numParams(), type), mb(net.numParams(), type),
                2 * mb(net.numParams(), type));
        PlainFullRank plain = new PlainFullRank(spec);
        plain.copyFrom(net);
        double diff = maxLogitDiff(net, data, plain::logits);
        System.out.printf(Locale.ROOT, "  max |logit(layer) - logit(plain loop)| on one batch: %.3g%n", diff);
        Timing layer = time(rounds, data, b -> layerAlone(net, data, b));
        Timing network = time(rounds, data, b -> gradient(net, data, b));
        Timing dense = time(rounds, data, b -> plain.step(data, b, true));
        Timing sparse = time(rounds, data, b -> plain.step(data, b, false));
        Timing fill = time(rounds, data, b -> net.getLayer(0).getGradientsViewArray().assign(0));
        System.out.printf(Locale.ROOT, "  forward+backward: layer %s, whole network with DL4J's loss layer %s%n"
                + "    plain double[] loop zeroing its dense gradient %s: ratios (of the minima) layer %.2f, network "
                + "%.2f%n    plain loop resetting only the entries it touched %s: ratios layer %.2f, network %.2f%n",
                layer, network, dense, layer.min() / dense.min(), network.min() / dense.min(), sparse,
                layer.min() / sparse.min(), network.min() / sparse.min());
        System.out.printf(Locale.ROOT, "  zeroing the layer's %.1f MB gradient view alone (one native assign, as the "
                + "layer does each backward pass; timed separately): %s%n", mb(net.numParams(), type), fill);
        plain.release();
        net.clear();
        for (IUpdater u : new IUpdater[] {new Sgd(0.01), new Adam(0.001)}) {
            MultiLayerNetwork n = network(new FullRankSpatialLayer(spec), u, type);
            Timing fit = time(Math.min(rounds, 3), data, b -> n.fit(data.dataSet(b, type)));
            System.out.printf(Locale.ROOT, "  training step (fit) with %s: %s%n", u.getClass().getSimpleName(), fit);
            n.clear();
        }
    }

    /** The full-rank model in plain Java: F and its gradient as flat C-order double arrays. */
    static final class PlainFullRank {
        final int courtCells;
        final int defModes;
        final int constant;
        double[] f;
        double[] gf;
        final double[] bias;
        final double[] gbias;
        int[] touched = new int[0];
        int touchedCount;
        double loss;

        PlainFullRank(SpatialLayerSpec s) {
            courtCells = s.court().cellCount();
            defModes = s.defenderModeSize();
            constant = s.constantCell();
            f = new double[(int) s.fullRankSize()];
            gf = new double[f.length];
            bias = new double[s.tasks()];
            gbias = new double[s.tasks()];
        }

        void copyFrom(MultiLayerNetwork net) {
            copy(net.getLayer(0).getParam("F"), f);
            copy(net.getLayer(0).getParam("b"), bias);
        }

        void release() {
            f = null;
            gf = null;
        }

        double[] logits(Data data, int batch) {
            Cells cells = Cells.of(data.rows[batch], data.rows[batch].length / InputRow.WIDTH);
            double[] z = new double[cells.task.length];
            for (int r = 0; r < z.length; r++) {
                z[r] = logit(cells, r);
            }
            return z;
        }

        private double logit(Cells cells, int r) {
            int t = cells.task[r];
            double z = bias[t];
            int cell = cells.court[r];
            if (cell >= 0) {
                int base = (t * courtCells + cell) * defModes;
                z += f[base + constant];
                for (int d = 0; d < InputRow.DEFENDERS; d++) {
                    int c = cells.def[r * InputRow.DEFENDERS + d];
                    if (c >= 0) {
                        z += f[base + c];
                    }
                }
            }
            return z;
        }

        void step(Data data, int batch, boolean denseZero) {
            double[] rows = data.rows[batch];
            double[] y = data.labels[batch];
            Cells cells = Cells.of(rows, y.length);
            if (denseZero) {
                Arrays.fill(gf, 0);
            } else {
                for (int n = 0; n < touchedCount; n++) {
                    gf[touched[n]] = 0;
                }
            }
            Arrays.fill(gbias, 0);
            if (touched.length < y.length * (InputRow.DEFENDERS + 1)) {
                touched = new int[y.length * (InputRow.DEFENDERS + 1)];
            }
            touchedCount = 0;
            double sum = 0;
            for (int r = 0; r < y.length; r++) {
                double z = logit(cells, r);
                double p = 1 / (1 + Math.exp(-z));
                sum -= y[r] * Math.log(p) + (1 - y[r]) * Math.log(1 - p);
                double e = p - y[r];
                int t = cells.task[r];
                gbias[t] += e;
                int cell = cells.court[r];
                if (cell < 0) {
                    continue;
                }
                int base = (t * courtCells + cell) * defModes;
                gf[base + constant] += e;
                touched[touchedCount++] = base + constant;
                for (int d = 0; d < InputRow.DEFENDERS; d++) {
                    int c = cells.def[r * InputRow.DEFENDERS + d];
                    if (c >= 0) {
                        gf[base + c] += e;
                        touched[touchedCount++] = base + c;
                    }
                }
            }
            loss = sum / y.length;
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Shared pieces

    /** Rows discretized by the plain loops, with the same {@link GridSpec#cellOf} as the layers. */
    record Cells(int[] task, int[] court, int[] def) {
        static Cells of(double[] rows, int n) {
            int[] task = new int[n];
            int[] court = new int[n];
            int[] def = new int[n * InputRow.DEFENDERS];
            for (int r = 0; r < n; r++) {
                int o = r * InputRow.WIDTH;
                task[r] = (int) rows[o];
                court[r] = COURT.cellOf(rows[o + 1], rows[o + 2]);
                for (int d = 0; d < InputRow.DEFENDERS; d++) {
                    def[r * InputRow.DEFENDERS + d] = BOX.cellOf(rows[o + 3 + 2 * d], rows[o + 4 + 2 * d]);
                }
            }
            return new Cells(task, court, def);
        }
    }

    /** Random minibatches: raw rows (flat, C order, [rows, 13]) and 0/1 labels, with their DL4J copies. */
    static final class Data {
        final double[][] rows;
        final double[][] labels;
        private final DataSet[] floats;
        private final DataSet[] doubles;

        private Data(double[][] rows, double[][] labels) {
            this.rows = rows;
            this.labels = labels;
            floats = new DataSet[rows.length];
            doubles = new DataSet[rows.length];
            for (int b = 0; b < rows.length; b++) {
                INDArray x = Nd4j.create(rows[b], new long[] {labels[b].length, InputRow.WIDTH}, DataType.DOUBLE);
                INDArray y = Nd4j.create(labels[b], new long[] {labels[b].length, 1}, DataType.DOUBLE);
                doubles[b] = new DataSet(x, y);
                floats[b] = new DataSet(x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT));
            }
        }

        /** Tasks uniform, ball handler uniform over the court, defenders around him, 10 % absent (NaN). */
        static Data random(int batches, int n, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[][] rows = new double[batches][n * InputRow.WIDTH];
            double[][] labels = new double[batches][n];
            for (int b = 0; b < batches; b++) {
                for (int r = 0; r < n; r++) {
                    int o = r * InputRow.WIDTH;
                    rows[b][o] = rnd.nextInt(TASKS);
                    rows[b][o + 1] = rnd.nextDouble() * GridSpec.COURT_EXTENT_X;
                    rows[b][o + 2] = rnd.nextDouble() * GridSpec.COURT_EXTENT_Y;
                    for (int d = 0; d < InputRow.DEFENDERS; d++) {
                        boolean absent = rnd.nextDouble() < 0.1;
                        rows[b][o + 3 + 2 * d] = absent ? Double.NaN : -8 + rnd.nextDouble() * 16;
                        rows[b][o + 4 + 2 * d] = absent ? Double.NaN : -4 + rnd.nextDouble() * 16;
                    }
                    labels[b][r] = rnd.nextDouble() < 0.3 ? 1 : 0;
                }
            }
            return new Data(rows, labels);
        }

        DataSet dataSet(int b, DataType type) {
            return type == DataType.FLOAT ? floats[b] : doubles[b];
        }
    }

    private static MultiLayerNetwork network(org.deeplearning4j.nn.conf.layers.Layer layer, IUpdater u, DataType t) {
        MultiLayerNetwork net = SpatialNetworks.network(layer, new SpatialNetworks.Options(u, 0.0, 1.0, 7, t));
        net.initGradientsView(); // so that the layer can be called directly before any fit
        return net;
    }

    private static void gradient(MultiLayerNetwork net, Data data, int b) {
        DataSet ds = data.dataSet(b, net.params().dataType());
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
    }

    /**
     * The spatial layer alone, called directly without workspaces: forward, then ε = sigmoid(z) - y and the log loss
     * computed in Java (as the plain loops do), then backward.
     */
    private static void layerAlone(MultiLayerNetwork net, Data data, int b) {
        DataType type = net.params().dataType();
        org.deeplearning4j.nn.api.Layer layer = net.getLayer(0);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(data.dataSet(b, type).getFeatures(), mgr);
        INDArray z = layer.activate(true, mgr);
        double[] y = data.labels[b];
        double[] e = new double[y.length];
        copy(z, e);
        double loss = 0;
        for (int r = 0; r < y.length; r++) {
            double p = 1 / (1 + Math.exp(-e[r]));
            loss -= y[r] * Math.log(p) + (1 - y[r]) * Math.log(1 - p);
            e[r] = p - y[r];
        }
        INDArray eps = Nd4j.createUninitialized(type, y.length, 1);
        eps.assign(Nd4j.createFromArray(e).reshape(eps.shape()));
        layer.backpropGradient(eps, mgr);
        sink += loss;
    }

    /** Keeps results alive so that the JIT cannot drop the work. */
    static double sink;

    private static double maxLogitDiff(MultiLayerNetwork net, Data data, java.util.function.BiFunction<Data, Integer,
            double[]> plain) {
        INDArray z = net.feedForwardToLayer(0, data.dataSet(0, net.params().dataType()).getFeatures(), false).get(1);
        double[] expected = plain.apply(data, 0);
        double max = 0;
        for (int r = 0; r < expected.length; r++) {
            max = Math.max(max, Math.abs(z.getDouble(r, 0) - expected[r]));
        }
        return max;
    }

    /** A step over one batch index. */
    interface Step {
        void run(int batch);
    }

    /**
     * Median and minimum over rounds of the mean time per batch (ms); each round runs every batch once. Warm-up: whole rounds
     * until at least {@value #WARMUP_ROUNDS} rounds and {@value #WARMUP_SECONDS} s have passed (the JIT compiles the
     * loops only after many calls).
     */
    private static Timing time(int rounds, Data data, Step step) {
        int batches = data.rows.length;
        long warmStart = System.nanoTime();
        for (int w = 0; w < WARMUP_ROUNDS || System.nanoTime() - warmStart < WARMUP_SECONDS * 1e9; w++) {
            for (int b = 0; b < batches; b++) {
                step.run(b);
            }
        }
        double[] perBatch = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                step.run(b);
            }
            perBatch[r] = (System.nanoTime() - t0) / 1e6 / batches;
        }
        Arrays.sort(perBatch);
        return new Timing(perBatch[rounds / 2], perBatch[0]);
    }

    /** Milliseconds per batch: the median and the minimum over rounds (the minimum is least disturbed by other load). */
    record Timing(double median, double min) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f ms (min %.3f)", median, min);
        }
    }

    private static double mb(long count, DataType t) {
        return count * (double) t.width() / 1e6;
    }

    /** Copies the values of {@code src} (any order, any floating type) into {@code dst}. */
    private static void copy(INDArray src, double[] dst) {
        System.arraycopy(src.dup('c').data().asDouble(), 0, dst, 0, dst.length);
    }
}
