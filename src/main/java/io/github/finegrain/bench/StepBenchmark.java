package io.github.finegrain.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.CpLayerSpec;
import io.github.finegrain.model.CpSpatialLayer;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.optim.SparseOptimizer;
import io.github.finegrain.train.SparseTrainingStep;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * {@code bench step}: the time of one training step, DL4J's dense {@code net.fit} (DL4J's Adam and L2 over the whole
 * parameter array) against finegrain's row-sparse step ({@link SparseTrainingStep}, lazy Adam by default, same L2),
 * for each (court, defender) grid and both layers, in one run; plus each path's model-state bytes (parameters +
 * gradient view + optimizer state). Networks are FLOAT, as in training. The two paths run one after the other on the
 * same random minibatches (tasks uniform, ball handler uniform over the court, defenders around him, 10 % absent);
 * each path is warmed up and then timed step by step, and the median is reported. Only one network is alive at a
 * time (a dense full-rank network at 439 × 40x50 × 145 holds about 2 GB off the heap).
 *
 * <p>Writes {@code DIR/step.json}
 * <pre>
 * {"rows":[{"kind":"full-rank"|"cp","court":"40x50","defender":"12x12","optimizer":"…","denseMs":…,"sparseMs":…,
 *   "denseStateBytes":…,"sparseStateBytes":…}],"peakRssBytes":…,"loadAvg":…,"machine":"…"}
 * </pre>
 * and {@code DIR/step.md} (the table and the targets of issue 11, with the load average).
 */
public final class StepBenchmark {
    /** Number of distinct random minibatches cycled through. */
    static final int DISTINCT_BATCHES = 8;

    private StepBenchmark() {
    }

    /**
     * What to time.
     *
     * @param tasks        tasks (players), &ge; 1
     * @param batch        rows per minibatch, &ge; 1
     * @param rank         CP rank, &ge; 1
     * @param grids        (court, defender) grid pairs
     * @param steps        timed steps per path, &ge; 1
     * @param warmup       untimed steps before, &ge; 0
     * @param optimizer    the sparse path's optimizer; the dense path uses DL4J's Adam with the same learning rate and
     *                     L2
     * @param seed         seed of the minibatches and networks
     */
    public record Settings(int tasks, int batch, int rank, List<GridSpec[]> grids, int steps, int warmup,
            SparseOptimizer optimizer, long seed) {
        /** Validates the settings. */
        public Settings {
            if (tasks < 1 || batch < 1 || rank < 1 || steps < 1 || warmup < 0) {
                throw new IllegalArgumentException("tasks, batch, rank and steps must be >= 1 and warm-up >= 0, found "
                        + tasks + ", " + batch + ", " + rank + ", " + steps + ", " + warmup);
            }
            if (grids == null || grids.isEmpty()) {
                throw new IllegalArgumentException("at least one (court, defender) grid is required");
            }
            grids = List.copyOf(grids);
            if (optimizer == null) {
                throw new IllegalArgumentException("an optimizer is required");
            }
        }
    }

    /**
     * One (layer, grids) line.
     *
     * @param kind             {@code full-rank} or {@code cp}
     * @param court            court grid label, e.g. {@code 40x50}
     * @param defender         defender grid label, e.g. {@code 12x12}
     * @param optimizer        the sparse path's optimizer label
     * @param denseMs          median step time of the dense path, ms
     * @param sparseMs         median step time of the sparse path, ms
     * @param denseStateBytes  parameters + gradient view + DL4J updater state, bytes
     * @param sparseStateBytes parameters + gradient view + row-sparse optimizer state, bytes
     */
    public record Row(String kind, String court, String defender, String optimizer, double denseMs, double sparseMs,
            long denseStateBytes, long sparseStateBytes) {
    }

    /**
     * The run.
     *
     * @param rows         one per (grid, layer)
     * @param peakRssBytes the process's peak resident set size (Linux {@code VmHWM}), or -1 if unknown
     * @param loadAvg      the one-minute system load average at the end of the run (-1 if unknown)
     * @param machine      cores, OS and CPU
     */
    public record Result(List<Row> rows, long peakRssBytes, double loadAvg, String machine) {
    }

