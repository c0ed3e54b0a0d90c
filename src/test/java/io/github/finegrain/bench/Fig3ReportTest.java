package io.github.finegrain.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target and ratio logic of {@link Fig3Report} on hand-made method results whose answers are worked out by hand
 * in the comments: constant predictor 0.30, planted model 0.20 on validation (margin 0.10).
 */
class Fig3ReportTest {
    private static final Fig3Benchmark.Scale SCALE = new Fig3Benchmark.Scale(4, 400, 3, 0.1, 2.0, 7, 0.5);

    @TempDir
    Path dir;

    /** A result with trace entries {wall seconds, training seconds (NaN: field absent), iteration, val loss}. */
    private static ObjectNode result(double testLogLoss, long vmHwm, long modelState, double[]... trace) {
        ObjectNode r = Fig3Report.JSON.createObjectNode();
        r.putPOJO("scale", SCALE);
        ArrayNode t = r.putArray("trace");
        for (double[] e : trace) {
            ObjectNode o = t.addObject();
            o.put("seconds", e[0]);
            if (!Double.isNaN(e[1])) {
                o.put("trainingSeconds", e[1]);
            }
            o.put("iteration", (int) e[2]);
            o.put("validationLoss", e[3]);
            o.put("stage", 0);
        }
        double[] last = trace[trace.length - 1];
        r.put("seconds", last[0] + 1);
        r.put("steps", (int) last[2] + 5); // minibatches after the last validation count in the total
        r.put("epochs", 1);
        r.putArray("stages").addObject().put("stage", "full-rank 4x5/6x6").put("iterations", (int) last[2] + 5)
                .put("endReason", "budget");
        r.putObject("test").put("logLoss", testLogLoss).put("rocAuc", 0.7);
        r.putObject("peak").put("vmHwmBytes", vmHwm).put("modelStateBytes", modelState);
        return r;
    }

    private static double[] e(double seconds, double training, int iteration, double loss) {
        return new double[] {seconds, training, iteration, loss};
    }

    private static Map<String, JsonNode> results() {
        Map<String, JsonNode> r = new LinkedHashMap<>();
        // panel: the largest gain is entropy's, 0.30 - 0.25 = 0.05, so the target is 0.30 - 0.045 = 0.255
        r.put("entropy-s1", result(0.3, 1, 1, e(2, 1.0, 10, 0.29), e(3, 1.2, 20, 0.26), e(4, 1.5, 30, 0.25)));
        r.put("literal-s1", result(0.3, 1, 1, e(1, 0.5, 10, 0.28), e(2, 1.2, 20, 0.27))); // never reaches 0.255
        r.put("loss-s1", result(0.3, 1, 1, e(1, 0.8, 10, 0.29), e(5, 3.0, 40, 0.254), e(6, 4.0, 60, 0.2535)));
        r.put("finest-s1", result(0.3, 1, 1, e(10, 9, 10, 0.295), e(20, 18, 20, 0.27))); // never reaches it
        // pipelines: the largest gain is fixed's, 0.30 - 0.21 = 0.09, so the target is 0.30 - 0.081 = 0.219
        r.put("fixed-s1", result(0.200, 8000, 400, e(11, 10, 10, 0.25), e(44, 40, 400, 0.21)));
        r.put("mmtse-s1", result(0.201, 3000, 40, e(3, 2, 10, 0.24), e(6, 5, 50, 0.215)));
        r.put("mmtse-s2", result(0.203, 3000, 40, e(3, 2, 10, 0.23), e(5, 4, 40, 0.218)));
        r.put("mmtse-s3", result(0.205, 3000, 40, e(3, 2, 10, 0.23), e(8, 7, 70, 0.225))); // never reaches it
        r.put("random-s1", result(0.24, 2500, 40, e(30, 29, 300, 0.24)));
        r.put("random-s2", result(0.24, 2500, 40, e(20, 19, 200, 0.245)));
        r.put("random-s3", result(0.24, 2500, 40, e(25, 24, 250, 0.25)));
        return r;
    }

