package io.github.finegrain.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.EntropyReading;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.FineGrainRule;
import io.github.finegrain.train.FineGrainRules;
import io.github.finegrain.train.InMemoryMinibatchStream;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.SpatialEntropyListener;
import io.github.finegrain.train.StageObservation;
import io.github.finegrain.train.StageSpec;
import io.github.finegrain.train.TrainingStep;
import io.github.finegrain.train.TrainingSteps;
import io.github.finegrain.train.ValidationLoss;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the readings of the fine-graining condition (issue 12 §4) on the same training trajectories. The
 * full-rank stages of a ladder (by default the product's: 4x5/6x6 → 8x10/6x6 → 8x10/12x12) are trained with the
 * product's own training step ({@link TrainingSteps#forOptimizer} of the options' optimizer, learning rate, L2 and
 * batch size, networks from {@link DefaultStageTransition}) for a fixed number of minibatches each, recording every
 * minibatch's {@link EntropyReading} and loss and the validation log loss every {@code validationEvery} minibatches;
 * each stage starts from the previous stage's best-validation parameters, fine-grained by
 * {@link io.github.finegrain.model.SpatialModels#fineGrain} with the step's optimizer state carried on, as
 * {@code MultiResolutionTrainer} does. One stream of shuffled minibatches runs through all stages.
 *
 * <p>Every {@link FineGrainRules.Criterion} is then replayed on the recorded observations (a rule is a pure
 * function of them), giving per stage and criterion the minibatch at which it fires and the share of the stage's
 * eventual validation gain reached by then ({@link #gainShare}), for the default parameters, for each minimum step
 * count of {@link #MIN_STEPS} and, for the two validation rules, each plateau length of {@link #PLATEAU_STEPS}.
 * {@link EntropyDecision} tells whether the entropy part of {@code entropy-validation} ever changed its decision
 * against {@code val-plateau}.
 *
 * <p>Replay differs from a live run in one respect: a live stage also validates the minibatch its rule fires at,
 * the replay counts only the scheduled validations up to it (so a share may be low by at most
 * {@code validationEvery − 1} minibatches of learning).
 */
public final class CriteriaBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(CriteriaBenchmark.class);

    /** Format version of {@link #json}. */
    public static final int FORMAT_VERSION = 2;
    /** Default validation interval of the recorded trajectories, minibatches (as {@code bench fig3}). */
    public static final int VALIDATION_EVERY = Fig3Benchmark.VALIDATION_EVERY;
    /** The minimum step counts of the sensitivity columns. */
    public static final List<Integer> MIN_STEPS = List.of(40, 200, 1000);
    /** The plateau lengths (minibatches) of the validation rules' sensitivity columns. */
    public static final List<Integer> PLATEAU_STEPS = List.of(250, 500, 1000);

    /**
     * One recorded stage.
     *
     * @param data         name of the data set
     * @param stage        the stage's label, e.g. {@code full-rank 4x5/6x6}
     * @param observations index 0: the start (step 0, validation loss before the first minibatch, no reading);
     *                     then one per minibatch, in order, validation loss NaN where not validated
     * @param seconds      wall seconds of the stage (training and validation)
     */
    public record Stage(String data, String stage, List<StageObservation> observations, double seconds) {
        /** Validation log loss before the stage's first minibatch, nats. */
        public double startLoss() {
            return observations.get(0).validationLoss();
        }

        /** The best validation log loss within the recorded steps, nats. */
        public double bestLoss() {
            return observations.stream().mapToDouble(StageObservation::validationLoss).filter(x -> !Double.isNaN(x))
                    .min().orElse(startLoss());
        }

        /** The step of {@link #bestLoss()} (0: the start). */
        public int bestStep() {
            double b = bestLoss();
            return observations.stream().filter(o -> o.validationLoss() == b).findFirst().orElseThrow().step();
        }

        /** Minibatches recorded. */
        public int steps() {
            return observations.get(observations.size() - 1).step();
        }
    }

    /**
     * When a rule fires and what the stage had learned by then.
     *
     * @param parameter the parameter varied ({@code minSteps=200}, {@code plateauSteps=1000}) or {@code default}
     * @param step      the minibatch it fires at, or −1 if it never fires within the recorded steps
     * @param gainShare {@link #gainShare} at that step; NaN if it never fires or the stage gained nothing
     */
    public record Firing(String parameter, int step, double gainShare) {
    }

    /**
     * One row of the table: a criterion on a stage.
     *
     * @param data        data set
     * @param stage       stage label
     * @param criterion   CLI name of the criterion
     * @param statistic   what the rule looks at
     * @param stdChange   standard deviation of the step-to-step (window-to-window, validation-to-validation)
     *                    change of that statistic; NaN where it has none
     * @param delta       Δ of the rules
     * @param fires       the firing with the default parameters
     * @param byMinSteps  the firings with each minimum step count of {@link #MIN_STEPS}
     * @param byPlateau   the firings with each plateau length of {@link #PLATEAU_STEPS} (validation rules only,
     *                    else empty)
     * @param followsMinimum whether it fires within {@code max(2 W, validationEvery)} minibatches after every minimum
     *                    step count of {@link #MIN_STEPS}, i.e. acts as a timer here
     */
    public record Row(String data, String stage, String criterion, String statistic, double stdChange, double delta,
            Firing fires, List<Firing> byMinSteps, List<Firing> byPlateau, boolean followsMinimum) {
    }

    /**
     * Whether the entropy part of {@code entropy-validation} changed a decision of {@code val-plateau} on one stage,
     * for one pair of (minimum steps, plateau steps).
     *
     * @param data             data set
     * @param stage            stage label
     * @param minSteps         minimum step count
     * @param plateauSteps     plateau length, minibatches
     * @param valPlateau       the step {@code val-plateau} fires at (−1: never)
     * @param entropyValidation the step {@code entropy-validation} fires at (−1: never)
     * @param windowStableAtValPlateau whether the window statistic had been stable for {@code stableWindows}
     *                         windows at {@code val-plateau}'s firing step (−1 firing: false)
     * @param valPlateauShare  {@link #gainShare} at {@code valPlateau}
     * @param entropyValidationShare {@link #gainShare} at {@code entropyValidation}
     */
    public record EntropyDecision(String data, String stage, int minSteps, int plateauSteps, int valPlateau,
            int entropyValidation, boolean windowStableAtValPlateau, double valPlateauShare,
            double entropyValidationShare) {
        /** Whether the two rules fire at different steps. */
        public boolean changed() {
            return valPlateau != entropyValidation;
        }
    }

    /**
     * How the window statistic behaves on one stage, independent of any rule.
     *
     * @param data        data set
     * @param stage       stage label
     * @param windows     completed windows
     * @param stableShare share of window-to-window changes with |S_w − S_{w−1}| &lt; Δ
     * @param firstStable the first step at which the window statistic had been stable for {@code stableWindows}
     *                    windows (−1: never)
     * @param first       normalized window statistic of the first completed window
     * @param last        normalized window statistic of the last completed window
     * @param min         smallest normalized window statistic
     * @param max         largest normalized window statistic
     * @param step90      the first validated step with 90 % of the stage's validation gain ({@link #gainShare}),
     *                    −1 if the stage gained nothing
     * @param stableShareLearning {@code stableShare} of the windows completed at or before {@code step90} (while
     *                    the stage learns); NaN if none
     * @param stableShareConverged {@code stableShare} of the windows completed after {@code step90}; NaN if none.
     *                    An entropy reading that tracks convergence is stable more often here than while learning.
     * @param plateauHeldShare share of the completed windows (from the {@code stableWindows + 1}-th on) at which
     *                    the window-plateau condition held (stable for {@code stableWindows} windows): the chance
     *                    that it holds at an arbitrary step
     */
    public record WindowSummary(String data, String stage, int windows, double stableShare, int firstStable,
            double first, double last, double min, double max, int step90, double stableShareLearning,
            double stableShareConverged, double plateauHeldShare) {
    }

    /**
     * Reference validation losses of a data set: the constant predictor's (the training positive rate for every
     * example) and, for planted data, the planted model's own (the oracle; NaN when unknown), both nats.
     */
    public record Reference(String data, double constantLoss, double oracleLoss) {
        /** Share of the oracle's margin over the constant predictor reached by {@code loss}; NaN without oracle. */
        public double marginShare(double loss) {
            return (constantLoss - loss) / (constantLoss - oracleLoss);
        }
    }

    /** Everything one invocation measured. */
    public record Result(List<Stage> stages, List<Row> rows, List<EntropyDecision> decisions,
            List<WindowSummary> windows, List<Reference> references, FineGrainRules.Parameters rules, int window,
            int validationEvery) {
        /** The reference of {@code data}, or null. */
        public Reference reference(String data) {
            return references.stream().filter(r -> r.data().equals(data)).findFirst().orElse(null);
        }
    }

    private CriteriaBenchmark() {
    }

    /**
     * Records the full-rank stages of {@code options.ladder()} on {@code train}/{@code val} with the options'
     * training step (optimizer, learning rate, L2, batch size, window W, seed, data type, positive weight, minimum
     * task examples), {@code steps} minibatches each.
     *
     * @param steps           minibatches per stage (&ge; 1)
     * @param validationEvery validation interval, minibatches (&ge; 1)
     * @throws IllegalArgumentException if the ladder has no full-rank stage, or a count is below 1
     */
    public static List<Stage> record(String data, ExampleSet train, ExampleSet val, MultiResolutionOptions options,
            int steps, int validationEvery) {
        if (steps < 1 || validationEvery < 1) {
            throw new IllegalArgumentException("steps and validation interval must be >= 1, found " + steps + ", "
                    + validationEvery);
        }
        List<StageSpec> ladder = options.ladder().stream().filter(s -> s.kind() == ModelKind.FULL_RANK).toList();
        if (ladder.isEmpty()) {
            throw new IllegalArgumentException("the ladder has no full-rank stage: " + options.ladder());
        }
        TaskIndex tasks = TaskIndexes.fromTraining(train, options.minTaskExamples());
        DataSet rows = ExampleRows.training(train, tasks, options.dataType());
        DataSet v = ExampleRows.scoring(val, tasks, options.dataType());
        double rate = rows.getLabels().sumNumber().doubleValue() / rows.numExamples();
        rate = Math.min(Math.max(rate, 1e-4), 1 - 1e-4);
        DefaultStageTransition transition = new DefaultStageTransition();
        MultiLayerNetwork net = transition.create(ladder.get(0), tasks.size(), Math.log(rate / (1 - rate)),
                options.rank(), new SpatialNetworks.Options(options.updater(), options.l2For(rows.numExamples()),
                        options.positiveWeight(), options.seed(), options.dataType()));
        TrainingStep step = TrainingSteps.forOptimizer(options.optimizer(), options.l2For(rows.numExamples()))
                .apply(net);
        SpatialEntropyListener listener = new SpatialEntropyListener(options.window());
        List<Stage> out = new ArrayList<>();
        try (InMemoryMinibatchStream stream = new InMemoryMinibatchStream(rows, options.batchSize(), options.seed(),
                0, 0)) {
            for (int s = 0; s < ladder.size(); s++) {
                if (s > 0) {
                    StageSpec to = ladder.get(s);
                    step.network().setListeners();
                    step = step.fineGrained(transition.fineGrain(step.network(), to.court(), to.defenderBox()));
                }
                String label = "full-rank " + ladder.get(s).court().label() + "/" + ladder.get(s).defenderBox().label();
                out.add(recordStage(data, label, step, listener, stream, v, val.labels(), steps, validationEvery));
            }
        }
        step.network().setListeners();
        return out;
    }

    /** One stage; the step's network holds the stage's best-validation parameters afterwards. */
    private static Stage recordStage(String data, String label, TrainingStep step, SpatialEntropyListener listener,
            InMemoryMinibatchStream stream, DataSet val, byte[] labels, int steps, int validationEvery) {
        long t0 = System.nanoTime();
        MultiLayerNetwork net = step.network();
        net.setListeners(listener);
        listener.reset();
        List<StageObservation> obs = new ArrayList<>(steps + 1);
        double bestLoss = ValidationLoss.of(net, val, labels);
        obs.add(new StageObservation(0, Double.NaN, null, bestLoss));
        INDArray best = net.params().dup();
        for (int i = 1; i <= steps; i++) {
            step.fit(stream.next());
            EntropyReading r = listener.lastReading();
            if (!Double.isFinite(r.minibatchLoss())) {
                LOG.warn("{} {}: minibatch loss {} at step {}; the stage's recording stops there", data, label,
                        r.minibatchLoss(), i);
                break;
            }
            double vl = i % validationEvery == 0 ? ValidationLoss.of(net, val, labels) : Double.NaN;
            if (vl < bestLoss) {
                bestLoss = vl;
                best.assign(net.params());
            }
            obs.add(new StageObservation(i, r.minibatchLoss(), r, vl));
        }
        net.setParams(best);
        best.close();
        Stage st = new Stage(data, label, List.copyOf(obs), (System.nanoTime() - t0) / 1e9);
        LOG.info("{} {}: {} minibatches in {} s, validation {} -> best {} at step {}", data, label, st.steps(),
                String.format(Locale.ROOT, "%.1f", st.seconds()), String.format(Locale.ROOT, "%.5f", st.startLoss()),
                String.format(Locale.ROOT, "%.5f", st.bestLoss()), st.bestStep());
        return st;
    }

    /**
     * The minibatch at which a fresh rule of {@code c} with {@code p} fires on {@code obs}, or −1 if it never does.
     *
     * @param obs a recorded stage's observations ({@link Stage#observations()}: index 0 is the start)
     */
    public static int firesAt(FineGrainRules.Criterion c, FineGrainRules.Parameters p, List<StageObservation> obs) {
        FineGrainRule rule = FineGrainRules.create(c, p);
        for (StageObservation o : obs.subList(1, obs.size())) {
            if (rule.observe(o)) {
                return o.step();
            }
        }
        return -1;
    }

    /**
     * Share of the stage's eventual validation gain reached at {@code step}: (v₀ − best validation loss validated
     * at or before {@code step}) / (v₀ − best validation loss of the whole recording), in [0, 1]; NaN if
     * {@code step} is −1 or the stage never improved on v₀.
     */
    public static double gainShare(List<StageObservation> obs, int step) {
        double v0 = obs.get(0).validationLoss();
        double vMin = v0;
        double best = v0;
        for (StageObservation o : obs) {
            double v = o.validationLoss();
            if (Double.isNaN(v)) {
                continue;
            }
            vMin = Math.min(vMin, v);
            if (step >= 0 && o.step() <= step) {
                best = Math.min(best, v);
            }
        }
        if (step < 0 || !(v0 > vMin)) {
            return Double.NaN;
        }
        return (v0 - best) / (v0 - vMin);
    }

    /**
     * The constant predictor's validation log loss (every example at the training positive rate), nats.
     */
    public static double constantLoss(ExampleSet train, ExampleSet val) {
        double rate = Math.min(Math.max((double) train.positives() / train.size(), 1e-4), 1 - 1e-4);
        double[] p = new double[val.size()];
        java.util.Arrays.fill(p, rate);
        return ValidationLoss.of(p, val.labels());
    }

    /** Replays every criterion on every stage. */
    public static Result evaluate(List<Stage> stages, FineGrainRules.Parameters p, int window, int validationEvery) {
        return evaluate(stages, List.of(), p, window, validationEvery);
    }

    /**
     * Replays every criterion on every stage.
     *
     * @param references reference losses of the data sets (for the stage table's margin shares); may be empty
     */
    public static Result evaluate(List<Stage> stages, List<Reference> references, FineGrainRules.Parameters p,
            int window, int validationEvery) {
        List<Row> rows = new ArrayList<>();
        List<EntropyDecision> decisions = new ArrayList<>();
        List<WindowSummary> windows = new ArrayList<>();
        int slack = Math.max(2 * window, validationEvery);
        for (Stage st : stages) {
            List<StageObservation> obs = st.observations();
            for (FineGrainRules.Criterion c : FineGrainRules.Criterion.values()) {
                int f = firesAt(c, p, obs);
                Firing def = new Firing("default", f, gainShare(obs, f));
                List<Firing> byMin = new ArrayList<>();
                boolean follows = true;
                for (int m : MIN_STEPS) {
                    int fm = firesAt(c, p.withMinSteps(m), obs);
                    byMin.add(new Firing("minSteps=" + m, fm, gainShare(obs, fm)));
                    follows &= fm >= m && fm <= m + slack;
                }
                List<Firing> byPlateau = new ArrayList<>();
                if (c == FineGrainRules.Criterion.VAL_PLATEAU || c == FineGrainRules.Criterion.ENTROPY_VALIDATION) {
                    for (int ps : PLATEAU_STEPS) {
                        int fp = firesAt(c, p.withPlateau(ps, p.minImprovement()), obs);
                        byPlateau.add(new Firing("plateauSteps=" + ps, fp, gainShare(obs, fp)));
                    }
                }
                Statistic stat = statistic(c, obs);
                rows.add(new Row(st.data(), st.stage(), c.cliName(), stat.name(), stat.stdChange(), p.delta(), def,
                        byMin, byPlateau, follows));
            }
            List<Integer> mins = new ArrayList<>(MIN_STEPS);
            if (!mins.contains(p.minSteps())) {
                mins.add(0, p.minSteps());
            }
            List<Integer> plateaus = new ArrayList<>(PLATEAU_STEPS);
            if (!plateaus.contains(p.plateauSteps())) {
                plateaus.add(p.plateauSteps());
            }
            for (int m : mins) {
                for (int ps : plateaus) {
                    FineGrainRules.Parameters q = p.withMinSteps(m).withPlateau(ps, p.minImprovement());
                    int vp = firesAt(FineGrainRules.Criterion.VAL_PLATEAU, q, obs);
                    int ev = firesAt(FineGrainRules.Criterion.ENTROPY_VALIDATION, q, obs);
                    decisions.add(new EntropyDecision(st.data(), st.stage(), m, ps, vp, ev,
                            vp >= 0 && windowStableAt(obs, p, vp), gainShare(obs, vp), gainShare(obs, ev)));
                }
            }
            windows.add(windowSummary(st, p));
        }
        return new Result(List.copyOf(stages), rows, decisions, windows, List.copyOf(references), p, window,
                validationEvery);
    }

    /** Whether the window statistic had been stable for {@code stableWindows} windows at {@code step}. */
    static boolean windowStableAt(List<StageObservation> obs, FineGrainRules.Parameters p, int step) {
        double previous = Double.NaN;
        int stable = 0;
        for (StageObservation o : obs.subList(1, obs.size())) {
            if (o.step() > step) {
                break;
            }
            if (o.entropy().windowCompleted()) {
                double s = o.entropy().windowNormalized();
                if (!Double.isNaN(previous)) {
                    stable = Math.abs(s - previous) < p.delta() ? stable + 1 : 0;
                }
                previous = s;
            }
        }
        return stable >= p.stableWindows();
    }

    private static WindowSummary windowSummary(Stage st, FineGrainRules.Parameters p) {
        List<double[]> w = new ArrayList<>(); // {step, S}
        for (StageObservation o : st.observations().subList(1, st.observations().size())) {
            if (o.entropy().windowCompleted()) {
                w.add(new double[] {o.step(), o.entropy().windowNormalized()});
            }
        }
        int step90 = -1;
        for (StageObservation o : st.observations()) {
            if (!Double.isNaN(o.validationLoss()) && gainShare(st.observations(), o.step()) >= 0.9) {
                step90 = o.step();
                break;
            }
        }
        int[] learning = new int[2]; // {stable, all}
        int[] converged = new int[2];
        int stableChanges = 0;
        int stable = 0;
        int held = 0;
        int firstStable = -1;
        double min = Double.NaN;
        double max = Double.NaN;
        for (int i = 0; i < w.size(); i++) {
            double s = w.get(i)[1];
            min = i == 0 ? s : Math.min(min, s);
            max = i == 0 ? s : Math.max(max, s);
            if (i == 0) {
                continue;
            }
            boolean st1 = Math.abs(s - w.get(i - 1)[1]) < p.delta();
            stableChanges += st1 ? 1 : 0;
            if (step90 >= 0) {
                int[] phase = w.get(i)[0] <= step90 ? learning : converged;
                phase[0] += st1 ? 1 : 0;
                phase[1]++;
            }
            stable = st1 ? stable + 1 : 0;
            held += stable >= p.stableWindows() ? 1 : 0;
            if (firstStable < 0 && stable >= p.stableWindows()) {
                firstStable = (int) w.get(i)[0];
            }
        }
        return new WindowSummary(st.data(), st.stage(), w.size(),
                w.size() < 2 ? Double.NaN : (double) stableChanges / (w.size() - 1), firstStable,
                w.isEmpty() ? Double.NaN : w.get(0)[1], w.isEmpty() ? Double.NaN : w.get(w.size() - 1)[1], min, max,
                step90, learning[1] == 0 ? Double.NaN : (double) learning[0] / learning[1],
                converged[1] == 0 ? Double.NaN : (double) converged[0] / converged[1],
                w.size() <= p.stableWindows() ? Double.NaN : (double) held / (w.size() - p.stableWindows()));
    }

    private record Statistic(String name, double stdChange) {
    }

    /** The criterion's statistic and the std of its step-to-step (or window-to-window) change. */
    private static Statistic statistic(FineGrainRules.Criterion c, List<StageObservation> obs) {
        List<Double> series = new ArrayList<>();
        List<StageObservation> steps = obs.subList(1, obs.size());
        String name;
        switch (c) {
            case LITERAL -> {
                name = "S per minibatch";
                steps.forEach(o -> series.add(o.entropy().minibatchNormalized()));
            }
            case WINDOW_INCREASE, WINDOW_PLATEAU, PATIENCE, RELATIVE, ENTROPY_VALIDATION -> {
                name = c == FineGrainRules.Criterion.ENTROPY_VALIDATION ? "S of window + validation loss"
                        : "S of window";
                steps.stream().filter(o -> o.entropy().windowCompleted())
                        .forEach(o -> series.add(o.entropy().windowNormalized()));
            }
            case LOSS -> {
                name = "EMA training loss";
                double ema = Double.NaN;
                for (StageObservation o : steps) {
                    ema = Double.isNaN(ema) ? o.minibatchLoss() : 0.95 * ema + 0.05 * o.minibatchLoss();
                    series.add(ema);
                }
            }
            case VAL_LOSS, VAL_PLATEAU -> {
                name = "validation loss";
                obs.stream().map(StageObservation::validationLoss).filter(x -> !Double.isNaN(x)).forEach(series::add);
            }
            default -> {
                return new Statistic("-", Double.NaN);
            }
        }
        int n = series.size() - 1;
        if (n < 2) {
            return new Statistic(name, Double.NaN);
        }
        double[] d = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            d[i] = series.get(i + 1) - series.get(i);
            mean += d[i] / n;
        }
        double var = 0;
        for (double x : d) {
            var += (x - mean) * (x - mean) / (n - 1);
        }
        return new Statistic(name, Math.sqrt(var));
    }

    /** The result as Markdown: the stages, the criterion table, the entropy-decision table and its summary line. */
    public static String markdown(Result r) {
        StringBuilder sb = new StringBuilder();
        FineGrainRules.Parameters p = r.rules();
        sb.append(String.format(Locale.ROOT, "Rules: Δ = %s, W = %d, stable windows %d, minimum %d steps, validation "
                + "plateau %d minibatches of %s nats; validation every %d minibatches.%n%n", fmt(p.delta()), r.window(),
                p.stableWindows(), p.minSteps(), p.plateauSteps(), fmt(p.minImprovement()), r.validationEvery()));
        for (Reference ref : r.references()) {
            sb.append(String.format(Locale.ROOT, "%s: constant predictor's validation log loss %.5f, planted "
                    + "model's (oracle) %s.%n", ref.data(), ref.constantLoss(), Double.isNaN(ref.oracleLoss())
                            ? "unknown" : String.format(Locale.ROOT, "%.5f", ref.oracleLoss())));
        }
        sb.append("\n| data | stage | minibatches | validation loss at start | best (step) | gain, nats "
                + "| oracle's margin at start → best | seconds |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Stage s : r.stages()) {
            Reference ref = r.reference(s.data());
            String margin = ref == null || Double.isNaN(ref.oracleLoss()) ? "-"
                    : String.format(Locale.ROOT, "%.1f %% → %.1f %%", percent(ref.marginShare(s.startLoss())),
                            percent(ref.marginShare(s.bestLoss())));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.5f | %.5f (%d) | %.5f | %s | %.0f |%n",
                    s.data(), s.stage(), s.steps(), s.startLoss(), s.bestLoss(), s.bestStep(),
                    s.startLoss() - s.bestLoss(), margin, s.seconds()));
        }
        sb.append("\nEach cell: the minibatch the rule fires at (share of the stage's validation gain reached then); "
                + "\"never\" within the recorded minibatches. \"timer\": fires within max(2 W, validation interval) "
                + "minibatches after every minimum step count.\n\n");
        sb.append("| data | stage | criterion | statistic | std of change / Δ | default | min 40 | min 200 | min 1000 "
                + "| plateau 250 | plateau 500 | plateau 1000 | timer |\n");
        sb.append("|---|---|---|---|---:|---|---|---|---|---|---|---|---|\n");
        for (Row row : r.rows()) {
            boolean entropyStat = row.statistic().startsWith("S ");
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |", row.data(), row.stage(),
                    row.criterion(), row.statistic(),
                    entropyStat && !Double.isNaN(row.stdChange())
                            ? String.format(Locale.ROOT, "%.2f", row.stdChange() / row.delta()) : "-",
                    cell(row.fires())));
            for (Firing f : row.byMinSteps()) {
                sb.append(' ').append(cell(f)).append(" |");
            }
            for (int i = 0; i < PLATEAU_STEPS.size(); i++) {
                sb.append(' ').append(row.byPlateau().isEmpty() ? "-" : cell(row.byPlateau().get(i))).append(" |");
            }
            boolean rule = !row.criterion().equals("never") && !row.criterion().equals("steps");
            sb.append(' ').append(rule ? (row.followsMinimum() ? "yes" : "no") : "-").append(" |\n");
        }
        sb.append("\nWindow statistic (normalized S of the W-minibatch accumulated gradient) per stage:\n\n");
        sb.append("| data | stage | windows | share of changes < Δ | share of windows with the plateau condition "
                + "| first stable (step) | 90 % of the gain at | share < Δ while learning (≤ that step) "
                + "| share < Δ after | first | last | min | max |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (WindowSummary w : r.windows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %s | %s | %s | %s | %s | %.4f | %.4f "
                    + "| %.4f | %.4f |%n", w.data(), w.stage(), w.windows(), w.stableShare(),
                    share(w.plateauHeldShare()), step(w.firstStable()), step(w.step90()),
                    share(w.stableShareLearning()), share(w.stableShareConverged()), w.first(), w.last(), w.min(),
                    w.max()));
        }
        sb.append("\nval-plateau against entropy-validation (same minimum steps and plateau):\n\n");
        sb.append("| data | stage | min steps | plateau steps | val-plateau fires (share) | entropy-validation fires "
                + "(share) | window stable at val-plateau's step | entropy changed the decision |\n");
        sb.append("|---|---|---:|---:|---|---|---|---|\n");
        for (EntropyDecision d : r.decisions()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s | %s | %s |%n", d.data(), d.stage(),
                    d.minSteps(), d.plateauSteps(), cell(new Firing("", d.valPlateau(), d.valPlateauShare())),
                    cell(new Firing("", d.entropyValidation(), d.entropyValidationShare())),
                    d.valPlateau() < 0 ? "-" : d.windowStableAtValPlateau() ? "yes" : "no",
                    d.changed() ? "**yes**" : "no"));
        }
        sb.append('\n').append(decisionSummary(r)).append('\n');
        return sb.toString();
    }

    /**
     * One paragraph: how many decisions the entropy part changed, by how many minibatches and how much gain share,
     * and how often the window condition held at val-plateau's firing against how often it holds at all.
     */
    public static String decisionSummary(Result r) {
        List<EntropyDecision> ds = r.decisions();
        long changed = ds.stream().filter(EntropyDecision::changed).count();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "The entropy part of entropy-validation "
                + "changed %d of %d decisions against val-plateau", changed, ds.size()));
        List<EntropyDecision> delayed = ds.stream().filter(d -> d.changed() && d.valPlateau() >= 0
                && d.entropyValidation() >= 0).toList();
        if (!delayed.isEmpty()) {
            int minDelay = delayed.stream().mapToInt(d -> d.entropyValidation() - d.valPlateau()).min().orElseThrow();
            int maxDelay = delayed.stream().mapToInt(d -> d.entropyValidation() - d.valPlateau()).max().orElseThrow();
            double maxShare = delayed.stream().filter(d -> !Double.isNaN(d.valPlateauShare()))
                    .mapToDouble(d -> d.entropyValidationShare() - d.valPlateauShare()).max().orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, ": %d delayed the firing by %d–%d minibatches, adding at most %.1f "
                    + "points of the stage's gain share", delayed.size(), minDelay, maxDelay, 100 * maxShare));
        }
        long never = ds.stream().filter(d -> d.changed() && d.valPlateau() >= 0 && d.entropyValidation() < 0).count();
        if (never > 0) {
            sb.append(String.format(Locale.ROOT, "; %d kept the stage running to the end of the recording", never));
        }
        long fired = ds.stream().filter(d -> d.valPlateau() >= 0).count();
        long stableThen = ds.stream().filter(d -> d.valPlateau() >= 0 && d.windowStableAtValPlateau()).count();
        double base = r.windows().stream().mapToDouble(WindowSummary::plateauHeldShare).filter(x -> !Double.isNaN(x))
                .average().orElse(Double.NaN);
        sb.append(String.format(Locale.ROOT, ". The window-plateau condition held at %d of the %d steps where "
                + "val-plateau fired (%.0f %%); it holds at %.0f %% of all completed windows (mean over the stages).",
                stableThen, fired, fired == 0 ? Double.NaN : 100.0 * stableThen / fired, 100 * base));
        return sb.toString();
    }

    private static String cell(Firing f) {
        if (f.step() < 0) {
            return "never";
        }
        return f.step() + (Double.isNaN(f.gainShare()) ? " (-)"
                : String.format(Locale.ROOT, " (%.0f %%)", 100 * f.gainShare()));
    }

    /** 100 x, without a negative zero. */
    private static double percent(double x) {
        double p = 100 * x;
        return Math.abs(p) < 0.05 ? 0 : p;
    }

    private static String share(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2f", x);
    }

    private static String step(int s) {
        return s < 0 ? "never" : Integer.toString(s);
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%s", x);
    }

    /**
     * The result as JSON ({@code formatVersion} {@value #FORMAT_VERSION}): {@code scale} (as given), {@code rules},
     * {@code window}, {@code validationEvery}, {@code stages} (data, stage, steps, startLoss, bestLoss, bestStep,
     * seconds, {@code validation}: [[step, loss], …]), {@code rows}, {@code decisions}, {@code windows}.
     */
    public static String json(Result r, Map<String, Object> scale) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("formatVersion", FORMAT_VERSION);
        m.put("producer", "finegrain bench criteria");
        m.put("scale", scale);
        m.put("rules", r.rules());
        m.put("window", r.window());
        m.put("validationEvery", r.validationEvery());
        List<Map<String, Object>> stages = new ArrayList<>();
        for (Stage s : r.stages()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("data", s.data());
            e.put("stage", s.stage());
            e.put("steps", s.steps());
            e.put("startLoss", s.startLoss());
            e.put("bestLoss", s.bestLoss());
            e.put("bestStep", s.bestStep());
            e.put("seconds", s.seconds());
            e.put("validation", s.observations().stream().filter(o -> !Double.isNaN(o.validationLoss()))
                    .map(o -> new double[] {o.step(), o.validationLoss()}).toList());
            e.put("window", s.observations().stream().skip(1).filter(o -> o.entropy().windowCompleted())
                    .map(o -> new double[] {o.step(), o.entropy().windowNormalized()}).toList());
            stages.add(e);
        }
        m.put("stages", stages);
        m.put("rows", r.rows());
        m.put("decisions", r.decisions());
        m.put("windows", r.windows());
        m.put("references", r.references());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(m);
    }

    /** Writes {@link #json} to {@code file}. */
    public static void writeJson(Result r, Map<String, Object> scale, Path file) throws IOException {
        java.nio.file.Files.writeString(file, json(r, scale));
    }
}
