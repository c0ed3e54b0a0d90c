package io.github.finegrain.bench;

import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialModels;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.train.EntropyReading;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.FineGrainRule;
import io.github.finegrain.train.FineGrainRules;
import io.github.finegrain.train.SpatialEntropyListener;
import io.github.finegrain.train.StageObservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Compares the readings of the fine-graining condition on the same training trajectory. Two stages are trained
 * for a fixed number of minibatches each (full-rank 4x5/6x6 from zero, then fine-grained to 8x10/6x6), recording
 * every minibatch's {@link EntropyReading}, loss, and the validation loss every 10 minibatches. Each criterion's
 * rule is then replayed on the recorded observations (rules are pure functions of them), giving per criterion: the
 * standard deviation of the step-to-step change of its statistic against Δ, the minibatch at which it fires against
 * the minimum step count, and the share of the stage's eventual validation gain reached by then.
 */
public final class CriteriaBenchmark {
    /** Validation interval of the recorded trajectories, minibatches. */
    public static final int VALIDATION_EVERY = 10;

    /** One row of the table. */
    public record Row(String data, String stage, String criterion, String statistic, double stdChange,
            double delta, int firesAt, int minSteps, double gainShare) {
    }

    private CriteriaBenchmark() {
    }

    /**
     * Records two stages on {@code train}/{@code val} and evaluates every criterion.
     *
     * @param steps     minibatches per stage
     * @param window    W of the listener
     * @param rules     the rules' parameters (Δ, minimum steps, …)
     */
    public static List<Row> run(String dataName, ExampleSet train, ExampleSet val, int steps, int window,
            FineGrainRules.Parameters rules, int minTaskExamples, long seed) {
        TaskIndex tasks = TaskIndexes.fromTraining(train, minTaskExamples);
        DataSet rows = ExampleRows.training(train, tasks, DataType.FLOAT);
        DataSet v = ExampleRows.scoring(val, tasks, DataType.FLOAT);
        FullRankSpatialLayer layer = new FullRankSpatialLayer(
                new SpatialLayerSpec(tasks.size(), GridSpec.court(4, 5), GridSpec.defenderBox(6, 6)));
        double rate = Math.max(1e-4, (double) train.positives() / train.size());
        layer.setBiasInit(Math.log(rate / (1 - rate)));
        MultiLayerNetwork net = SpatialNetworks.network(layer,
                new SpatialNetworks.Options(new Adam(0.02), 1e-4, 1, seed, DataType.FLOAT));
        Random rnd = new Random(seed);
        List<Row> out = new ArrayList<>();
        List<StageObservation> s0 = record(net, rows, v, val.labels(), steps, window, rnd);
        out.addAll(evaluate(dataName, "full-rank 4x5/6x6", s0, rules, window));
        MultiLayerNetwork finer = SpatialModels.fineGrain(net, GridSpec.court(8, 10), GridSpec.defenderBox(6, 6));
        List<StageObservation> s1 = record(finer, rows, v, val.labels(), steps, window, rnd);
        out.addAll(evaluate(dataName, "full-rank 8x10/6x6", s1, rules, window));
        return out;
    }

    static List<StageObservation> record(MultiLayerNetwork net, DataSet rows, DataSet val, byte[] labels, int steps,
            int window, Random rnd) {
        SpatialEntropyListener listener = new SpatialEntropyListener(window);
        net.setListeners(listener);
        List<StageObservation> obs = new ArrayList<>();
        obs.add(new StageObservation(0, Double.NaN, null, io.github.finegrain.train.ValidationLoss.of(net, val, labels)));
        int step = 0;
        while (step < steps) {
            for (DataSet b : shuffled(rows, 1024, rnd)) {
                net.fit(b);
                step++;
                EntropyReading r = listener.lastReading();
                double vl = step % VALIDATION_EVERY == 0 ? io.github.finegrain.train.ValidationLoss.of(net, val, labels) : Double.NaN;
                obs.add(new StageObservation(step, r.minibatchLoss(), r, vl));
                if (step == steps) {
                    break;
                }
            }
        }
        net.setListeners();
        return obs;
    }