    private static ObjectNode oracle() {
        ObjectNode o = Fig3Report.JSON.createObjectNode();
        o.put("validationLogLoss", 0.20);
        o.put("constantLogLoss", 0.30);
        o.put("testLogLoss", 0.2);
        o.put("testRocAuc", 0.8);
        return o;
    }

    private static ObjectNode idle() {
        ObjectNode o = Fig3Report.JSON.createObjectNode();
        o.put("vmHwmBytes", 1000);
        return o;
    }

    /** realData as RealDataPipelines.run writes it, with the three means. */
    private static ObjectNode realData(double mmtse, double fixed, double random) {
        ObjectNode rd = Fig3Report.JSON.createObjectNode();
        double[] ll = {mmtse, fixed, random};
        for (int i = 0; i < 3; i++) {
            rd.putObject(RealDataPipelines.PIPELINES.get(i)).put("testLogLossMean", ll[i]).put("testLogLossSd", 0.001)
                    .put("rocAucMean", 0.8).put("rocAucSd", 0.01).put("seeds", 5).putArray("ladder").add("x");
        }
        rd.put("note", "hand-made");
        return rd;
    }

    @Test
    void targetsAreNinetyPercentOfTheLargestGainInTrainingSeconds() throws Exception {
        JsonNode fig = Fig3Report.combine(SCALE, 3, results(), dir, oracle(), idle(), realData(0.33, 0.34, 0.35));

        assertThat(fig.get("formatVersion").asInt()).isEqualTo(2);
        assertThat(fig.get("timeBasis").asText()).isEqualTo("trainingSeconds");
        assertThat(fig.get("oracleMargin").asDouble()).isCloseTo(0.10, within(1e-12));
        assertThat(fig.get("target").asDouble()).isCloseTo(0.255, within(1e-12));
        assertThat(fig.get("fullRankTarget").get("largestGainMethod").asText()).isEqualTo("entropy");
        assertThat(fig.get("bestFullRankGainShareOfOracle").asDouble()).isCloseTo(0.5, within(1e-9));
        JsonNode scale = fig.get("scale");
        assertThat(scale.get("players").asInt()).isEqualTo(4);
        assertThat(scale.get("frames").asInt()).isEqualTo(400);
        assertThat(scale.get("seeds").asInt()).isEqualTo(3);
        assertThat(scale.get("budgetMinutes").asDouble()).isEqualTo(0.5);

        JsonNode ttt = fig.get("timeToTarget");
        assertThat(ttt.get("entropy").get("seconds").asDouble()).isEqualTo(1.5); // training, not wall (4)
        assertThat(ttt.get("entropy").get("steps").asInt()).isEqualTo(30);
        assertThat(ttt.get("loss").get("seconds").asDouble()).isEqualTo(3.0);
        assertThat(ttt.get("finest").get("reached").asBoolean()).isFalse();
        assertThat(ttt.get("finest").get("seconds").isNull()).isTrue();
        assertThat(ttt.get("finest").get("totalSeconds").asDouble()).isEqualTo(18); // last entry's training seconds
        assertThat(ttt.get("finest").get("gainShareOfOracle").asDouble()).isCloseTo(0.3, within(1e-9));

        JsonNode r = fig.get("ratios");
        // finest never reached: the budget (30 s, more than its 18 s) over entropy's time, a lower bound
        assertThat(r.get("fixedOverEntropy").asDouble()).isCloseTo(30 / 1.5, within(1e-12));
        assertThat(fig.get("ratioNotes").get("fixedOverEntropy").asText()).contains("after 18.0 training seconds");
        assertThat(r.get("fixedOverEntropySteps").asDouble()).isCloseTo(25 / 30.0, within(1e-12));
        assertThat(r.get("fixedOverEntropyIsLowerBound").asBoolean()).isTrue();
        assertThat(r.get("lossOverEntropy").asDouble()).isCloseTo(2.0, within(1e-12));
        assertThat(r.get("lossOverEntropySteps").asDouble()).isCloseTo(40 / 30.0, within(1e-12));
        assertThat(r.get("lossOverEntropyIsLowerBound").asBoolean()).isFalse();
        // literal (the faster one here) never reached the target: no ratio
        assertThat(r.get("fixedOverLiteral").isNull()).isTrue();
        assertThat(r.get("fixedOverLiteralIsLowerBound").asBoolean()).isFalse();
        for (String old : List.of("finestBestValidationLoss", "gainTarget", "timeToGainTarget")) {
            assertThat(fig.has(old)).as(old).isFalse();
        }
        assertThat(r.has("finestOverEntropyAtGainTarget")).isFalse();

        // pipelines: target 0.219; mmtse seeds reach it at 5 (s1), 4 (s2), never (s3): the median seed is s1
        assertThat(fig.get("pipelineTarget").asDouble()).isCloseTo(0.219, within(1e-12));
        assertThat(fig.get("pipelineTargetDetail").get("largestGainRun").asText()).isEqualTo("fixed-s1");
        JsonNode ptt = fig.get("pipelineTimeToTarget");
        assertThat(ptt.get("runs").get("mmtse-s3").get("reached").asBoolean()).isFalse();
        assertThat(ptt.get("mmtse").get("seed").asInt()).isEqualTo(1);
        assertThat(ptt.get("mmtse").get("seconds").asDouble()).isEqualTo(5);
        assertThat(ptt.get("fixed").get("seconds").asDouble()).isEqualTo(40);
        assertThat(r.get("pipelineFixedOverMultires").asDouble()).isCloseTo(8.0, within(1e-12));
        assertThat(r.get("pipelineFixedOverMultiresSteps").asDouble()).isCloseTo(400 / 50.0, within(1e-12));
        assertThat(r.get("pipelineFixedOverMultiresIsLowerBound").asBoolean()).isFalse();
        // no random seed reaches it: the budget (30 s, more than the median seed's 24 s) / 5, a lower bound
        assertThat(r.get("pipelineRandomOverMultires").asDouble()).isCloseTo(30 / 5.0, within(1e-12));
        assertThat(r.get("pipelineRandomOverMultiresIsLowerBound").asBoolean()).isTrue();
        assertThat(fig.get("mmtsePipelineGainShareOfOracle").asDouble()).isCloseTo((0.85 + 0.82 + 0.75) / 3,
                within(1e-9));
        assertThat(fig.get("mmtsePipelineGainShareOfOraclePerSeed").size()).isEqualTo(3);
        assertThat(r.get("pipelineTestLogLossRelativeDifference").asDouble()).isCloseTo((0.203 - 0.2) / 0.2,
                within(1e-9));

        // memory: above an idle JVM of 1000 bytes
        assertThat(fig.get("idleJvmVmHwmBytes").asLong()).isEqualTo(1000);
        assertThat(fig.get("peakRssAboveIdleBytes").get("mmtse-s1").asLong()).isEqualTo(2000);
        assertThat(r.get("peakRssAboveIdleMultiresOverFixed").asDouble()).isCloseTo(2000 / 7000.0, within(1e-12));
        assertThat(r.get("peakModelStateMultiresOverFixed").asDouble()).isCloseTo(0.1, within(1e-12));
        assertThat(fig.get("realData").get("mmtse").get("testLogLossMean").asDouble()).isEqualTo(0.33);
        assertThat(fig.get("realData").has("note")).isFalse();
    }

