package io.github.finegrain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.finegrain.factor.Congruence;
import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.ejml.data.DMatrixRMaj;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Runs the {@link Fig3Benchmark} methods through a {@link MethodRunner} (in turn, one JVM each from the CLI), an idle
 * JVM for the memory baseline, the real-data pipelines ({@link RealDataPipelines}) when given, and combines the
 * results into {@code fig3.json}, {@code fig3.md} and the plots.
 *
 * <p>Targets (issue 12, section 2), all on the validation log loss. The <em>gain</em> of a run is the constant
 * predictor's validation log loss (the training base rate, {@code oracle.constantLogLoss}) minus the run's best
 * validation log loss. The <em>full-rank target</em> is {@code constant − 0.9 × g}, g the largest gain any
 * {@link Fig3Benchmark#PANEL} method reaches within the budget (every method has the same one); the <em>pipeline
 * target</em> is the same with the largest gain of any pipeline run (every seed). A run's time (steps) to a target
 * is the training seconds (minibatches) of its first validated trace entry at or below it. Training seconds are the
 * trace field {@code trainingSeconds} (wall seconds since training began minus the validation seconds so far; the
 * CP-ALS hand-off counts as training); results without it fall back to the wall {@code seconds}, validation
 * included, and {@code timeBasis} in fig3.json says which was used. A ratio {@code slow / fast} whose slow run never
 * reaches the target is the lower bound (the budget, or slow's whole training time if it ran past it) / (fast's
 * time) — issue 12 §2: a run that never reaches the target would not have reached it within the budget either,
 * whether its budget or its own rule ended it — flagged {@code <ratio>IsLowerBound: true}; its steps counterpart is
 * slow's whole step count / fast's steps (there is no step budget). A ratio whose fast run never reaches the target
 * is null.
 */
public final class Fig3Report {
    /** The JSON writer of the benchmark files. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The method name {@link #run} gives its {@link MethodRunner} for the idle-JVM measurement (seed 0): a JVM that
     * only loads ND4J and reports its peak resident memory ({@link #idleJvm}).
     */
    public static final String IDLE = "idle";

    /**
     * Version of fig3.json's layout: 2 since the targets of issue 12 (gain-based targets in training seconds,
     * {@code realData}, {@code scale} with seeds, the idle-JVM baseline); 1 (unversioned) before.
     */
    public static final int FORMAT_VERSION = 2;

    /** The share of the largest gain that a target asks for (issue 12: 90 %). */
    public static final double TARGET_SHARE = 0.9;

    /** Runs one method with one seed, writing its result JSON (and factor .npy files) to {@code json}. */
    @FunctionalInterface
    public interface MethodRunner {
        /** Runs; throws if the method failed. */
        void run(String method, long seed, Path json) throws Exception;
    }

    /** Runs the real-data pipelines, returning what {@link RealDataPipelines#run} returns. */
    @FunctionalInterface
    public interface RealDataRunner {
        /** Runs; throws if a pipeline failed. */
        ObjectNode run() throws Exception;
    }

    private Fig3Report() {
    }

    /** {@link #run(Fig3Benchmark.Scale, int, Path, MethodRunner, RealDataRunner, Consumer)} without real data. */
    public static ObjectNode run(Fig3Benchmark.Scale scale, int seeds, Path out, MethodRunner runner,
            Consumer<String> progress) throws Exception {
        return run(scale, seeds, out, runner, null, progress);
    }

    /**
     * Runs the idle-JVM measurement ({@link #IDLE}), every method ({@link Fig3Benchmark#PANEL} with seed 1,
     * {@code mmtse} and {@code random} with seeds 1..{@code seeds}, {@code fixed} with seed 1), then the real-data
     * pipelines if {@code realData} is not null (their result also goes to {@code out/real-data.json}), and writes
     * {@code fig3.json}, {@code fig3.md}, the plots and the planted factors under {@code out}.
     *
     * @param realData the real-data pipelines, or null to skip them ({@code realData} is then null in fig3.json)
     * @return the fig3.json content
     * @throws IllegalStateException if the real-data pipelines failed, after fig3.json (with {@code realData} null
     *                               and the failure in {@code realDataNote}), fig3.md and the plots are written
     */
    public static ObjectNode run(Fig3Benchmark.Scale scale, int seeds, Path out, MethodRunner runner,
            RealDataRunner realData, Consumer<String> progress) throws Exception {
        return run(scale, seeds, out, runner, realData, progress, null);
    }

    /**
     * As {@link #run(Fig3Benchmark.Scale, int, Path, MethodRunner, RealDataRunner, Consumer)}, with the planted
     * model and the held-out splits read from {@code examples} (see {@link Fig3Benchmark#heldOut}) when it is not
     * null: the methods then stream their training split from that file.
     */
    public static ObjectNode run(Fig3Benchmark.Scale scale, int seeds, Path out, MethodRunner runner,
            RealDataRunner realData, Consumer<String> progress, Path examples) throws Exception {
        Files.createDirectories(out);
        Path methods = out.resolve("methods");
        Files.createDirectories(methods);
        Fig3Benchmark.Data data = Fig3Benchmark.heldOut(scale, examples);
        Fig3Benchmark.writePlanted(data.planted(), out.resolve("planted"));
        io.github.finegrain.eval.BinaryMetrics oracleVal = io.github.finegrain.eval.BinaryMetrics.of(
                Fig3Benchmark.oracleProbabilities(data.planted(), data.val()), data.val().labels(), 0.5);
        io.github.finegrain.eval.BinaryMetrics oracleTest = io.github.finegrain.eval.BinaryMetrics.of(
                Fig3Benchmark.oracleProbabilities(data.planted(), data.test()), data.test().labels(), 0.5);
        double baseRate = data.trainPositiveRate();
        double constant = -(baseRate * Math.log(baseRate) + (1 - baseRate) * Math.log(1 - baseRate));
        data = null;
        ObjectNode oracle = JSON.createObjectNode();
        oracle.put("note", "the planted model's own probabilities (Bayes-optimal) and the constant training-rate "
                + "predictor's log loss, for scale");
        oracle.put("validationLogLoss", oracleVal.logLoss());
        oracle.put("testLogLoss", oracleTest.logLoss());
        oracle.put("testRocAuc", oracleTest.rocAuc());
        oracle.put("constantLogLoss", constant);

        Path idleJson = methods.resolve(IDLE + "-jvm.json");
        runner.run(IDLE, 0, idleJson);
        JsonNode idle = readResult(idleJson, scale);
        progress.accept(String.format(Locale.ROOT, "%-10s peak RSS %.0f MB (a JVM that only loaded ND4J)", IDLE,
                idle.get("vmHwmBytes").asDouble() / 1e6));
        Map<String, JsonNode> results = new LinkedHashMap<>();
        List<String[]> plan = new ArrayList<>();
        for (String m : Fig3Benchmark.PANEL) {
            plan.add(new String[] {m, "1"});
        }
        plan.add(new String[] {"fixed", "1"});
        for (int s = 1; s <= seeds; s++) {
            plan.add(new String[] {"mmtse", Integer.toString(s)});
            plan.add(new String[] {"random", Integer.toString(s)});
        }
        for (String[] p : plan) {
            String key = p[0] + "-s" + p[1];
            Path json = methods.resolve(key + ".json");
            long t = System.nanoTime();
            runner.run(p[0], Long.parseLong(p[1]), json);
            JsonNode r = readResult(json, scale);
            results.put(key, r);
            progress.accept(String.format(Locale.ROOT, "%-10s %7.1f s wall (training %.1f s, %d steps), test log "
                    + "loss %.5f", key, (System.nanoTime() - t) / 1e9, r.get("seconds").asDouble(),
                    r.get("steps").asInt(), r.get("test").get("logLoss").asDouble()));
        }
        ObjectNode real = null;
        Exception realFailure = null;
        if (realData != null) {
            long t = System.nanoTime();
            try {
                real = realData.run();
                JSON.writeValue(out.resolve("real-data.json").toFile(), real);
                progress.accept(String.format(Locale.ROOT, "real data: %.1f s wall", (System.nanoTime() - t) / 1e9));
            } catch (Exception e) {
                // the planted results took hours: write them first, then report the failure
                realFailure = e;
                progress.accept("real data failed: " + e);
            }
        }
        ObjectNode fig = combine(scale, seeds, results, methods, oracle, idle, real);
        if (realFailure != null) {
            fig.put("realDataNote", "failed: " + realFailure);
        }
        JSON.writeValue(out.resolve("fig3.json").toFile(), fig);
        Files.writeString(out.resolve("fig3.md"), markdown(fig));
        boolean training = "trainingSeconds".equals(fig.get("timeBasis").asText());
        plot(results, Fig3Benchmark.PANEL.stream().map(m -> m + "-s1").toList(), fig.get("target").asDouble(),
                "full-rank target (90 % of the largest gain)", training, "Fig. 3 (left): full-rank models",
                out.resolve("fig3-fullrank"));
        plot(results, List.of("mmtse-s1", "fixed-s1", "random-s1"), fig.get("pipelineTarget").asDouble(),
                "pipeline target (90 % of the largest gain)", training, "Fig. 3 (right): pipelines",
                out.resolve("fig3-pipeline"));
        if (realFailure != null) {
            throw new IllegalStateException("the real-data pipelines failed (fig3.json and the planted results are "
                    + "written; rerun with --resume): " + realFailure.getMessage(), realFailure);
        }
        return fig;
    }

    /** Reads a method's result JSON and checks that it is of {@code scale}. */
    private static JsonNode readResult(Path json, Fig3Benchmark.Scale scale) throws IOException {
        JsonNode r = JSON.readTree(json.toFile());
        if (!JSON.valueToTree(scale).toString().equals(String.valueOf(r.get("scale")))) {
            throw new IllegalStateException(json + ": result of another scale, expected " + JSON.valueToTree(scale)
                    + ", found " + r.get("scale"));
        }
        return r;
    }

    /**
     * The idle-JVM measurement, to be run in a JVM of its own with the methods' JVM options: loads ND4J (one
     * one-element array and one operation on it), then writes {@code {"method": "idle", "scale", "vmHwmBytes",
     * "javacppPhysicalBytes", "note"}} to {@code json}. Its {@code vmHwmBytes} (the process's peak resident memory,
     * bytes) is what a method's JVM holds before any data or model; -1 where /proc/self/status is missing.
     *
     * @return the same content
     */
    public static Map<String, Object> idleJvm(Fig3Benchmark.Scale scale, Path json) throws IOException {
        org.nd4j.linalg.api.ndarray.INDArray a = org.nd4j.linalg.factory.Nd4j.create(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 1).addi(1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", IDLE);
        out.put("scale", scale);
        out.put("vmHwmBytes", Fig3Benchmark.PeakSampler.vmHwm());
        out.put("javacppPhysicalBytes", org.bytedeco.javacpp.Pointer.physicalBytes());
        out.put("ndArrayElements", a.length());
        out.put("note", "a JVM with the methods' options that only loaded ND4J: the baseline of peakRssAboveIdleBytes");
        JSON.writeValue(json.toFile(), out);
        return out;
    }

    /**
     * Combines the method results (keys {@code <method>-s<seed>}) into fig3.json's content.
     *
     * @param oracle   {@code validationLogLoss} (the planted model's) and {@code constantLogLoss} (the constant
     *                 training-rate predictor's) at least; set as {@code oracle}
     * @param idle     the idle-JVM result ({@link #idleJvm}), or null
     * @param realData {@link RealDataPipelines#run}'s result, or null when the real data was not run
     */
    static ObjectNode combine(Fig3Benchmark.Scale scale, int seeds, Map<String, JsonNode> r, Path methods,
            JsonNode oracle, JsonNode idle, JsonNode realData) throws IOException {
        ObjectNode fig = JSON.createObjectNode();
        fig.put("formatVersion", FORMAT_VERSION);
        ObjectNode sc = JSON.valueToTree(scale);
        sc.put("seeds", seeds);
        fig.set("scale", sc);
        fig.put("seeds", seeds);
        boolean training = hasTrainingSeconds(r.values());
        fig.put("timeBasis", training ? "trainingSeconds" : "seconds");
        fig.put("note", training ? "times to target are training seconds (wall seconds since training began minus "
                + "the validation seconds so far; the CP-ALS hand-off counts as training) on the machine that ran it; "
                + "every full-rank method had the same budget (scale.budgetMinutes)"
                : "times to target are wall-clock seconds on the machine that ran it, validation passes included (the "
                        + "results have no trainingSeconds in their trace)");
        double constant = oracle.get("constantLogLoss").asDouble();
        double margin = constant - oracle.get("validationLogLoss").asDouble();
        fig.put("oracleMargin", margin);

        // full-rank panel: target from the largest gain of any panel method
        Map<String, JsonNode> panel = new LinkedHashMap<>();
        for (String m : Fig3Benchmark.PANEL) {
            panel.put(m, r.get(m + "-s1"));
        }
        ObjectNode ft = JSON.createObjectNode();
        double target = gainTarget(ft, panel, constant, "largestGainMethod", "full-rank method ("
                + String.join(", ", Fig3Benchmark.PANEL) + ") within the budget");
        double largest = ft.get("largestGain").asDouble();
        fig.put("target", target);
        fig.set("fullRankTarget", ft);
        fig.put("bestFullRankGainShareOfOracle", largest / margin);
        ObjectNode ttt = fig.putObject("timeToTarget");
        for (String m : Fig3Benchmark.PANEL) {
            JsonNode res = r.get(m + "-s1");
            ObjectNode e = reach(ttt.putObject(m), res, target, training);
            e.put("epochs", res.get("epochs").asInt());
            putGain(e, res, constant, margin);
            ArrayNode st = e.putArray("stages");
            for (JsonNode s : res.get("stages")) {
                st.add(s.get("stage").asText() + ": " + s.get("iterations").asInt() + " steps, "
                        + s.get("endReason").asText());
            }
        }
        ObjectNode ratios = fig.putObject("ratios");
        ObjectNode notes = JSON.createObjectNode();
        double budgetSeconds = scale.budgetMinutes() * 60;
        ratio(ratios, notes, "fixedOverEntropy", ttt.get("finest"), ttt.get("entropy"), budgetSeconds);
        ratio(ratios, notes, "fixedOverLiteral", ttt.get("finest"), ttt.get("literal"), budgetSeconds);
        ratio(ratios, notes, "lossOverEntropy", ttt.get("loss"), ttt.get("entropy"), budgetSeconds);

        // pipelines: target from the largest gain of any pipeline run
        List<String> pipelineKeys = r.keySet().stream()
                .filter(k -> Fig3Benchmark.PIPELINE.contains(methodOf(k))).toList();
        Map<String, JsonNode> pipelineRuns = new LinkedHashMap<>();
        for (String k : pipelineKeys) {
            pipelineRuns.put(k, r.get(k));
        }
        ObjectNode pt = JSON.createObjectNode();
        double pipelineTarget = gainTarget(pt, pipelineRuns, constant, "largestGainRun",
                "pipeline run (mmtse, fixed, random; every seed)");
        fig.put("pipelineTarget", pipelineTarget);
        fig.set("pipelineTargetDetail", pt);
        ObjectNode ptt = fig.putObject("pipelineTimeToTarget");
        ObjectNode runs = ptt.putObject("runs");
        for (String k : pipelineKeys) {
            putGain(reach(runs.putObject(k), r.get(k), pipelineTarget, training), r.get(k), constant, margin);
        }
        for (String m : Fig3Benchmark.PIPELINE) {
            List<ObjectNode> seedsOf = new ArrayList<>();
            runs.fields().forEachRemaining(e -> {
                if (methodOf(e.getKey()).equals(m)) {
                    ObjectNode c = ((ObjectNode) e.getValue()).deepCopy();
                    c.put("seed", seedOf(e.getKey()));
                    seedsOf.add(c);
                }
            });
            if (!seedsOf.isEmpty()) {
                ptt.set(m, median(seedsOf));
            }
        }
        ratio(ratios, notes, "pipelineFixedOverMultires", ptt.get("fixed"), ptt.get("mmtse"), budgetSeconds);
        ratio(ratios, notes, "pipelineRandomOverMultires", ptt.get("random"), ptt.get("mmtse"), budgetSeconds);
        ArrayNode shares = fig.putArray("mmtsePipelineGainShareOfOraclePerSeed");
        double shareSum = 0;
        double llSum = 0;
        int mmtseRuns = 0;
        for (String k : pipelineKeys) {
            if (methodOf(k).equals("mmtse")) {
                double share = (constant - bestValidationLoss(r.get(k))) / margin;
                shares.add(share);
                shareSum += share;
                llSum += r.get(k).get("test").get("logLoss").asDouble();
                mmtseRuns++;
            }
        }
        fig.put("mmtsePipelineGainShareOfOracle", shareSum / mmtseRuns);
        JsonNode mm = r.get("mmtse-s1");
        JsonNode fx = r.get("fixed-s1");
        double llm = llSum / mmtseRuns;
        double llf = fx.get("test").get("logLoss").asDouble();
        ratios.put("pipelineTestLogLossRelativeDifference", (llm - llf) / llf);
        notes.put("pipelineTestLogLossRelativeDifference", "(mean test log loss of the " + mmtseRuns
                + " MMT-SE seeds - fixed's) / fixed's");
        if (!notes.has("pipelineFixedOverMultires")) {
            notes.put("pipelineFixedOverMultires", "MMT-SE's time is its median seed's (pipelineTimeToTarget.mmtse)");
        }

        ObjectNode peaks = fig.putObject("peakBytes");
        ObjectNode test = fig.putObject("test");
        ObjectNode seconds = fig.putObject("pipelineSeconds");
        for (Map.Entry<String, JsonNode> e : r.entrySet()) {
            peaks.set(e.getKey(), e.getValue().get("peak"));
            ObjectNode t = test.putObject(e.getKey());
            t.put("logLoss", e.getValue().get("test").get("logLoss").asDouble());
            t.put("rocAuc", e.getValue().get("test").get("rocAuc").asDouble());
            t.put("seconds", e.getValue().get("seconds").asDouble());
            putOrNull(t, "trainingSeconds", training ? totalTime(e.getValue(), true) : Double.NaN);
            if (e.getKey().endsWith("-s1") && Fig3Benchmark.PIPELINE.contains(methodOf(e.getKey()))) {
                seconds.put(e.getKey(), e.getValue().get("seconds").asDouble());
            }
        }
        ratios.put("peakVmHwmMultiresOverFixed", mm.get("peak").get("vmHwmBytes").asDouble()
                / fx.get("peak").get("vmHwmBytes").asDouble());
        ratios.put("peakModelStateMultiresOverFixed", mm.get("peak").get("modelStateBytes").asDouble()
                / fx.get("peak").get("modelStateBytes").asDouble());
        if (idle != null && idle.get("vmHwmBytes").asLong() > 0) {
            long idleBytes = idle.get("vmHwmBytes").asLong();
            fig.put("idleJvmVmHwmBytes", idleBytes);
            ObjectNode above = fig.putObject("peakRssAboveIdleBytes");
            for (Map.Entry<String, JsonNode> e : r.entrySet()) {
                above.put(e.getKey(), e.getValue().get("peak").get("vmHwmBytes").asLong() - idleBytes);
            }
            ratios.put("peakRssAboveIdleMultiresOverFixed", above.get("mmtse-s1").asDouble()
                    / above.get("fixed-s1").asDouble());
        } else {
            fig.putNull("idleJvmVmHwmBytes");
            fig.putNull("peakRssAboveIdleBytes");
            ratios.putNull("peakRssAboveIdleMultiresOverFixed");
        }

        ObjectNode interp = fig.putObject("interpretability");
        for (String m : List.of("mmtse", "random", "fixed")) {
            ObjectNode o = interp.putObject(m);
            List<DMatrixRMaj[]> factors = new ArrayList<>();
            double cong = 0;
            double dir = 0;
            double moran = 0;
            int n = 0;
            ArrayNode per = o.putArray("plantedCongruencePerSeed");
            for (int s = 1; s <= seeds; s++) {
                JsonNode res = r.get(m + "-s" + s);
                if (res == null || !res.has("interpretability")) {
                    continue;
                }
                JsonNode in = res.get("interpretability");
                per.add(in.get("plantedCongruence").asDouble());
                cong += in.get("plantedCongruence").asDouble();
                dir += in.get("courtDirichletEnergy").asDouble();
                moran += in.get("courtMoransI").asDouble();
                n++;
                DMatrixRMaj[] f = new DMatrixRMaj[3];
                String[] names = {"A", "B", "C"};
                for (int i = 0; i < 3; i++) {
                    f[i] = Fig3Benchmark.readMatrix(methods.resolve(m + "-s" + s + "-" + names[i] + ".npy"));
                }
                factors.add(f);
                if (!interp.has("plantedCourtDirichletEnergy")) {
                    interp.put("plantedCourtDirichletEnergy", in.get("plantedCourtDirichletEnergy").asDouble());
                    interp.put("plantedCourtMoransI", in.get("plantedCourtMoransI").asDouble());
                }
            }
            o.put("seeds", n);
            putOrNull(o, "plantedCongruence", n == 0 ? Double.NaN : cong / n);
            putOrNull(o, "courtDirichletEnergy", n == 0 ? Double.NaN : dir / n);
            putOrNull(o, "courtMoransI", n == 0 ? Double.NaN : moran / n);
            double pair = 0;
            int pairs = 0;
            for (int i = 0; i < factors.size(); i++) {
                for (int j = i + 1; j < factors.size(); j++) {
                    pair += Congruence.coefficient(factors.get(i), factors.get(j));
                    pairs++;
                }
            }
            putOrNull(o, "seedToSeedMatch", pairs > 0 ? pair / pairs : Double.NaN);
        }
        putOrNull(ratios, "plantedCongruenceMmtseOverRandom", quotient(interp.get("mmtse").get("plantedCongruence"),
                interp.get("random").get("plantedCongruence")));
        putOrNull(ratios, "seedToSeedMatchMmtseOverRandom", quotient(interp.get("mmtse").get("seedToSeedMatch"),
                interp.get("random").get("seedToSeedMatch")));

        if (realData != null) {
            ObjectNode rd = fig.putObject("realData");
            for (String p : RealDataPipelines.PIPELINES) {
                rd.set(p, realData.get(p));
            }
            fig.put("realDataNote", realData.path("note").asText(""));
        } else {
            fig.putNull("realData");
            fig.put("realDataNote", "not run (--no-real-data)");
        }
        fig.set("ratioNotes", notes);
        fig.set("oracle", oracle);
        fig.set("targets", targets(fig));
        return fig;
    }

    /** The method of a result key {@code <method>-s<seed>}. */
    static String methodOf(String key) {
        int i = key.lastIndexOf("-s");
        return i < 0 ? key : key.substring(0, i);
    }

    private static long seedOf(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf("-s") + 2));
    }

    /** Whether every trace entry of every result has {@code trainingSeconds}. */
    static boolean hasTrainingSeconds(java.util.Collection<JsonNode> results) {
        for (JsonNode res : results) {
            for (JsonNode t : res.get("trace")) {
                if (!t.hasNonNull("trainingSeconds")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A trace entry's time: its {@code trainingSeconds} if {@code training}, else its wall {@code seconds}. */
    private static double time(JsonNode traceEntry, boolean training) {
        return traceEntry.get(training ? "trainingSeconds" : "seconds").asDouble();
    }

    /** A result's whole training time: its last trace entry's time (0 for an empty trace). */
    private static double totalTime(JsonNode result, boolean training) {
        JsonNode trace = result.get("trace");
        return trace.isEmpty() ? 0 : time(trace.get(trace.size() - 1), training);
    }

    /** The lowest validation loss in a result's trace (+∞ for an empty trace). */
    static double bestValidationLoss(JsonNode result) {
        double best = Double.POSITIVE_INFINITY;
        for (JsonNode t : result.get("trace")) {
            best = Math.min(best, t.get("validationLoss").asDouble());
        }
        return best;
    }

    private static void putGain(ObjectNode e, JsonNode result, double constant, double margin) {
        double best = bestValidationLoss(result);
        e.put("bestValidationLoss", best);
        e.put("gain", constant - best);
        e.put("gainShareOfOracle", (constant - best) / margin);
    }

    /**
     * Fills {@code e} with the time ({@code seconds}, in the report's time basis) and {@code steps} of the first
     * validation of {@code result} at or below {@code target} (null if none), {@code reached}, and the result's
     * whole training time and steps ({@code totalSeconds}: its last trace entry's time; {@code totalSteps}).
     */
    static ObjectNode reach(ObjectNode e, JsonNode result, double target, boolean training) {
        e.putNull("seconds");
        e.putNull("steps");
        for (JsonNode t : result.get("trace")) {
            if (t.get("validationLoss").asDouble() <= target) {
                e.put("seconds", time(t, training));
                e.put("steps", t.get("iteration").asInt());
                break;
            }
        }
        e.put("reached", !e.get("seconds").isNull());
        e.put("totalSeconds", totalTime(result, training));
        JsonNode trace = result.get("trace");
        e.put("totalSteps", result.has("steps") ? result.get("steps").asInt()
                : trace.isEmpty() ? 0 : trace.get(trace.size() - 1).get("iteration").asInt());
        return e;
    }

    /**
     * The median seed of {@code runs} by time to target (a run that never reached it counts as slower than any that
     * did, ordered by its whole time; for an even count the upper median, the slower of the two middle seeds, which
     * is the conservative choice for MMT-SE, the denominator of the pipeline ratios): a copy of its entry with
     * {@code seed}, {@code of} (the number of seeds) and a note.
     */
    static ObjectNode median(List<ObjectNode> runs) {
        List<ObjectNode> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.<ObjectNode>comparingInt(e -> e.get("reached").asBoolean() ? 0 : 1)
                .thenComparingDouble(e -> e.get("reached").asBoolean() ? e.get("seconds").asDouble()
                        : e.get("totalSeconds").asDouble()));
        ObjectNode m = sorted.get(sorted.size() / 2).deepCopy();
        m.put("of", runs.size());
        m.put("note", runs.size() == 1 ? "the only seed" : "the median seed of " + runs.size() + " by time to the "
                + "target (not reached counts as slowest" + (runs.size() % 2 == 0
                        ? "; the upper median of an even count" : "") + ")");
        return m;
    }

    /**
     * Writes into {@code detail} the target {@code constant − 0.9 × g}, g the largest validation gain among
     * {@code runs} (name → result), with that gain and the run that reached it ({@code nameField}), and returns the
     * target (a validation log loss).
     */
    private static double gainTarget(ObjectNode detail, Map<String, JsonNode> runs, double constant, String nameField,
            String of) {
        double largest = Double.NEGATIVE_INFINITY;
        String largestName = null;
        for (Map.Entry<String, JsonNode> e : runs.entrySet()) {
            double g = constant - bestValidationLoss(e.getValue());
            if (g > largest) {
                largest = g;
                largestName = e.getKey();
            }
        }
        double target = constant - TARGET_SHARE * largest;
        detail.put("validationLogLoss", target);
        detail.put("largestGain", largest);
        detail.put(nameField, largestName);
        detail.put("definition", "constant predictor's validation log loss - 0.9 x the largest validation gain of a "
                + of);
        return target;
    }

    /**
     * {@code ratios[name]} = slow's time / fast's time at the same target and {@code name + "Steps"} the same in
     * steps; when slow never reached it, the lower bounds (max(budget, slow's whole time) / fast's time; slow's
     * whole steps / fast's steps) with
     * {@code name + "IsLowerBound"} and {@code name + "StepsIsLowerBound"} true; when fast never reached it, null
     * with the reason in {@code notes[name]}.
     */
    static void ratio(ObjectNode ratios, ObjectNode notes, String name, JsonNode slow, JsonNode fast,
            double budgetSeconds) {
        if (slow == null || fast == null || !fast.get("reached").asBoolean()) {
            ratios.putNull(name);
            ratios.putNull(name + "Steps");
            ratios.put(name + "IsLowerBound", false);
            ratios.put(name + "StepsIsLowerBound", false);
            notes.put(name, slow == null || fast == null ? "missing result"
                    : "the faster method never reached the target");
            return;
        }
        boolean reached = slow.get("reached").asBoolean();
        double t = reached ? slow.get("seconds").asDouble()
                : Math.max(budgetSeconds, slow.get("totalSeconds").asDouble());
        if (!reached) {
            notes.put(name, String.format(Locale.ROOT, "the slower method never reached the target (it stopped after "
                    + "%.1f training seconds); the ratio is the lower bound budget / faster method's time",
                    slow.get("totalSeconds").asDouble()));
        }
        double steps = reached ? slow.get("steps").asDouble() : slow.get("totalSteps").asDouble();
        ratios.put(name, t / fast.get("seconds").asDouble());
        ratios.put(name + "Steps", steps / fast.get("steps").asDouble());
        ratios.put(name + "IsLowerBound", !reached);
        ratios.put(name + "StepsIsLowerBound", !reached);
    }

    private static double quotient(JsonNode a, JsonNode b) {
        return a == null || b == null || !a.isNumber() || !b.isNumber() ? Double.NaN : a.asDouble() / b.asDouble();
    }

    /** Puts {@code v}, or null where it is not finite (JSON has no NaN). */
    private static void putOrNull(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }

    /** The target table (section "Targets"), measured. */
    static ArrayNode targets(JsonNode fig) {
        ArrayNode a = JSON.createArrayNode();
        JsonNode r = fig.get("ratios");
        JsonNode in = fig.get("interpretability");
        JsonNode notes = fig.get("ratioNotes");
        timeTarget(a, "(c)/(a) training seconds to the full-rank target (finest / entropy)", r, notes,
                "fixedOverEntropy", 10);
        timeTarget(a, "(b)/(a) training seconds to the full-rank target (loss / entropy)", r, notes,
                "lossOverEntropy", 5);
        timeTarget(a, "pipeline fixed / MMT-SE training seconds to the pipeline target (MMT-SE: median seed)", r,
                notes, "pipelineFixedOverMultires", 8);
        target(a, "pipeline test log loss (MMT-SE mean - fixed) / fixed, with the line above", "<= 0.01",
                r.get("pipelineTestLogLossRelativeDifference"), 0.01, false);
        ObjectNode mem = target(a, "peak model-state bytes (parameters, gradient, optimizer state) MMT-SE / fixed",
                "<= 0.25", r.get("peakModelStateMultiresOverFixed"), 0.25, false);
        JsonNode above = fig.get("peakRssAboveIdleBytes");
        mem.put("beside", above == null || above.isNull() ? "peak RSS above an idle JVM's: not measured"
                : String.format(Locale.ROOT, "peak RSS above an idle JVM's (%.0f MB): MMT-SE %.0f MB, fixed %.0f MB, "
                        + "ratio %.3f", fig.get("idleJvmVmHwmBytes").asDouble() / 1e6,
                        above.get("mmtse-s1").asDouble() / 1e6, above.get("fixed-s1").asDouble() / 1e6,
                        r.get("peakRssAboveIdleMultiresOverFixed").asDouble()));
        target(a, "planted congruence MMT-SE (mean over seeds)", ">= 0.55", in.get("mmtse").get("plantedCongruence"),
                0.55, true);
        target(a, "planted congruence MMT-SE / random", ">= 2", r.get("plantedCongruenceMmtseOverRandom"), 2, true);
        target(a, "seed-to-seed match MMT-SE", ">= 0.7", in.get("mmtse").get("seedToSeedMatch"), 0.7, true);
        target(a, "seed-to-seed match MMT-SE / random", ">= 3", r.get("seedToSeedMatchMmtseOverRandom"), 3, true);
        target(a, "best full-rank gain share of the oracle's margin (validation)", ">= 0.65",
                fig.get("bestFullRankGainShareOfOracle"), 0.65, true);
        target(a, "MMT-SE pipeline gain share of the oracle's margin (validation, mean over seeds)", ">= 0.85",
                fig.get("mmtsePipelineGainShareOfOracle"), 0.85, true);
        JsonNode rd = fig.get("realData");
        ObjectNode t = a.addObject();
        t.put("claim", "real data: MMT-SE test log loss (mean over seeds)");
        t.put("target", "below both fixed's and random-init's");
        if (rd == null || rd.isNull()) {
            t.putNull("measured");
            t.put("met", false);
            t.put("beside", "not measured (--no-real-data)");
        } else {
            t.set("measured", rd.get("mmtse").get("testLogLossMean"));
            t.put("met", RealDataPipelines.targetMet(rd));
            t.put("beside", String.format(Locale.ROOT, "fixed %.5f, random %.5f (%d seeds each)",
                    rd.get("fixed").get("testLogLossMean").asDouble(),
                    rd.get("random").get("testLogLossMean").asDouble(), rd.get("mmtse").get("seeds").asInt()));
        }
        return a;
    }

    /** A time-ratio target: at least {@code bound}, with the lower-bound flag and the steps ratio beside it. */
    private static void timeTarget(ArrayNode a, String claim, JsonNode ratios, JsonNode notes, String name,
            double bound) {
        ObjectNode t = target(a, claim, ">= " + number(bound), ratios.get(name), bound, true);
        t.put("isLowerBound", ratios.path(name + "IsLowerBound").asBoolean(false));
        t.put("beside", "steps ratio " + formatRatio(ratios.get(name + "Steps"),
                ratios.path(name + "StepsIsLowerBound").asBoolean(false))
                + (notes.has(name) ? "; " + notes.get(name).asText() : ""));
    }

    private static ObjectNode target(ArrayNode a, String claim, String text, JsonNode measured, double bound,
            boolean atLeast) {
        ObjectNode t = a.addObject();
        t.put("claim", claim);
        t.put("target", text);
        t.set("measured", measured == null ? JSON.nullNode() : measured);
        boolean met = measured != null && measured.isNumber()
                && (atLeast ? measured.asDouble() >= bound : measured.asDouble() <= bound);
        t.put("met", met);
        return t;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** "n/a", "x.xx" or "≥ x.xx (lower bound)". */
    static String formatRatio(JsonNode v, boolean lowerBound) {
        if (v == null || !v.isNumber()) {
            return "n/a";
        }
        String s = String.format(Locale.ROOT, "%.2f", v.asDouble());
        return lowerBound ? "≥ " + s + " (lower bound)" : s;
    }

    /**
     * For {@code --resume}: every result already in {@code out/methods} must be of {@code scale}. Call it before
     * anything is written, so that a mistaken resume leaves the folder as it was.
     *
     * @throws IllegalArgumentException naming the first result of another scale, with both scales
     * @throws IOException              if a result cannot be read
     */
    public static void checkResumable(Fig3Benchmark.Scale scale, Path out) throws IOException {
        Path methods = out.resolve("methods");
        if (!Files.isDirectory(methods)) {
            return;
        }
        String expected = JSON.valueToTree(scale).toString();
        List<Path> results;
        try (var files = Files.list(methods)) {
            results = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : results) {
            String found = String.valueOf(JSON.readTree(f.toFile()).get("scale"));
            if (!expected.equals(found)) {
                throw new IllegalArgumentException("--resume: " + f + " holds a result of another scale; expected "
                        + expected + ", found " + found + " (give the same scale options, or another --out)");
            }
        }
    }

    /** The headline tables of fig3.json as Markdown, ending with the target table. */
    public static String markdown(JsonNode fig) {
        StringBuilder sb = new StringBuilder();
        JsonNode sc = fig.get("scale");
        boolean training = "trainingSeconds".equals(fig.path("timeBasis").asText());
        sb.append(String.format(Locale.ROOT, "Scale: %d players, %d training frames, rank %d, %s min budget per "
                + "method, %d seeds (%s). Times: %s.%n%n", sc.get("players").asInt(), sc.get("frames").asInt(),
                sc.get("rank").asInt(), number(sc.get("budgetMinutes").asDouble()), fig.get("seeds").asInt(), sc,
                fig.get("note").asText()));
        JsonNode o = fig.get("oracle");
        sb.append(String.format(Locale.ROOT, "Planted model (oracle): validation log loss %.5f, test log loss %.5f, "
                + "test ROC AUC %.4f; constant predictor %.5f; the oracle's margin on validation %.5f.%n%n",
                o.get("validationLogLoss").asDouble(), o.get("testLogLoss").asDouble(),
                o.get("testRocAuc").asDouble(), o.get("constantLogLoss").asDouble(),
                fig.get("oracleMargin").asDouble()));
        JsonNode ft = fig.get("fullRankTarget");
        sb.append(String.format(Locale.ROOT, "Full-rank target: validation log loss %.5f = constant - 0.9 x the "
                + "largest full-rank gain (%.5f, %s); best full-rank gain share of the oracle's margin %.3f.%n%n",
                ft.get("validationLogLoss").asDouble(), ft.get("largestGain").asDouble(),
                ft.get("largestGainMethod").asText(), fig.get("bestFullRankGainShareOfOracle").asDouble()));
        String unit = training ? "training s" : "wall s";
        sb.append("| full-rank method | " + unit + " to target | steps to target | total " + unit + " | total steps "
                + "| best val loss | gain share of oracle | stages |\n|---|---|---|---|---|---|---|---|\n");
        fig.get("timeToTarget").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            List<String> st = new ArrayList<>();
            v.get("stages").forEach(x -> st.add(x.asText()));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %d | %.5f | %.3f | %s |%n", e.getKey(),
                    reachedSeconds(v), v.get("steps").isNull() ? "-" : v.get("steps").asText(),
                    v.get("totalSeconds").asDouble(), v.get("totalSteps").asInt(), v.get("bestValidationLoss")
                            .asDouble(), v.get("gainShareOfOracle").asDouble(), String.join("; ", st)));
        });
        JsonNode r = fig.get("ratios");
        sb.append("\n| ratio at the full-rank target | seconds | steps |\n|---|---|---|\n");
        for (String n : List.of("fixedOverEntropy", "fixedOverLiteral", "lossOverEntropy")) {
            sb.append(ratioRow(r, n));
        }
        JsonNode pt = fig.get("pipelineTargetDetail");
        sb.append(String.format(Locale.ROOT, "%nPipeline target: validation log loss %.5f = constant - 0.9 x the "
                + "largest pipeline gain (%.5f, %s); MMT-SE pipeline gain share of the oracle's margin %.3f (mean; "
                + "per seed %s).%n%n", pt.get("validationLogLoss").asDouble(), pt.get("largestGain").asDouble(),
                pt.get("largestGainRun").asText(), fig.get("mmtsePipelineGainShareOfOracle").asDouble(),
                fig.get("mmtsePipelineGainShareOfOraclePerSeed")));
        sb.append("| pipeline run | " + unit + " to target | steps to target | total " + unit + " | total steps "
                + "| best val loss | gain share of oracle |\n|---|---|---|---|---|---|---|\n");
        JsonNode ptt = fig.get("pipelineTimeToTarget");
        ptt.get("runs").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %d | %.5f | %.3f |%n", e.getKey(),
                    reachedSeconds(v), v.get("steps").isNull() ? "-" : v.get("steps").asText(),
                    v.get("totalSeconds").asDouble(), v.get("totalSteps").asInt(),
                    v.get("bestValidationLoss").asDouble(), v.get("gainShareOfOracle").asDouble()));
        });
        sb.append("\n");
        for (String m : Fig3Benchmark.PIPELINE) {
            if (ptt.has(m)) {
                sb.append(String.format(Locale.ROOT, "%s: seed %d, %s.%n", m, ptt.get(m).get("seed").asLong(),
                        ptt.get(m).get("note").asText()));
            }
        }
        sb.append("\n| ratio at the pipeline target | seconds | steps |\n|---|---|---|\n");
        for (String n : List.of("pipelineFixedOverMultires", "pipelineRandomOverMultires")) {
            sb.append(ratioRow(r, n));
        }
        JsonNode above = fig.get("peakRssAboveIdleBytes");
        sb.append(String.format(Locale.ROOT, "%nIdle JVM (only ND4J loaded): peak RSS %s.%n",
                fig.get("idleJvmVmHwmBytes").isNull() ? "not measured" : String.format(Locale.ROOT, "%.0f MB",
                        fig.get("idleJvmVmHwmBytes").asDouble() / 1e6)));
        sb.append("\n| method | test log loss | ROC AUC | wall s | training s | VmHWM MB | VmHWM - idle MB | model "
                + "state MB |\n|---|---|---|---|---|---|---|---|\n");
        fig.get("test").fields().forEachRemaining(e -> {
            JsonNode p = fig.get("peakBytes").get(e.getKey());
            sb.append(String.format(Locale.ROOT, "| %s | %.5f | %.4f | %.1f | %s | %.0f | %s | %.0f |%n",
                    e.getKey(), e.getValue().get("logLoss").asDouble(), e.getValue().get("rocAuc").asDouble(),
                    e.getValue().get("seconds").asDouble(), e.getValue().get("trainingSeconds").isNull() ? "-"
                            : String.format(Locale.ROOT, "%.1f", e.getValue().get("trainingSeconds").asDouble()),
                    p.get("vmHwmBytes").asDouble() / 1e6, above == null || above.isNull() ? "-"
                            : String.format(Locale.ROOT, "%.0f", above.get(e.getKey()).asDouble() / 1e6),
                    p.get("modelStateBytes").asDouble() / 1e6));
        });
        sb.append("\n| init | planted congruence | seed-to-seed match | court Dirichlet energy | court Moran's I |\n"
                + "|---|---|---|---|---|\n");
        JsonNode in = fig.get("interpretability");
        for (String m : List.of("mmtse", "random", "fixed")) {
            JsonNode v = in.get(m);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", m, f3(v.get("plantedCongruence")),
                    f3(v.get("seedToSeedMatch")), f3(v.get("courtDirichletEnergy")), f3(v.get("courtMoransI"))));
        }
        sb.append(String.format(Locale.ROOT, "| planted | 1 | - | %s | %s |%n",
                f3(in.get("plantedCourtDirichletEnergy")), f3(in.get("plantedCourtMoransI"))));
        JsonNode rd = fig.get("realData");
        sb.append("\n");
        if (rd == null || rd.isNull()) {
            sb.append("Real data: not run (--no-real-data).\n");
        } else {
            sb.append(RealDataPipelines.markdown(rd));
        }
        sb.append("\n| claim | target | measured | met |\n|---|---|---|---|\n");
        for (JsonNode t : fig.get("targets")) {
            JsonNode m = t.get("measured");
            boolean lower = t.path("isLowerBound").asBoolean(false);
            String measured = m == null || !m.isNumber() ? "n/a" : lower ? formatRatio(m, true)
                    : String.format(Locale.ROOT, "%.3f", m.asDouble());
            if (t.has("beside")) {
                measured += "; " + t.get("beside").asText();
            }
            String met = t.get("met").asBoolean() ? "met" : lower ? "not met (lower bound only)" : "not met";
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", t.get("claim").asText(),
                    t.get("target").asText(), measured, met));
        }
        return sb.toString();
    }

    private static String reachedSeconds(JsonNode v) {
        return v.get("reached").asBoolean() ? String.format(Locale.ROOT, "%.1f", v.get("seconds").asDouble())
                : "not reached";
    }

    private static String ratioRow(JsonNode r, String n) {
        return String.format(Locale.ROOT, "| %s | %s | %s |%n", n, formatRatio(r.get(n),
                r.path(n + "IsLowerBound").asBoolean(false)), formatRatio(r.get(n + "Steps"),
                r.path(n + "StepsIsLowerBound").asBoolean(false)));
    }

    private static String f3(JsonNode v) {
        return v == null || !v.isNumber() ? "-" : String.format(Locale.ROOT, "%.3f", v.asDouble());
    }

    /**
     * Validation loss against time (log x; training seconds when {@code training}, else wall seconds) and against
     * steps, one line per result, and the target as a horizontal line when it is not NaN.
     */
    static void plot(Map<String, JsonNode> results, List<String> keys, double target, String targetName,
            boolean training, String title, Path stem) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String timeAxis = training ? "training seconds (log)" : "wall seconds (log)";
        for (boolean bySeconds : new boolean[] {true, false}) {
            XYSeriesCollection c = new XYSeriesCollection();
            for (String k : keys) {
                JsonNode r = results.get(k);
                if (r == null) {
                    continue;
                }
                XYSeries s = new XYSeries(k.replace("-s1", ""));
                for (JsonNode t : r.get("trace")) {
                    double x = bySeconds ? time(t, training) : t.get("iteration").asDouble();
                    if (x > 0) {
                        s.add(x, t.get("validationLoss").asDouble());
                    }
                }
                c.addSeries(s);
            }
            double max = 1;
            for (int i = 0; i < c.getSeriesCount(); i++) {
                max = Math.max(max, c.getSeries(i).getMaxX());
            }
            if (!Double.isNaN(target)) {
                XYSeries s = new XYSeries(targetName);
                s.add(bySeconds ? 0.1 : 1, target);
                s.add(max, target);
                c.addSeries(s);
            }
            String xLabel = bySeconds ? timeAxis : "minibatches (log)";
            JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "validation log loss", c,
                    PlotOrientation.VERTICAL, true, false, false);
            XYPlot plot = chart.getXYPlot();
            plot.setDomainAxis(new LogAxis(xLabel));
            org.jfree.chart.axis.NumberAxis range = (org.jfree.chart.axis.NumberAxis) plot.getRangeAxis();
            range.setAutoRangeIncludesZero(false);
            for (int i = 0; i < c.getSeriesCount(); i++) {
                plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
            }
            Path png = stem.resolveSibling(stem.getFileName() + (bySeconds ? "-seconds.png" : "-steps.png"));
            ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 560);
        }
    }
}
