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
 * Runs the {@link Fig3Benchmark} methods through a {@link MethodRunner} (in turn, one JVM each from the CLI) and
 * combines their JSON results into {@code fig3.json}, {@code fig3.md} and the plots.
 *
 * <p>Time to target: target = 1.01 × the best validation log loss that {@code finest} reaches within its budget; a
 * method's time (steps) to target is the wall seconds (minibatches) of its first validated minibatch at or below it.
 */
public final class Fig3Report {
    /** The JSON writer of the benchmark files. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Runs one method with one seed, writing its result JSON (and factor .npy files) to {@code json}. */
    @FunctionalInterface
    public interface MethodRunner {
        /** Runs; throws if the method failed. */
        void run(String method, long seed, Path json) throws Exception;
    }

    private Fig3Report() {
    }

    /**
     * Runs every method ({@link Fig3Benchmark#PANEL} with seed 1, {@code mmtse} and {@code random} with seeds
     * 1..{@code seeds}, {@code fixed} with seed 1) and writes {@code fig3.json}, {@code fig3.md}, the plots and the
     * planted factors under {@code out}.
     *
     * @return the fig3.json content
     */
    public static ObjectNode run(Fig3Benchmark.Scale scale, int seeds, Path out, MethodRunner runner,
            java.util.function.Consumer<String> progress) throws Exception {
        Files.createDirectories(out);
        Path methods = out.resolve("methods");
        Files.createDirectories(methods);
        Fig3Benchmark.Data data = Fig3Benchmark.data(scale);
        Fig3Benchmark.writePlanted(data.planted(), out.resolve("planted"));
        io.github.finegrain.eval.BinaryMetrics oracleVal = io.github.finegrain.eval.BinaryMetrics.of(
                Fig3Benchmark.oracleProbabilities(data.planted(), data.val()), data.val().labels(), 0.5);
        io.github.finegrain.eval.BinaryMetrics oracleTest = io.github.finegrain.eval.BinaryMetrics.of(
                Fig3Benchmark.oracleProbabilities(data.planted(), data.test()), data.test().labels(), 0.5);
        double baseRate = (double) data.train().positives() / data.train().size();
        double constant = -(baseRate * Math.log(baseRate) + (1 - baseRate) * Math.log(1 - baseRate));
        data = null;
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
            JsonNode r = JSON.readTree(json.toFile());
            if (!JSON.valueToTree(scale).toString().equals(String.valueOf(r.get("scale")))) {
                throw new IllegalStateException(json + ": result of another scale, expected " + JSON.valueToTree(scale)
                        + ", found " + r.get("scale"));
            }
            results.put(key, r);
            progress.accept(String.format(Locale.ROOT, "%-10s %7.1f s wall (training %.1f s, %d steps), test log "
                    + "loss %.5f", key, (System.nanoTime() - t) / 1e9, r.get("seconds").asDouble(),
                    r.get("steps").asInt(), r.get("test").get("logLoss").asDouble()));
        }
        ObjectNode fig = combine(scale, seeds, results, methods);
        ObjectNode oracle = JSON.createObjectNode();
        oracle.put("note", "the planted model's own probabilities (Bayes-optimal) and the constant training-rate "
                + "predictor's log loss, for scale");
        oracle.put("validationLogLoss", oracleVal.logLoss());
        oracle.put("testLogLoss", oracleTest.logLoss());
        oracle.put("testRocAuc", oracleTest.rocAuc());
        oracle.put("constantLogLoss", constant);
        fig.set("oracle", oracle);
        JSON.writeValue(out.resolve("fig3.json").toFile(), fig);
        Files.writeString(out.resolve("fig3.md"), markdown(fig));
        plot(results, Fig3Benchmark.PANEL.stream().map(m -> m + "-s1").toList(), fig.get("target").asDouble(),
                fig.get("gainTarget").asDouble(),
                "Fig. 3 (left): full-rank models", out.resolve("fig3-fullrank"));
        plot(results, List.of("mmtse-s1", "fixed-s1", "random-s1"), Double.NaN, Double.NaN,
                "Fig. 3 (right): pipelines",
                out.resolve("fig3-pipeline"));
        return fig;
    }

    static ObjectNode combine(Fig3Benchmark.Scale scale, int seeds, Map<String, JsonNode> r, Path methods)
            throws IOException {
        ObjectNode fig = JSON.createObjectNode();
        fig.putPOJO("scale", scale);
        fig.put("seeds", seeds);
        fig.put("note", "wall-clock seconds on the machine that ran it, validation passes included");
        double best = bestValidationLoss(r.get("finest-s1"), Double.POSITIVE_INFINITY);
        double target = 1.01 * best;
        fig.put("finestBestValidationLoss", best);
        fig.put("target", target);
        ObjectNode ttt = fig.putObject("timeToTarget");
        for (String m : Fig3Benchmark.PANEL) {
            JsonNode res = r.get(m + "-s1");
            ObjectNode e = firstReach(ttt.putObject(m), res, target);
            e.put("epochs", res.get("epochs").asInt());
            e.put("bestValidationLoss", bestValidationLoss(res, Double.POSITIVE_INFINITY));
            ArrayNode st = e.putArray("stages");
            for (JsonNode s : res.get("stages")) {
                st.add(s.get("stage").asText() + ": " + s.get("iterations").asInt() + " steps, "
                        + s.get("endReason").asText());
            }
        }
        ObjectNode gain = gainTarget(r, fig);
        ObjectNode ratios = fig.putObject("ratios");
        ratio(ratios, "fixedOverEntropy", ttt.get("finest"), ttt.get("entropy"));
        ratio(ratios, "fixedOverLiteral", ttt.get("finest"), ttt.get("literal"));
        ratio(ratios, "lossOverEntropy", ttt.get("loss"), ttt.get("entropy"));
        gainRatio(ratios, "finestOverEntropyAtGainTarget", gain.get("finest"), gain.get("entropy"));
        gainRatio(ratios, "lossOverEntropyAtGainTarget", gain.get("loss"), gain.get("entropy"));
        gainRatio(ratios, "literalOverEntropyAtGainTarget", gain.get("literal"), gain.get("entropy"));
        JsonNode mm = r.get("mmtse-s1");
        JsonNode fx = r.get("fixed-s1");
        ratios.put("pipelineFixedOverMultires", fx.get("seconds").asDouble() / mm.get("seconds").asDouble());
        double llm = mm.get("test").get("logLoss").asDouble();
        double llf = fx.get("test").get("logLoss").asDouble();
        ratios.put("pipelineTestLogLossRelativeDifference", (llm - llf) / llf);
        ObjectNode peaks = fig.putObject("peakBytes");
        ObjectNode test = fig.putObject("test");
        ObjectNode seconds = fig.putObject("pipelineSeconds");
        for (Map.Entry<String, JsonNode> e : r.entrySet()) {
            peaks.set(e.getKey(), e.getValue().get("peak"));
            ObjectNode t = test.putObject(e.getKey());
            t.put("logLoss", e.getValue().get("test").get("logLoss").asDouble());
            t.put("rocAuc", e.getValue().get("test").get("rocAuc").asDouble());
            t.put("seconds", e.getValue().get("seconds").asDouble());
            if (e.getKey().endsWith("-s1") && Fig3Benchmark.PIPELINE.contains(e.getKey().replace("-s1", ""))) {
                seconds.put(e.getKey(), e.getValue().get("seconds").asDouble());
            }
        }
        ratios.put("peakVmHwmMultiresOverFixed", mm.get("peak").get("vmHwmBytes").asDouble()
                / fx.get("peak").get("vmHwmBytes").asDouble());
        ratios.put("peakModelStateMultiresOverFixed", mm.get("peak").get("modelStateBytes").asDouble()
                / fx.get("peak").get("modelStateBytes").asDouble());
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
                if (s == 1) {
                    interp.put("plantedCourtDirichletEnergy", in.get("plantedCourtDirichletEnergy").asDouble());
                    interp.put("plantedCourtMoransI", in.get("plantedCourtMoransI").asDouble());
                }
            }
            o.put("seeds", n);
            o.put("plantedCongruence", n == 0 ? Double.NaN : cong / n);
            o.put("courtDirichletEnergy", n == 0 ? Double.NaN : dir / n);
            o.put("courtMoransI", n == 0 ? Double.NaN : moran / n);
            double pair = 0;
            int pairs = 0;
            for (int i = 0; i < factors.size(); i++) {
                for (int j = i + 1; j < factors.size(); j++) {
                    pair += Congruence.coefficient(factors.get(i), factors.get(j));
                    pairs++;
                }
            }
            if (pairs > 0) {
                o.put("seedToSeedMatch", pair / pairs);
            } else {
                o.putNull("seedToSeedMatch");
            }
        }
        double cm = interp.get("mmtse").get("plantedCongruence").asDouble();
        double cr = interp.get("random").get("plantedCongruence").asDouble();
        ratios.put("plantedCongruenceMmtseOverRandom", cm / cr);
        fig.set("targets", targets(fig));
        return fig;
    }

    /**
     * A second, supplementary target: 90 % of the entropy run's own validation gain, {@code start − 0.9 (start −
     * best)}. The target (1.01 × the finest run's best) lies above every run's starting loss when the finest
     * run gains less than 1 % within its budget, and then every method "reaches" it at its first validation.
     * Writes {@code gainTarget} and {@code timeToGainTarget} (per panel method: seconds and steps, or null with
     * {@code reached: false}).
     */
    private static ObjectNode gainTarget(Map<String, JsonNode> r, ObjectNode fig) {
        JsonNode ent = r.get("entropy-s1");
        double start = ent.get("stages").get(0).get("startValidationLoss").asDouble();
        double target = start - 0.9 * (start - bestValidationLoss(ent, start));
        fig.put("gainTarget", target);
        ObjectNode out = fig.putObject("timeToGainTarget");
        for (String m : Fig3Benchmark.PANEL) {
            firstReach(out.putObject(m), r.get(m + "-s1"), target);
        }
        return out;
    }

    /** The lowest validation loss in a result's trace, or {@code none} if it has none lower. */
    private static double bestValidationLoss(JsonNode result, double none) {
        double best = none;
        for (JsonNode t : result.get("trace")) {
            best = Math.min(best, t.get("validationLoss").asDouble());
        }
        return best;
    }

    /**
     * Fills {@code e} with the seconds and steps of the first validation of {@code result} at or below
     * {@code target} (null if none), {@code reached}, and the result's total seconds and steps.
     */
    private static ObjectNode firstReach(ObjectNode e, JsonNode result, double target) {
        e.putNull("seconds");
        e.putNull("steps");
        for (JsonNode t : result.get("trace")) {
            if (t.get("validationLoss").asDouble() <= target) {
                e.put("seconds", t.get("seconds").asDouble());
                e.put("steps", t.get("iteration").asInt());
                break;
            }
        }
        e.put("reached", !e.get("seconds").isNull());
        e.put("totalSeconds", result.get("seconds").asDouble());
        e.put("totalSteps", result.get("steps").asInt());
        return e;
    }

    /**
     * {@code slow / fast} at the gain target; when {@code slow} never reached it, the ratio of its whole run to
     * {@code fast}'s time, marked as a lower bound ({@code name + "IsLowerBound"}).
     */
    private static void gainRatio(ObjectNode ratios, String name, JsonNode slow, JsonNode fast) {
        if (fast.get("seconds").isNull()) {
            ratios.putNull(name);
            ratios.put(name + "IsLowerBound", false);
            return;
        }
        boolean reached = !slow.get("seconds").isNull();
        double t = reached ? slow.get("seconds").asDouble() : slow.get("totalSeconds").asDouble();
        double steps = reached ? slow.get("steps").asDouble() : slow.get("totalSteps").asDouble();
        ratios.put(name, t / fast.get("seconds").asDouble());
        ratios.put(name + "Steps", steps / fast.get("steps").asDouble());
        ratios.put(name + "IsLowerBound", !reached);
    }

    private static void ratio(ObjectNode ratios, String name, JsonNode slow, JsonNode fast) {
        if (slow.get("seconds").isNull() || fast.get("seconds").isNull()) {
            ratios.putNull(name);
            ratios.putNull(name + "Steps");
            return;
        }
        ratios.put(name, slow.get("seconds").asDouble() / fast.get("seconds").asDouble());
        ratios.put(name + "Steps", slow.get("steps").asDouble() / fast.get("steps").asDouble());
    }

    private static ArrayNode targets(ObjectNode fig) {
        ArrayNode a = JSON.createArrayNode();
        JsonNode r = fig.get("ratios");
        JsonNode in = fig.get("interpretability");
        target(a, "(c)/(a) time to target (finest / entropy)", ">= 30", r.get("fixedOverEntropy"), 30, true);
        target(a, "(c)/(a literal) time to target (finest / literal)", ">= 30", r.get("fixedOverLiteral"), 30,
                true);
        target(a, "(b)/(a) time to target (loss / entropy)", ">= 5", r.get("lossOverEntropy"), 5, true);
        target(a, "pipeline fixed / MMT-SE seconds", ">= 8", r.get("pipelineFixedOverMultires"), 8, true);
        target(a, "pipeline test log loss (MMT-SE - fixed) / fixed", "<= 0.01",
                r.get("pipelineTestLogLossRelativeDifference"), 0.01, false);
        target(a, "peak VmHWM MMT-SE / fixed", "<= 0.1", r.get("peakVmHwmMultiresOverFixed"), 0.1, false);
        target(a, "peak model state (parameters, gradient, Adam) MMT-SE / fixed", "<= 0.1",
                r.get("peakModelStateMultiresOverFixed"), 0.1, false);
        target(a, "planted congruence MMT-SE", ">= 0.6", in.get("mmtse").get("plantedCongruence"), 0.6, true);
        target(a, "planted congruence MMT-SE / random", ">= 2", r.get("plantedCongruenceMmtseOverRandom"), 2, true);
        target(a, "seed-to-seed match MMT-SE", ">= 0.9", in.get("mmtse").get("seedToSeedMatch"), 0.9, true);
        JsonNode rs = in.get("random").get("seedToSeedMatch");
        ObjectNode t = a.addObject();
        t.put("claim", "seed-to-seed match random init");
        t.put("target", "clearly lower than MMT-SE");
        t.set("measured", rs);
        JsonNode ms = in.get("mmtse").get("seedToSeedMatch");
        t.put("met", rs.isNumber() && ms.isNumber() && rs.asDouble() < ms.asDouble() - 0.1);
        return a;
    }

    private static void target(ArrayNode a, String claim, String text, JsonNode measured, double bound,
            boolean atLeast) {
        ObjectNode t = a.addObject();
        t.put("claim", claim);
        t.put("target", text);
        t.set("measured", measured == null ? JSON.nullNode() : measured);
        boolean met = measured != null && measured.isNumber()
                && (atLeast ? measured.asDouble() >= bound : measured.asDouble() <= bound);
        t.put("met", met);
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

    /** The headline table of fig3.json as Markdown. */
    public static String markdown(JsonNode fig) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Scale: %s; seeds %d; target validation log loss %.5f (1.01 x best of "
                + "finest, %.5f). %s.%n%n", fig.get("scale"), fig.get("seeds").asInt(), fig.get("target").asDouble(),
                fig.get("finestBestValidationLoss").asDouble(), fig.get("note").asText()));
        if (fig.has("oracle")) {
            JsonNode o = fig.get("oracle");
            sb.append(String.format(Locale.ROOT, "Planted model (oracle): validation log loss %.5f, test log loss "
                    + "%.5f, test ROC AUC %.4f; constant predictor %.5f.%n%n", o.get("validationLogLoss").asDouble(),
                    o.get("testLogLoss").asDouble(), o.get("testRocAuc").asDouble(),
                    o.get("constantLogLoss").asDouble()));
        }
        sb.append("| full-rank method | time to target (s) | steps to target | total s | total steps | best val loss "
                + "| stages |\n|---|---|---|---|---|---|---|\n");
        fig.get("timeToTarget").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            List<String> st = new ArrayList<>();
            v.get("stages").forEach(x -> st.add(x.asText()));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %d | %.5f | %s |%n", e.getKey(),
                    v.get("seconds").isNull() ? "not reached" : String.format(Locale.ROOT, "%.1f",
                            v.get("seconds").asDouble()),
                    v.get("steps").isNull() ? "-" : v.get("steps").asText(), v.get("totalSeconds").asDouble(),
                    v.get("totalSteps").asInt(), v.get("bestValidationLoss").asDouble(), String.join("; ", st)));
        });
        if (fig.has("timeToGainTarget")) {
            sb.append(String.format(Locale.ROOT, "%nSupplementary target: 90 %% of the entropy run's validation gain, "
                    + "log loss %.5f.%n%n| full-rank method | time (s) | steps | total s | total steps |%n"
                    + "|---|---|---|---|---|%n", fig.get("gainTarget").asDouble()));
            fig.get("timeToGainTarget").fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %d |%n", e.getKey(),
                        v.get("reached").asBoolean() ? String.format(Locale.ROOT, "%.1f", v.get("seconds").asDouble())
                                : "not reached", v.get("reached").asBoolean() ? v.get("steps").asText() : "-",
                        v.get("totalSeconds").asDouble(), v.get("totalSteps").asInt()));
            });
            JsonNode r = fig.get("ratios");
            for (String n : List.of("finestOverEntropyAtGainTarget", "lossOverEntropyAtGainTarget",
                    "literalOverEntropyAtGainTarget")) {
                if (r.hasNonNull(n)) {
                    sb.append(String.format(Locale.ROOT, "%n%s: %s%.2f (steps %s%.2f)", n,
                            r.get(n + "IsLowerBound").asBoolean() ? ">= " : "", r.get(n).asDouble(),
                            r.get(n + "IsLowerBound").asBoolean() ? ">= " : "", r.get(n + "Steps").asDouble()));
                }
            }
            sb.append("\n");
        }
        sb.append("\n| method | test log loss | ROC AUC | training s | VmHWM MB | model state MB |\n"
                + "|---|---|---|---|---|---|\n");
        fig.get("test").fields().forEachRemaining(e -> {
            JsonNode p = fig.get("peakBytes").get(e.getKey());
            sb.append(String.format(Locale.ROOT, "| %s | %.5f | %.4f | %.1f | %.0f | %.0f |%n", e.getKey(),
                    e.getValue().get("logLoss").asDouble(), e.getValue().get("rocAuc").asDouble(),
                    e.getValue().get("seconds").asDouble(), p.get("vmHwmBytes").asDouble() / 1e6,
                    p.get("modelStateBytes").asDouble() / 1e6));
        });
        sb.append("\n| init | planted congruence | seed-to-seed match | court Dirichlet energy | court Moran's I |\n"
                + "|---|---|---|---|---|\n");
        JsonNode in = fig.get("interpretability");
        for (String m : List.of("mmtse", "random", "fixed")) {
            JsonNode o = in.get(m);
            sb.append(String.format(Locale.ROOT, "| %s | %.3f | %s | %.3f | %.3f |%n", m,
                    o.get("plantedCongruence").asDouble(), o.get("seedToSeedMatch").isNull() ? "-"
                            : String.format(Locale.ROOT, "%.3f", o.get("seedToSeedMatch").asDouble()),
                    o.get("courtDirichletEnergy").asDouble(), o.get("courtMoransI").asDouble()));
        }
        sb.append(String.format(Locale.ROOT, "| planted | 1 | - | %.3f | %.3f |%n",
                in.get("plantedCourtDirichletEnergy").asDouble(), in.get("plantedCourtMoransI").asDouble()));
        sb.append("\n| claim | target | measured | met |\n|---|---|---|---|\n");
        for (JsonNode t : fig.get("targets")) {
            JsonNode m = t.get("measured");
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", t.get("claim").asText(),
                    t.get("target").asText(), m == null || m.isNull() ? "n/a" : m.isNumber()
                            ? String.format(Locale.ROOT, "%.3f", m.asDouble()) : m.asText(),
                    t.get("met").asBoolean() ? "yes" : "no"));
        }
        return sb.toString();
    }

    /** Validation loss vs seconds (log x) and vs steps, one line per result, and the targets that are not NaN. */
    static void plot(Map<String, JsonNode> results, List<String> keys, double target, double gainTarget, String title,
            Path stem) throws IOException {
        System.setProperty("java.awt.headless", "true");
        for (boolean bySeconds : new boolean[] {true, false}) {
            XYSeriesCollection c = new XYSeriesCollection();
            for (String k : keys) {
                JsonNode r = results.get(k);
                if (r == null) {
                    continue;
                }
                XYSeries s = new XYSeries(k.replace("-s1", ""));
                for (JsonNode t : r.get("trace")) {
                    double x = bySeconds ? t.get("seconds").asDouble() : t.get("iteration").asDouble();
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
            double[] levels = {target, gainTarget};
            String[] names = {"target (1.01 x finest best)", "90 % of the entropy run's gain"};
            for (int i = 0; i < 2; i++) {
                if (!Double.isNaN(levels[i])) {
                    XYSeries s = new XYSeries(names[i]);
                    s.add(bySeconds ? 0.1 : 1, levels[i]);
                    s.add(max, levels[i]);
                    c.addSeries(s);
                }
            }
            JFreeChart chart = ChartFactory.createXYLineChart(title, bySeconds ? "wall seconds (log)" : "minibatches (log)",
                    "validation log loss", c, PlotOrientation.VERTICAL, true, false, false);
            XYPlot plot = chart.getXYPlot();
            LogAxis axis = new LogAxis(bySeconds ? "wall seconds (log)" : "minibatches (log)");
            plot.setDomainAxis(axis);
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
