package io.github.finegrain.bench;

import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.StageRecord;
import io.github.finegrain.train.TraceRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The sweep that chooses the training defaults (issue 12 §1): the MMT-SE pipeline (the default ladder and rule) on
 * planted data of the benchmark's scale drawn with a <em>different data seed</em> from {@code bench fig3}'s, once per
 * configuration of optimizer, learning rates (full-rank and CP), batch size and L2. Score: the best validation log
 * loss reached within {@code scoreSeconds} of training (validation passes excluded, {@link TraceRow#trainingSeconds});
 * each run stops at its wall-time budget. A second score, independent of the machine's load, is the best validation
 * log loss within {@link #SCORE_ROWS} training rows. All configurations share one JVM and one copy of the data.
 */
public final class SweepBenchmark {
    /**
     * One configuration.
     *
     * @param optimizer one of {@link MultiResolutionOptions#OPTIMIZERS}
     * @param learningRate full-rank stages' step size
     * @param cpLearningRate CP stages' step size
     * @param l2        L2 on the spatial weights on the mean loss (touched rows for the row-sparse optimizers); the
     *                  sweep's runs have no {@link MultiResolutionOptions#l2Prior()}
     * @param batch     rows per minibatch
     * @param decay     factor on the step size at every fine-graining
     */
    public record Config(String optimizer, double learningRate, double cpLearningRate, double l2, int batch,
            double decay) {
        /** A configuration with a constant step size (decay 1). */
        public Config(String optimizer, double learningRate, double cpLearningRate, double l2, int batch) {
            this(optimizer, learningRate, cpLearningRate, l2, batch, 1.0);
        }

        /**
         * Parses {@code optimizer=lazy-adam,lr=0.01,cp-lr=0.003,l2=0,batch=1024,decay=1}; missing keys take the
         * defaults.
         */
        public static Config parse(String text) {
            MultiResolutionOptions d = MultiResolutionOptions.defaults();
            String opt = d.optimizer();
            double lr = d.learningRate();
            double cp = d.cpLearningRate();
            double l2 = d.l2();
            int batch = d.batchSize();
            double decay = d.learningRateDecay();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String part : text.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length == 2 && !seen.add(kv[0].trim())) {
                    throw new IllegalArgumentException("sweep configuration '" + text + "': " + kv[0].trim()
                            + " is given twice");
                }
                if (kv.length != 2) {
                    throw new IllegalArgumentException("sweep configuration '" + text + "': expected key=value pairs "
                            + "(optimizer, lr, cp-lr, l2, batch, decay), found '" + part + "'");
                }
                String v = kv[1].trim();
                try {
                    switch (kv[0].trim()) {
                        case "optimizer" -> opt = v;
                        case "lr" -> lr = Double.parseDouble(v);
                        case "cp-lr" -> cp = Double.parseDouble(v);
                        case "l2" -> l2 = Double.parseDouble(v);
                        case "batch" -> batch = Integer.parseInt(v);
                        case "decay" -> decay = Double.parseDouble(v);
                        default -> throw new IllegalArgumentException("sweep configuration '" + text
                                + "': unknown key '" + kv[0] + "' (expected optimizer, lr, cp-lr, l2, batch, decay)");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("sweep configuration '" + text + "': " + kv[0]
                            + " must be a number, found '" + v + "'");
                }
            }
            return new Config(opt, lr, cp, l2, batch, decay);
        }

        /** The configuration as {@link #parse} reads it. */
        public String label() {
            return String.format(Locale.ROOT, "optimizer=%s,lr=%s,cp-lr=%s,l2=%s,batch=%d,decay=%s", optimizer,
                    num(learningRate), num(cpLearningRate), num(l2), batch, num(decay));
        }
    }

    /**
     * The default grid, 16 configurations around lazy Adam at full-rank step 0.01, CP step 0.003, L2 0, batch 1024:
     * full-rank step 0.005 / 0.01 / 0.02 × CP step 0.001 / 0.003 / 0.01 (9); L2 1e-6, 1e-5, 1e-4 (the previous
     * default) at the centre (3); batch 256 and 4096 at the centre (2); row-sparse AdaGrad at two step sizes (2).
     */
    public static List<Config> defaultGrid() {
        List<Config> out = new ArrayList<>();
        for (double lr : new double[] {0.005, 0.01, 0.02}) {
            for (double cp : new double[] {0.001, 0.003, 0.01}) {
                out.add(new Config("lazy-adam", lr, cp, 0, 1024));
            }
        }
        for (double l2 : new double[] {1e-6, 1e-5, 1e-4}) {
            out.add(new Config("lazy-adam", 0.01, 0.003, l2, 1024));
        }
        out.add(new Config("lazy-adam", 0.01, 0.003, 0, 256));
        out.add(new Config("lazy-adam", 0.01, 0.003, 0, 4096));
        out.add(new Config("adagrad", 0.05, 0.01, 0, 1024));
        out.add(new Config("adagrad", 0.2, 0.03, 0, 1024));
        return out;
    }

    /**
     * The load-independent second score: the best validation log loss within this many training rows (10,240,000:
     * 10,000 minibatches of 1024), so that the ranking can be checked against a shared machine's noisy seconds.
     */
    public static final long SCORE_ROWS = 10_240_000L;

    private SweepBenchmark() {
    }

    /**
     * Runs every configuration on the scale's planted data ({@link Fig3Benchmark#data}).
     *
     * @param scale        the data's scale and seed, and the wall-time budget of one run ({@link
     *                     Fig3Benchmark.Scale#budgetMinutes()})
     * @param scoreSeconds training seconds at which a run is scored
     * @param log          receives one line per finished run
     * @return {@code scale}, {@code scoreSeconds}, {@code constantLogLoss}, {@code oracleValidationLogLoss}, and
     *         {@code runs}: per configuration its label, score, gain share of the oracle's margin at the score time,
     *         best validation log loss of the whole run, stages reached, steps, training seconds and test log loss
     */
    public static Map<String, Object> run(Fig3Benchmark.Scale scale, double scoreSeconds, List<Config> configs,
            Consumer<String> log) {
        List<MultiResolutionOptions> options = new ArrayList<>();
        for (Config c : configs) {
            options.add(options(scale, c)); // every configuration is checked before the first one trains
        }
        Fig3Benchmark.Data data = Fig3Benchmark.data(scale);
        double rate = (double) data.train().positives() / data.train().size();
        double constant = -(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
        double oracle = BinaryMetrics.of(Fig3Benchmark.oracleProbabilities(data.planted(), data.val()),
                data.val().labels(), 0.5).logLoss();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scale", scale);
        out.put("scoreSeconds", scoreSeconds);
        out.put("constantLogLoss", constant);
        out.put("oracleValidationLogLoss", oracle);
        List<Map<String, Object>> runs = new ArrayList<>();
        double margin = constant - oracle;
        if (!(margin > 0)) {
            log.accept(String.format(Locale.ROOT, "warning: the planted model's validation log loss (%.5f) is not "
                    + "below the constant predictor's (%.5f) at this scale: shares of the oracle's margin are undefined",
                    oracle, constant));
        }
        for (int i = 0; i < configs.size(); i++) {
            Config c = configs.get(i);
            MultiResolutionOptions o = options.get(i);
            MultiResolutionTrainer.Result r = new MultiResolutionTrainer(o, new DefaultStageTransition())
                    .fit(data.train(), data.val());
            double score = Double.NaN;
            double stepScore = Double.NaN;
            double best = Double.NaN;
            double trainingSeconds = 0;
            List<double[]> curve = new ArrayList<>();
            for (TraceRow t : r.trace()) {
                trainingSeconds = t.trainingSeconds();
                if (Double.isNaN(t.validationLoss())) {
                    continue;
                }
                curve.add(new double[] {t.iteration(), t.trainingSeconds(), t.validationLoss()});
                if (t.iteration() * (long) c.batch() <= SCORE_ROWS
                        && (Double.isNaN(stepScore) || t.validationLoss() < stepScore)) {
                    stepScore = t.validationLoss();
                }
                if (Double.isNaN(best) || t.validationLoss() < best) {
                    best = t.validationLoss();
                }
                if (t.trainingSeconds() <= scoreSeconds && (Double.isNaN(score) || t.validationLoss() < score)) {
                    score = t.validationLoss();
                }
            }
            double test = BinaryMetrics.of(r.model().predict(data.test()), data.test().labels(), 0.5).logLoss();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("config", c.label());
            e.put("score", score);
            e.put("gainShareOfOracle", share(constant, oracle, score));
            e.put("rowScore", stepScore);
            e.put("bestValidationLogLoss", best);
            e.put("bestGainShareOfOracle", share(constant, oracle, best));
            e.put("stages", r.stages().stream().map(st -> st.kind() + " " + st.court() + "/" + st.defender() + ": "
                    + st.iterations() + " steps, " + st.endReason()).toList());
            e.put("lastStage", r.stages().isEmpty() ? -1 : r.stages().get(r.stages().size() - 1).index());
            e.put("steps", r.trace().isEmpty() ? 0 : r.trace().get(r.trace().size() - 1).iteration());
            e.put("trainingSeconds", trainingSeconds);
            e.put("seconds", r.seconds());
            e.put("testLogLoss", test);
            e.put("curve", curve);
            runs.add(e);
            log.accept(String.format(Locale.ROOT, "%-60s score %.5f (%.3f of the oracle's margin), best %.5f, "
                    + "%d steps, %.0f s training, stages %d", c.label(), score,
                    share(constant, oracle, score), best, (int) e.get("steps"), trainingSeconds,
                    r.stages().size()));
        }
        out.put("runs", runs);
        return out;
    }

    /** The options of one configuration (the MMT-SE pipeline at the scale's budget), naming it when invalid. */
    static MultiResolutionOptions options(Fig3Benchmark.Scale scale, Config c) {
        try {
            return MultiResolutionOptions.builder().rank(scale.rank()).optimizer(c.optimizer())
                    .learningRate(c.learningRate()).cpLearningRate(c.cpLearningRate()).l2(c.l2()).l2Prior(0)
                    .learningRateDecay(c.decay()).batchSize(c.batch()).seed(1).dataType(DataType.FLOAT)
                    .minTaskExamples(1).validationEvery(Fig3Benchmark.VALIDATION_EVERY)
                    .maxStepsPerStage(Integer.MAX_VALUE).maxMinutes(scale.budgetMinutes()).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sweep configuration '" + c.label() + "': " + e.getMessage(), e);
        }
    }

    /** (constant − loss) / (constant − oracle), or NaN when the oracle is no better than the constant predictor. */
    static double share(double constant, double oracle, double loss) {
        return constant - oracle > 0 ? (constant - loss) / (constant - oracle) : Double.NaN;
    }

    /** The sweep as a Markdown table, best score first. */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> sweep) {
        List<Map<String, Object>> runs = new ArrayList<>((List<Map<String, Object>>) sweep.get("runs"));
        runs.sort((a, b) -> Double.compare(nanLast((double) a.get("score")), nanLast((double) b.get("score"))));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Scale: %s. Constant predictor %.5f, planted model %.5f (validation log "
                + "loss). Score: best validation log loss within %.0f training seconds.%n%n", sweep.get("scale"),
                (double) sweep.get("constantLogLoss"), (double) sweep.get("oracleValidationLogLoss"),
                (double) sweep.get("scoreSeconds")));
        sb.append("| rank | configuration | score | share of oracle margin | within 10.24 M rows | best (whole run) | "
                + "share | stages | steps | training s | test log loss |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int i = 1;
        for (Map<String, Object> r : runs) {
            sb.append(String.format(Locale.ROOT, "| %d | `%s` | %.5f | %.3f | %.5f | %.5f | %.3f | %d | %d | %.0f | %.5f |%n",
                    i++, r.get("config"), (double) r.get("score"), (double) r.get("gainShareOfOracle"),
                    (double) r.get("rowScore"),
                    (double) r.get("bestValidationLogLoss"), (double) r.get("bestGainShareOfOracle"),
                    ((List<?>) r.get("stages")).size(), (int) r.get("steps"), (double) r.get("trainingSeconds"),
                    (double) r.get("testLogLoss")));
        }
        return sb.toString();
    }

    /** Writes the sweep's result as indented JSON (a NaN score, no validation within the score time, as "NaN"). */
    public static void writeJson(java.nio.file.Path file, Map<String, Object> sweep) throws java.io.IOException {
        Fig3Report.JSON.writeValue(file.toFile(), sweep);
    }

    private static double nanLast(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e6 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