    /** Runs every grid and both layers; {@code progress} gets one line per finished row. */
    public static Result run(Settings s, Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        DataSet[] batches = batches(s);
        for (GridSpec[] g : s.grids()) {
            for (String kind : List.of("full-rank", "cp")) {
                Row r = row(s, kind, g[0], g[1], batches);
                rows.add(r);
                progress.accept(String.format(Locale.ROOT, "%-9s %s/%s: dense %.3f ms, sparse %.3f ms", kind,
                        r.court(), r.defender(), r.denseMs(), r.sparseMs()));
            }
        }
        return new Result(rows, peakRss(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                machine());
    }

    private static Row row(Settings s, String kind, GridSpec court, GridSpec box, DataSet[] batches) {
        SparseOptimizer o = s.optimizer();
        long denseBytes;
        double denseMs;
        {
            MultiLayerNetwork net = network(s, kind, court, box);
            denseMs = time(s, batches, net::fit);
            long n = net.numParams();
            INDArray state = net.getUpdater().getStateViewArray();
            denseBytes = 2 * n * DataType.FLOAT.width() + (state == null ? 0 : state.length() * state.dataType().width());
        }
        System.gc();
        MultiLayerNetwork net = network(s, kind, court, box);
        SparseTrainingStep step = SparseTrainingStep.of(net, o);
        double sparseMs = time(s, batches, step::fit);
        long sparseBytes = 2 * net.numParams() * DataType.FLOAT.width() + step.state().sizeBytes();
        return new Row(kind, court.label(), box.label(), o.kind().label(), denseMs, sparseMs, denseBytes, sparseBytes);
    }

    private static MultiLayerNetwork network(Settings s, String kind, GridSpec court, GridSpec box) {
        SpatialLayerSpec spec = new SpatialLayerSpec(s.tasks(), court, box);
        Layer layer = kind.equals("cp") ? new CpSpatialLayer(new CpLayerSpec(spec, s.rank()))
                : new FullRankSpatialLayer(spec);
        SparseOptimizer o = s.optimizer();
        return SpatialNetworks.network(layer, new SpatialNetworks.Options(new Adam(o.learningRate()), o.l2(), 1.0,
                s.seed(), DataType.FLOAT));
    }

    /** Median milliseconds of one step over {@code s.steps()} timed steps after {@code s.warmup()} untimed ones. */
    private static double time(Settings s, DataSet[] batches, Consumer<DataSet> step) {
        for (int i = 0; i < s.warmup(); i++) {
            step.accept(batches[i % batches.length]);
        }
        double[] ms = new double[s.steps()];
        for (int i = 0; i < s.steps(); i++) {
            DataSet b = batches[i % batches.length];
            long t0 = System.nanoTime();
            step.accept(b);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    }

    /** Random FLOAT minibatches (see the class comment). */
    static DataSet[] batches(Settings s) {
        SplittableRandom rnd = new SplittableRandom(s.seed());
        DataSet[] out = new DataSet[DISTINCT_BATCHES];
        for (int b = 0; b < out.length; b++) {
            float[] x = new float[s.batch() * InputRow.WIDTH];
            float[] y = new float[s.batch()];
            for (int r = 0; r < s.batch(); r++) {
                int o = r * InputRow.WIDTH;
                x[o] = rnd.nextInt(s.tasks());
                x[o + 1] = (float) (rnd.nextDouble() * GridSpec.COURT_EXTENT_X);
                x[o + 2] = (float) (rnd.nextDouble() * GridSpec.COURT_EXTENT_Y);
                for (int d = 0; d < InputRow.DEFENDERS; d++) {
                    boolean absent = rnd.nextDouble() < 0.1;
                    x[o + 3 + 2 * d] = absent ? Float.NaN : (float) (-8 + rnd.nextDouble() * 16);
                    x[o + 4 + 2 * d] = absent ? Float.NaN : (float) (-4 + rnd.nextDouble() * 16);
                }
                y[r] = rnd.nextDouble() < 0.3 ? 1 : 0;
            }
            out[b] = new DataSet(Nd4j.create(x, new long[] {s.batch(), InputRow.WIDTH}),
                    Nd4j.create(y, new long[] {s.batch(), 1}));
        }
        return out;
    }

    /** Writes {@code dir/step.json} and {@code dir/step.md}; creates {@code dir} if needed. */
    public static void write(Result r, Settings s, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", row.kind());
            m.put("court", row.court());
            m.put("defender", row.defender());
            m.put("optimizer", row.optimizer());
            m.put("denseMs", row.denseMs());
            m.put("sparseMs", row.sparseMs());
            m.put("denseStateBytes", row.denseStateBytes());
            m.put("sparseStateBytes", row.sparseStateBytes());
            rows.add(m);
        }
        json.put("rows", rows);
        json.put("peakRssBytes", r.peakRssBytes());
        json.put("loadAvg", r.loadAvg());
        json.put("machine", r.machine());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("step.json").toFile(),
                json);
        Files.writeString(dir.resolve("step.md"), markdown(r, s));
    }