    private static List<DataSet> shuffled(DataSet rows, int size, Random rnd) {
        DataSet copy = rows.copy();
        copy.shuffle(rnd.nextLong());
        return copy.batchBy(size);
    }

    static List<Row> evaluate(String data, String stage, List<StageObservation> obs, FineGrainRules.Parameters p,
            int window) {
        double v0 = obs.get(0).validationLoss();
        double vMin = obs.stream().mapToDouble(StageObservation::validationLoss).filter(x -> !Double.isNaN(x)).min()
                .orElse(v0);
        List<Row> rows = new ArrayList<>();
        for (FineGrainRules.Criterion c : FineGrainRules.Criterion.values()) {
            FineGrainRule rule = FineGrainRules.create(c, p);
            int fires = -1;
            for (StageObservation o : obs.subList(1, obs.size())) {
                if (rule.observe(o)) {
                    fires = o.step();
                    break;
                }
            }
            double best = v0;
            for (StageObservation o : obs) {
                if (fires >= 0 && o.step() > fires) {
                    break;
                }
                if (!Double.isNaN(o.validationLoss())) {
                    best = Math.min(best, o.validationLoss());
                }
            }
            double share = fires < 0 || v0 == vMin ? Double.NaN : (v0 - best) / (v0 - vMin);
            String[] stat = statistic(c, obs, window);
            rows.add(new Row(data, stage, c.cliName(), stat[0], Double.parseDouble(stat[1]), p.delta(), fires,
                    p.minSteps(), share));
        }
        return rows;
    }

    /** Name of the criterion's statistic and the std of its step-to-step (or window-to-window) change. */
    private static String[] statistic(FineGrainRules.Criterion c, List<StageObservation> obs, int window) {
        List<Double> series = new ArrayList<>();
        String name;
        switch (c) {
            case LITERAL -> {
                name = "S per minibatch";
                obs.stream().skip(1).forEach(o -> series.add(o.entropy().minibatchNormalized()));
            }
            case WINDOW_INCREASE, WINDOW_PLATEAU, PATIENCE, RELATIVE -> {
                name = "S of W=" + window + " window";
                obs.stream().skip(1).filter(o -> o.entropy().windowCompleted())
                        .forEach(o -> series.add(o.entropy().windowNormalized()));
            }
            case LOSS -> {
                name = "EMA training loss";
                double ema = Double.NaN;
                for (StageObservation o : obs.subList(1, obs.size())) {
                    ema = Double.isNaN(ema) ? o.minibatchLoss() : 0.95 * ema + 0.05 * o.minibatchLoss();
                    series.add(ema);
                }
            }
            case VAL_LOSS -> {
                name = "validation loss";
                obs.stream().map(StageObservation::validationLoss).filter(x -> !Double.isNaN(x)).forEach(series::add);
            }
            default -> {
                return new String[] {"-", "NaN"};
            }
        }
        double mean = 0;
        int n = series.size() - 1;
        if (n < 2) {
            return new String[] {name, "NaN"};
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = series.get(i + 1) - series.get(i);
            mean += d[i] / n;
        }
        double var = 0;
        for (double x : d) {
            var += (x - mean) * (x - mean) / (n - 1);
        }
        return new String[] {name, Double.toString(Math.sqrt(var))};
    }

    /** The rows as a Markdown table. */
    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| data | stage | criterion | statistic | std of its change | std / Δ | fires at minibatch | "
                + "min steps | share of the stage's validation gain when it fires |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %d | %s |%n", r.data(), r.stage(),
                    r.criterion(), r.statistic(), Double.isNaN(r.stdChange()) ? "-" : String.format(Locale.ROOT,
                            "%.4f", r.stdChange()),
                    Double.isNaN(r.stdChange()) || r.criterion().startsWith("loss") || r.criterion().startsWith("val")
                            ? "-" : String.format(Locale.ROOT, "%.1f", r.stdChange() / r.delta()),
                    r.firesAt() < 0 ? "never" : Integer.toString(r.firesAt()), r.minSteps(),
                    Double.isNaN(r.gainShare()) ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * r.gainShare())));
        }
        return sb.toString();
    }
}