    @Test
    void targetTableMarksLowerBoundsAndWhatIsMet() throws Exception {
        JsonNode fig = Fig3Report.combine(SCALE, 3, results(), dir, oracle(), idle(), realData(0.33, 0.34, 0.35));
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        fig.get("targets").forEach(t -> rows.put(t.get("claim").asText(), t));
        assertThat(rows).hasSize(12);
        JsonNode ca = rows.get("(c)/(a) training seconds to the full-rank target (finest / entropy)");
        assertThat(ca.get("measured").asDouble()).isCloseTo(20, within(1e-12));
        assertThat(ca.get("isLowerBound").asBoolean()).isTrue();
        assertThat(ca.get("met").asBoolean()).isTrue(); // a lower bound of 12 >= 10 is met
        assertThat(rows.get("(b)/(a) training seconds to the full-rank target (loss / entropy)").get("met")
                .asBoolean()).isFalse();
        assertThat(rows.get("pipeline fixed / MMT-SE training seconds to the pipeline target (MMT-SE: median seed)")
                .get("met").asBoolean()).isTrue();
        assertThat(rows.get("pipeline test log loss (MMT-SE mean - fixed) / fixed, with the line above").get("met")
                .asBoolean()).isFalse(); // 1.5 % worse
        assertThat(rows.get("peak model-state bytes (parameters, gradient, optimizer state) MMT-SE / fixed")
                .get("met").asBoolean()).isTrue();
        assertThat(rows.get("best full-rank gain share of the oracle's margin (validation)").get("met").asBoolean())
                .isFalse();
        assertThat(rows.get("real data: MMT-SE test log loss (mean over seeds)").get("met").asBoolean()).isTrue();
        assertThat(rows.get("planted congruence MMT-SE (mean over seeds)").get("measured").isNull()).isTrue();

        String md = Fig3Report.markdown(fig);
        assertThat(md).contains("| (c)/(a) training seconds to the full-rank target (finest / entropy) | >= 10 | "
                + "≥ 20.00 (lower bound); steps ratio ≥ 0.83 (lower bound); the slower method never reached the "
                + "target (it stopped after 18.0 training seconds); the ratio is the lower bound budget / faster "
                + "method's time | met |");
        assertThat(md).contains("| (b)/(a) training seconds to the full-rank target (loss / entropy) | >= 5 | 2.000; "
                + "steps ratio 1.33 | not met |");
        assertThat(md).contains("| finest | not reached | - | 18.0 | 25 |");
        assertThat(md).contains("Target: " + RealDataPipelines.TARGET + ": met.");

        JsonNode worse = Fig3Report.combine(SCALE, 3, results(), dir, oracle(), null, realData(0.345, 0.34, 0.35));
        assertThat(worse.get("targets").get(11).get("met").asBoolean()).isFalse();
        assertThat(worse.get("idleJvmVmHwmBytes").isNull()).isTrue();
        assertThat(Fig3Report.combine(SCALE, 3, results(), dir, oracle(), null, null).get("targets").get(11)
                .get("beside").asText()).contains("not measured");
    }