    /** The table and the targets (issue 11) as Markdown. */
    public static String markdown(Result r, Settings s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "# bench step%n%n%d tasks, batch %d, CP rank %d, FLOAT; median of %d steps "
                + "after %d warm-up steps; dense = DL4J `net.fit` with Adam(lr %g) and L2 %g over the whole array, "
                + "sparse = finegrain's row-sparse step with %s. Load average %.2f (1 min, at the end), peak RSS %.0f MB, "
                + "%s.%n%n", s.tasks(), s.batch(), s.rank(), s.steps(), s.warmup(), s.optimizer().learningRate(),
                s.optimizer().l2(), s.optimizer(), r.loadAvg(), r.peakRssBytes() / 1e6, r.machine()));
        b.append("| layer | court | defender | dense ms | sparse ms | dense/sparse | dense state MB | sparse state MB |\n");
        b.append("|---|---|---|---:|---:|---:|---:|---:|\n");
        for (Row row : r.rows()) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.3f | %.1f | %.1f | %.1f |%n", row.kind(),
                    row.court(), row.defender(), row.denseMs(), row.sparseMs(), row.denseMs() / row.sparseMs(),
                    row.denseStateBytes() / 1e6, row.sparseStateBytes() / 1e6));
        }
        b.append(String.format(Locale.ROOT, "%nTargets (issue 11; they apply on an idle machine, load < 1.5; this run's "
                + "load: %.2f):%n%n", r.loadAvg()));
        for (String t : targets(r)) {
            b.append("- ").append(t).append('\n');
        }
        return b.toString();
    }

    /** One line per target with the figures of this run and whether it is met. */
    public static List<String> targets(Result r) {
        List<String> out = new ArrayList<>();
        for (Row row : r.rows()) {
            if (row.kind().equals("full-rank")) {
                out.add(String.format(Locale.ROOT, "sparse full-rank step <= 5 ms at %s/%s: %.3f ms, %s", row.court(),
                        row.defender(), row.sparseMs(), row.sparseMs() <= 5 ? "met" : "NOT met"));
                if (row.court().equals("40x50") && row.defender().equals("12x12")) {
                    double ratio = row.denseMs() / row.sparseMs();
                    out.add(String.format(Locale.ROOT, "dense/sparse >= 50 at full-rank 40x50/12x12: %.1f, %s", ratio,
                            ratio >= 50 ? "met" : "NOT met"));
                }
            } else {
                boolean met = row.sparseMs() <= 2 || row.sparseMs() <= 0.6 * row.denseMs();
                out.add(String.format(Locale.ROOT, "sparse CP step <= 2 ms or <= 0.6 x dense at %s/%s: %.3f ms vs "
                        + "dense %.3f ms, %s", row.court(), row.defender(), row.sparseMs(), row.denseMs(),
                        met ? "met" : "NOT met"));
            }
        }
        return out;
    }

    /** Peak resident set size from {@code /proc/self/status} ({@code VmHWM}), or -1. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] p = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Cores, OS, architecture, CPU model and {@code OMP_NUM_THREADS} when set (it changes small steps' times). */
    static String machine() {
        String cpu = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = ", " + line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            cpu = "";
        }
        String omp = System.getenv("OMP_NUM_THREADS");
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + cpu + (omp == null ? "" : ", OMP_NUM_THREADS=" + omp);
    }
}
