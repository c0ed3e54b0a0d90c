package io.github.finegrain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.StageSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The three pipelines of {@code bench fig3} (MMT-SE, fixed resolution, random-init CP) on the bundled real data
 * ({@link BundledData}: the data {@code train} uses by default, its own train / validation / test games), one run per
 * seed, in this JVM: test log loss and ROC AUC per pipeline as mean and sample standard deviation over the seeds.
 *
 * <p>Options: {@link MultiResolutionOptions#defaults()} as they are when this runs (the product's defaults, read at run
 * time) with {@code seed = s}; only the ladder differs:
 * <ul>
 * <li>{@code mmtse}: the defaults' own ladder;</li>
 * <li>{@code fixed}: full-rank at the finest grids (court 40x50, defender 12x12), then CP there (the hand-off at the
 *     finest grid);</li>
 * <li>{@code random}: CP at the finest grids only, from random factors.</li>
 * </ul>
 * The claim checked (issue 12): on the real data, MMT-SE's test log loss is below both the fixed pipeline's and
 * random-init's.
 */
public final class RealDataPipelines {
    /** The pipelines, in the order they run and are reported. */
    public static final List<String> PIPELINES = List.of("mmtse", "fixed", "random");

    /** The claim the result is read against. */
    public static final String TARGET = "on the real data, MMT-SE's test log loss below both the fixed pipeline's "
            + "and random-init's";

    /** Version of {@link #run}'s JSON layout. */
    public static final int FORMAT_VERSION = 1;

    /** The bundled train, validation and test examples. */
    public record Data(ExampleSet train, ExampleSet val, ExampleSet test) {
    }

    private RealDataPipelines() {
    }

    /** Loads the bundled real data (the jar's resources), as {@code train} does by default. */
    public static Data bundled() throws IOException {
        return new Data(ExampleBuilder.build(BundledData.load(Split.TRAIN)).examples(),
                ExampleBuilder.build(BundledData.load(Split.VAL)).examples(),
                ExampleBuilder.build(BundledData.load(Split.TEST)).examples());
    }

    /**
     * The options of one pipeline and seed: {@link MultiResolutionOptions#defaults()} with {@code seed} and the
     * pipeline's ladder (see the class Javadoc).
     *
     * @throws IllegalArgumentException for a pipeline not in {@link #PIPELINES}
     */
    public static MultiResolutionOptions options(String pipeline, long seed) {
        MultiResolutionOptions d = MultiResolutionOptions.defaults();
        List<GridSpec[]> grids = MultiResolutionOptions.paperGrids();
        GridSpec[] f = grids.get(grids.size() - 1);
        List<StageSpec> ladder = switch (pipeline) {
            case "mmtse" -> d.ladder();
            case "fixed" -> List.of(new StageSpec(ModelKind.FULL_RANK, f[0], f[1]), new StageSpec(ModelKind.CP, f[0],
                    f[1]));
            case "random" -> List.of(new StageSpec(ModelKind.CP, f[0], f[1]));
            default -> throw new IllegalArgumentException("unknown pipeline '" + pipeline + "'; expected one of "
                    + PIPELINES);
        };
        return d.toBuilder().ladder(ladder).seed(seed).build();
    }