    /** Results of before the trainingSeconds field: every time is the wall seconds, and fig3.json says so. */
    @Test
    void resultsWithoutTrainingSecondsFallBackToWallSeconds() throws Exception {
        Map<String, JsonNode> r = results();
        ArrayNode trace = (ArrayNode) r.get("loss-s1").get("trace");
        ((ObjectNode) trace.get(0)).remove("trainingSeconds"); // one old entry makes the whole report wall seconds
        JsonNode fig = Fig3Report.combine(SCALE, 3, r, dir, oracle(), idle(), null);
        assertThat(fig.get("timeBasis").asText()).isEqualTo("seconds");
        assertThat(fig.get("note").asText()).contains("validation passes included");
        assertThat(fig.get("timeToTarget").get("entropy").get("seconds").asDouble()).isEqualTo(4);
        assertThat(fig.get("ratios").get("fixedOverEntropy").asDouble()).isCloseTo(30 / 4.0, within(1e-12)); // budget 30 s
        assertThat(fig.get("ratios").get("lossOverEntropy").asDouble()).isCloseTo(5 / 4.0, within(1e-12));
        assertThat(fig.get("realData").isNull()).isTrue();
    }

    @Test
    void medianSeedCountsUnreachedAsSlowestAndTakesTheUpperMedianOfAnEvenCount() {
        ObjectNode a = Fig3Report.JSON.createObjectNode().put("reached", true).put("seconds", 9.0)
                .put("totalSeconds", 20.0).put("seed", 1);
        ObjectNode b = Fig3Report.JSON.createObjectNode().put("reached", false).put("totalSeconds", 1.0)
                .put("seed", 2);
        ObjectNode c = Fig3Report.JSON.createObjectNode().put("reached", true).put("seconds", 3.0)
                .put("totalSeconds", 20.0).put("seed", 3);
        assertThat(Fig3Report.median(List.of(a, b, c)).get("seed").asInt()).isEqualTo(1);
        assertThat(Fig3Report.median(List.of(a, b, c)).get("of").asInt()).isEqualTo(3);
        // of two, the slower: here the one that never reached the target
        assertThat(Fig3Report.median(List.of(a, b)).get("seed").asInt()).isEqualTo(2);
        assertThat(Fig3Report.median(List.of(a, b)).get("reached").asBoolean()).isFalse();
        assertThat(Fig3Report.median(List.of(b.deepCopy().put("seed", 4), a, c)).get("seed").asInt()).isEqualTo(1);
    }