    /**
     * Runs every pipeline with seeds {@code 1..seeds} on {@code data} and summarizes them.
     *
     * @param seeds    seeds per pipeline, at least 1
     * @param adjust   applied to each run's options after {@link #options} (identity for the benchmark; tests make
     *                 runs short with it)
     * @param progress receives one line per run
     * @return {@code {"formatVersion": 1, "mmtse"|"fixed"|"random": {"testLogLossMean", "testLogLossSd",
     *         "rocAucMean", "rocAucSd", "seeds", "ladder", "perSeed": [{"seed", "testLogLoss", "rocAuc", "seconds",
     *         "trainingSeconds", "steps", "finalStage"}]}, "note", "target"}}; the standard deviations are sample
     *         ones (n − 1), null for one seed; {@code seconds} is the trainer's wall seconds, {@code trainingSeconds}
     *         the same without its validation passes
     * @throws IllegalArgumentException if {@code seeds < 1}
     */
    public static ObjectNode run(Data data, int seeds, UnaryOperator<MultiResolutionOptions> adjust,
            Consumer<String> progress) {
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds must be >= 1, found " + seeds);
        }
        ObjectNode out = Fig3Report.JSON.createObjectNode();
        out.put("formatVersion", FORMAT_VERSION);
        for (String p : PIPELINES) {
            List<ObjectNode> runs = new ArrayList<>();
            List<String> ladder = null;
            for (long s = 1; s <= seeds; s++) {
                MultiResolutionOptions o = adjust.apply(options(p, s));
                ladder = o.ladder().stream().map(StageSpec::label).toList();
                MultiResolutionTrainer.Result r = new MultiResolutionTrainer(o, new DefaultStageTransition())
                        .fit(data.train(), data.val());
                BinaryMetrics m = BinaryMetrics.of(r.model().predict(data.test()), data.test().labels(), 0.5);
                ObjectNode run = Fig3Report.JSON.createObjectNode();
                run.put("seed", s);
                run.put("testLogLoss", m.logLoss());
                run.put("rocAuc", m.rocAuc());
                run.put("seconds", r.seconds());
                run.put("trainingSeconds", r.seconds() - r.validationSeconds());
                run.put("steps", r.trace().isEmpty() ? 0 : r.trace().get(r.trace().size() - 1).iteration());
                run.put("finalStage", r.finalStage());
                runs.add(run);
                progress.accept(String.format(Locale.ROOT, "real data %-6s seed %d: test log loss %.5f, ROC AUC %.4f, "
                        + "%.1f s", p, s, m.logLoss(), m.rocAuc(), r.seconds()));
            }
            out.set(p, summary(runs, ladder));
        }
        out.put("note", "bundled real data (the jar's cle-starters games; train, validation and test games as train "
                + "uses them); MultiResolutionOptions.defaults() at run time with seed = 1.." + seeds + ", only the "
                + "ladder differs; sd = sample standard deviation over the seeds");
        out.put("target", TARGET);
        return out;
    }

    /** Mean and sample sd of the runs' test log loss and ROC AUC, with the runs themselves. */
    static ObjectNode summary(List<ObjectNode> runs, List<String> ladder) {
        ObjectNode o = Fig3Report.JSON.createObjectNode();
        double[] ll = runs.stream().mapToDouble(r -> r.get("testLogLoss").asDouble()).toArray();
        double[] auc = runs.stream().mapToDouble(r -> r.get("rocAuc").asDouble()).toArray();
        o.put("testLogLossMean", mean(ll));
        putSd(o, "testLogLossSd", ll);
        o.put("rocAucMean", mean(auc));
        putSd(o, "rocAucSd", auc);
        o.put("seeds", runs.size());
        ArrayNode l = o.putArray("ladder");
        if (ladder != null) {
            ladder.forEach(l::add);
        }
        o.putArray("perSeed").addAll(runs);
        return o;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Sample standard deviation (n − 1); NaN for fewer than two values. */
    static double sampleSd(double[] x) {
        if (x.length < 2) {
            return Double.NaN;
        }
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (x.length - 1));
    }

    private static void putSd(ObjectNode o, String name, double[] x) {
        if (x.length < 2) {
            o.putNull(name);
        } else {
            o.put(name, sampleSd(x));
        }
    }

    /**
     * Whether {@code realData} (as {@link #run} returns it) meets {@link #TARGET}: MMT-SE's mean test log loss is
     * below both other pipelines' means.
     */
    public static boolean targetMet(JsonNode realData) {
        double m = realData.get("mmtse").get("testLogLossMean").asDouble();
        return m < realData.get("fixed").get("testLogLossMean").asDouble()
                && m < realData.get("random").get("testLogLossMean").asDouble();
    }

    /** The result as a Markdown table, with the target line. */
    public static String markdown(JsonNode realData) {
        StringBuilder sb = new StringBuilder("| real data pipeline | seeds | test log loss (mean ± sd) | ROC AUC "
                + "(mean ± sd) | ladder |\n|---|---|---|---|---|\n");
        for (String p : PIPELINES) {
            JsonNode o = realData.get(p);
            List<String> ladder = new ArrayList<>();
            o.get("ladder").forEach(x -> ladder.add(x.asText()));
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.5f ± %s | %.4f ± %s | %s |%n", p,
                    o.get("seeds").asInt(), o.get("testLogLossMean").asDouble(), sd(o.get("testLogLossSd"), "%.5f"),
                    o.get("rocAucMean").asDouble(), sd(o.get("rocAucSd"), "%.4f"), String.join(" → ", ladder)));
        }
        sb.append(String.format(Locale.ROOT, "%nTarget: %s: %s.%n", TARGET, targetMet(realData) ? "met" : "not met"));
        return sb.toString();
    }

    private static String sd(JsonNode v, String format) {
        return v == null || v.isNull() ? "-" : String.format(Locale.ROOT, format, v.asDouble());
    }
}