    /**
     * A failure of the real-data pipelines comes after hours of planted methods: fig3.json is written first (realData
     * null, the failure in realDataNote), then the failure is thrown.
     */
    @Test
    void aRealDataFailureStillWritesTheReportThenThrows() throws Exception {
        Map<String, JsonNode> fake = results();
        Fig3Report.MethodRunner runner = (m, seed, json) -> Fig3Report.JSON.writeValue(json.toFile(),
                m.equals(Fig3Report.IDLE) ? idle().putPOJO("scale", SCALE) : fake.get(m + "-s" + seed));
        assertThatThrownBy(() -> Fig3Report.run(SCALE, 3, dir, runner, () -> {
            throw new java.io.IOException("bundled data missing");
        }, line -> { })).isInstanceOf(IllegalStateException.class).hasMessageContaining("bundled data missing")
                .hasMessageContaining("--resume");
        JsonNode fig = Fig3Report.JSON.readTree(dir.resolve("fig3.json").toFile());
        assertThat(fig.get("realData").isNull()).isTrue();
        assertThat(fig.get("realDataNote").asText()).startsWith("failed: ").contains("bundled data missing");
        // the planted results are combined (the oracle here is the planted data's own, not the hand-made one)
        assertThat(fig.get("ratios").get("pipelineTestLogLossRelativeDifference").asDouble()).isCloseTo(0.015,
                within(1e-9));
        assertThat(dir.resolve("fig3.md")).exists();
        assertThat(dir.resolve("real-data.json")).doesNotExist();
    }

    /** A tiny bench fig3, methods in process: every field exists and the derived numbers agree with the parts. */
    @Test
    void tinyRunWritesConsistentJsonPlotsAndPlantedFactors() throws Exception {
        Fig3Benchmark.Scale scale = new Fig3Benchmark.Scale(4, 400, 3, 0.1, 2.0, 7, 0.03);
        Fig3Report.run(scale, 2, dir, (m, seed, json) -> {
            if (m.equals(Fig3Report.IDLE)) {
                Fig3Report.idleJvm(scale, json);
            } else {
                Fig3Benchmark.runMethod(scale, m, seed, json);
            }
        }, () -> realData(0.33, 0.34, 0.35), line -> { });
        JsonNode fig = Fig3Report.JSON.readTree(dir.resolve("fig3.json").toFile());

        JsonNode o = fig.get("oracle");
        double constant = o.get("constantLogLoss").asDouble();
        assertThat(fig.get("oracleMargin").asDouble()).isCloseTo(constant - o.get("validationLogLoss").asDouble(),
                within(1e-12));
        double largest = fig.get("fullRankTarget").get("largestGain").asDouble();
        assertThat(fig.get("target").asDouble()).isCloseTo(constant - 0.9 * largest, within(1e-12));
        String basis = fig.get("timeBasis").asText();
        for (String m : Fig3Benchmark.PANEL) {
            JsonNode t = fig.get("timeToTarget").get(m);
            assertThat(t).as(m).isNotNull();
            assertThat(t.get("reached").asBoolean()).isEqualTo(!t.get("seconds").isNull());
            assertThat(t.get("gain").asDouble()).isLessThanOrEqualTo(largest);
            if (t.get("reached").asBoolean()) {
                assertThat(t.get("steps").asInt()).isBetween(1, t.get("totalSteps").asInt());
                assertThat(t.get("seconds").asDouble()).isLessThanOrEqualTo(t.get("totalSeconds").asDouble());
            }
        }
        // the method with the largest gain reaches 90 % of it (when it gained at all)
        String best = fig.get("fullRankTarget").get("largestGainMethod").asText();
        if (largest > 0) {
            assertThat(fig.get("timeToTarget").get(best).get("reached").asBoolean()).isTrue();
        }
        assertThat(fig.get("timeToTarget").get("finest").get("epochs").asInt()).isPositive();
        assertThat(fig.get("bestFullRankGainShareOfOracle").asDouble()).isCloseTo(
                largest / fig.get("oracleMargin").asDouble(), within(1e-12));

        JsonNode ratios = fig.get("ratios");
        for (String f : List.of("fixedOverEntropy", "fixedOverLiteral", "lossOverEntropy",
                "pipelineFixedOverMultires")) {
            assertThat(ratios.has(f)).as(f).isTrue();
            assertThat(ratios.has(f + "Steps")).as(f).isTrue();
            assertThat(ratios.has(f + "IsLowerBound")).as(f).isTrue();
        }
        JsonNode ttt = fig.get("timeToTarget");
        if (ttt.get("entropy").get("reached").asBoolean()) {
            JsonNode f = ttt.get("finest");
            double fSeconds = f.get("reached").asBoolean() ? f.get("seconds").asDouble()
                    : Math.max(fig.get("scale").get("budgetMinutes").asDouble() * 60, f.get("totalSeconds").asDouble());
            assertThat(ratios.get("fixedOverEntropy").asDouble()).isCloseTo(
                    fSeconds / ttt.get("entropy").get("seconds").asDouble(), within(1e-9));
            assertThat(ratios.get("fixedOverEntropyIsLowerBound").asBoolean()).isEqualTo(!f.get("reached").asBoolean());
        }
        JsonNode methods = Fig3Report.JSON.readTree(dir.resolve("methods/finest-s1.json").toFile());
        JsonNode last = methods.get("trace").get(methods.get("trace").size() - 1);
        assertThat(ttt.get("finest").get("totalSeconds").asDouble()).isEqualTo(last.get(basis).asDouble());

        JsonNode test = fig.get("test");
        List<String> keys = List.of("entropy-s1", "literal-s1", "loss-s1", "finest-s1", "fixed-s1", "mmtse-s1",
                "random-s1", "mmtse-s2", "random-s2");
        for (String k : keys) {
            assertThat(fig.get("peakBytes").get(k).get("vmHwmBytes").asLong()).as(k).isPositive();
            assertThat(fig.get("peakBytes").get(k).get("javacppPhysicalBytes").asLong()).as(k).isPositive();
            assertThat(test.get(k).get("logLoss").asDouble()).as(k).isPositive();
            assertThat(test.get(k).get("rocAuc").asDouble()).as(k).isBetween(0.0, 1.0);
        }
        assertThat(fig.get("pipelineTimeToTarget").get("runs")).hasSize(5);
        assertThat(fig.get("mmtsePipelineGainShareOfOraclePerSeed")).hasSize(2);
        assertThat(fig.get("idleJvmVmHwmBytes").asLong()).isPositive();
        assertThat(Fig3Report.JSON.readTree(dir.resolve("methods/idle-jvm.json").toFile()).get("method").asText())
                .isEqualTo(Fig3Report.IDLE);
        JsonNode random = fig.get("interpretability").get("random");
        assertThat(random.get("seeds").asInt()).isEqualTo(2);
        assertThat(random.get("plantedCongruence").asDouble()).isBetween(0.0, 1.0 + 1e-9);
        assertThat(random.get("seedToSeedMatch").asDouble()).isBetween(0.0, 1.0 + 1e-9);
        assertThat(fig.get("targets").size()).isEqualTo(12);
        assertThat(fig.get("realData").get("fixed").get("testLogLossMean").asDouble()).isEqualTo(0.34);
        assertThat(dir.resolve("real-data.json")).exists();

        for (String f : List.of("fig3.md", "fig3-fullrank-seconds.png", "fig3-fullrank-steps.png",
                "fig3-pipeline-seconds.png", "fig3-pipeline-steps.png", "planted/planted-B-court-40x50.npy",
                "methods/random-s1-B.npy")) {
            assertThat(dir.resolve(f)).as(f).exists();
            assertThat(Files.size(dir.resolve(f))).as(f).isPositive();
        }
        // --resume accepts its own folder: the idle result carries the scale too
        Fig3Report.checkResumable(scale, dir);
    }
}
