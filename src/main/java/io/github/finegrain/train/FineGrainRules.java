package io.github.finegrain.train;

import java.util.Locale;
import java.util.Set;

/**
 * The readings of the fine-graining condition (the paper's condition (5), partly illegible: "S^R_t > S^R_{t−…}",
 * checked per minibatch, Δ = 0.005) and the baselines, all checked at every minibatch. Entropies are the
 * normalized ones (divided by log #cells) of {@link EntropyReading}. Every rule waits {@code minSteps} minibatches
 * first.
 *
 * <table>
 * <caption>Criteria</caption>
 * <tr><th>criterion</th><th>fires when</th></tr>
 * <tr><td>literal</td><td>S_t − S_{t−1} &gt; Δ on the per-minibatch statistic (optionally EMA-smoothed)</td></tr>
 * <tr><td>window-increase</td><td>S_w − S_{w−1} &gt; Δ on the accumulated-gradient window statistic</td></tr>
 * <tr><td>window-plateau</td><td>the window statistic has stopped moving: |S_w − S_{w−1}| &lt; Δ for
 *     {@code stableWindows} consecutive windows (the spatial distribution of the systematic gradient no longer
 *     changes: the stage has converged at this resolution)</td></tr>
 * <tr><td>patience</td><td>the p-th window with S_w − S_{w−1} &gt; Δ (p = 1: the first increase)</td></tr>
 * <tr><td>relative</td><td>(S_w − S_{w−1}) / S_{w−1} &gt; Δ</td></tr>
 * <tr><td>loss</td><td>the relative improvement of the EMA-smoothed training loss over one window is below ε</td></tr>
 * <tr><td>val-loss</td><td>the validation loss rose since its last check</td></tr>
 * <tr><td>val-plateau</td><td>the stage's best validation log loss has not improved by {@code minImprovement} nats
 *     for {@code plateauSteps} minibatches (checked at each validation)</td></tr>
 * <tr><td>entropy-validation</td><td>both: the window statistic has stopped moving (as window-plateau) <em>and</em>
 *     the validation log loss has reached its plateau (as val-plateau); the default since issue 12, because at 439
 *     players every entropy reading alone fired at or near the minimum step count, long before the stage had
 *     learned what it could (src/site/benchmarks/criteria.md)</td></tr>
 * <tr><td>steps</td><td>after maxSteps minibatches</td></tr>
 * <tr><td>never</td><td>never (fixed resolution)</td></tr>
 * </table>
 */
public final class FineGrainRules {
    private FineGrainRules() {
    }

    /** The criteria, by their CLI names. */
    public enum Criterion {
        /** Per-minibatch increase. */
        LITERAL,
        /** Window increase. */
        WINDOW_INCREASE,
        /** Window plateau after a rise. */
        WINDOW_PLATEAU,
        /** p-th window increase. */
        PATIENCE,
        /** Relative window increase. */
        RELATIVE,
        /** Loss converged. */
        LOSS,
        /** Validation loss rose. */
        VAL_LOSS,
        /** Validation loss stopped improving. */
        VAL_PLATEAU,
        /** Window entropy stable and validation loss stopped improving. */
        ENTROPY_VALIDATION,
        /** Fixed number of minibatches. */
        STEPS,
        /** Never end a stage. */
        NEVER;

        /** Parses a CLI name such as {@code window-plateau}. */
        public static Criterion parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown criterion '" + name + "'; expected one of literal, "
                        + "window-increase, window-plateau, patience, relative, loss, val-loss, val-plateau, "
                        + "entropy-validation, steps, never, entropy");
            }
        }

        /** The CLI name. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Parameters of the rules.
     *
     * @param delta       Δ, in normalized entropy (default 0.005)
     * @param minSteps    minibatches before any rule may fire (default 40)
     * @param smoothing   EMA weight of the new value for the literal rule's statistic and the loss rule (0 = none
     *                    for literal; default 0)
     * @param patience    p of the patience rule (default 3)
     * @param lossEpsilon ε of the loss rule (default 0.001)
     * @param maxSteps    minibatches of the steps rule (default 1000)
     * @param stableWindows consecutive stable windows of the plateau rule (default 2)
     * @param plateauSteps  minibatches without a validation improvement of {@code minImprovement} after which the
     *                      val-plateau and entropy-validation rules see a plateau (default 500)
     * @param minImprovement improvement of the stage's best validation log loss that counts, nats (default 1e-4)
     */
    public record Parameters(double delta, int minSteps, double smoothing, int patience, double lossEpsilon,
            int maxSteps, int stableWindows, int plateauSteps, double minImprovement) {
        /** Validates the parameters. */
        public Parameters {
            if (!(delta >= 0)) {
                throw new IllegalArgumentException("delta must be >= 0, found " + delta);
            }
            if (minSteps < 0) {
                throw new IllegalArgumentException("min steps must be >= 0, found " + minSteps);
            }
            if (patience < 1 || maxSteps < 1 || stableWindows < 1) {
                throw new IllegalArgumentException("patience, max steps and stable windows must be >= 1, found "
                        + patience + ", " + maxSteps + ", " + stableWindows);
            }
            if (!(smoothing >= 0 && smoothing < 1)) {
                throw new IllegalArgumentException("smoothing must be in [0, 1), found " + smoothing);
            }
            if (!(lossEpsilon >= 0)) {
                throw new IllegalArgumentException("loss epsilon must be >= 0, found " + lossEpsilon);
            }
            if (plateauSteps < 1) {
                throw new IllegalArgumentException("plateau steps must be >= 1, found " + plateauSteps);
            }
            if (!(minImprovement >= 0) || Double.isInfinite(minImprovement)) {
                throw new IllegalArgumentException("min improvement must be >= 0 and finite (nats), found "
                        + minImprovement);
            }
        }

        /** The seven parameters of the entropy and loss rules, with the default validation plateau. */
        public Parameters(double delta, int minSteps, double smoothing, int patience, double lossEpsilon,
                int maxSteps, int stableWindows) {
            this(delta, minSteps, smoothing, patience, lossEpsilon, maxSteps, stableWindows, DEFAULT_PLATEAU_STEPS,
                    DEFAULT_MIN_IMPROVEMENT);
        }

        /**
         * Defaults, the ones {@link MultiResolutionOptions#defaults()} and the CLI use: Δ = 0.005, 40 minimum steps,
         * no smoothing, patience 3, ε = 0.001, 1000 steps, 2 stable windows, a validation plateau of 500
         * minibatches without a 1e-4 nat improvement.
         */
        public static Parameters defaults() {
            return new Parameters(0.005, 40, 0, 3, 0.001, 1000, 2, DEFAULT_PLATEAU_STEPS, DEFAULT_MIN_IMPROVEMENT);
        }

        /** A copy with another Δ. */
        public Parameters withDelta(double d) {
            return new Parameters(d, minSteps, smoothing, patience, lossEpsilon, maxSteps, stableWindows,
                    plateauSteps, minImprovement);
        }

        /** A copy with another minimum step count. */
        public Parameters withMinSteps(int m) {
            return new Parameters(delta, m, smoothing, patience, lossEpsilon, maxSteps, stableWindows, plateauSteps,
                    minImprovement);
        }

        /** A copy with another validation plateau ({@code plateauSteps} minibatches, {@code minImprovement} nats). */
        public Parameters withPlateau(int steps, double improvement) {
            return new Parameters(delta, minSteps, smoothing, patience, lossEpsilon, maxSteps, stableWindows, steps,
                    improvement);
        }
    }

    /** Default {@link Parameters#plateauSteps()}: 500 minibatches. */
    public static final int DEFAULT_PLATEAU_STEPS = 500;
    /** Default {@link Parameters#minImprovement()}: 1e-4 nats. */
    public static final double DEFAULT_MIN_IMPROVEMENT = 1e-4;

    /**
     * Why a stage ends at this minibatch, in the order every stage loop checks (the single-machine
     * {@code StageRunner} and the Spark trainer): {@code rule:<criterion>} when {@code rule} fires,
     * {@code max-steps} at the options' per-stage limit, {@code time-budget} past the run's budget; null to go on.
     *
     * @param elapsedSeconds wall seconds of the run so far (the budget is {@code options.maxMinutes()})
     */
    public static String endReason(FineGrainRule rule, StageObservation o, MultiResolutionOptions options,
            double elapsedSeconds) {
        if (rule.observe(o)) {
            return "rule:" + options.criterion().cliName();
        }
        if (o.step() >= options.maxStepsPerStage()) {
            return "max-steps";
        }
        return elapsedSeconds > options.maxMinutes() * 60 ? "time-budget" : null;
    }

    /** A fresh rule for one stage. */
    public static FineGrainRule create(Criterion c, Parameters p) {
        return switch (c) {
            case LITERAL -> new Literal(p);
            case WINDOW_INCREASE -> new WindowRule(p, Kind.INCREASE);
            case WINDOW_PLATEAU -> new WindowRule(p, Kind.PLATEAU);
            case PATIENCE -> new WindowRule(p, Kind.PATIENCE);
            case RELATIVE -> new WindowRule(p, Kind.RELATIVE);
            case LOSS -> new LossConverged(p);
            case VAL_LOSS -> new ValidationRose(p);
            case VAL_PLATEAU -> new ValidationPlateau(p);
            case ENTROPY_VALIDATION -> new EntropyAndValidation(p);
            case STEPS -> o -> o.step() >= p.maxSteps();
            case NEVER -> o -> false;
        };
    }

    private static final class Literal implements FineGrainRule {
        private final Parameters p;
        private double previous = Double.NaN;

        Literal(Parameters p) {
            this.p = p;
        }

        @Override
        public boolean observe(StageObservation o) {
            double s = o.entropy().minibatchNormalized();
            double current = Double.isNaN(previous) || p.smoothing() == 0 ? s
                    : (1 - p.smoothing()) * previous + p.smoothing() * s;
            boolean fire = !Double.isNaN(previous) && o.step() >= p.minSteps() && current - previous > p.delta();
            previous = current;
            return fire;
        }

        @Override
        public java.util.Map<String, Double> state() {
            return java.util.Map.of("previous", previous);
        }

        @Override
        public void restore(java.util.Map<String, Double> s) {
            previous = field(s, "previous", Set.of("previous"));
        }
    }

    private enum Kind { INCREASE, PLATEAU, PATIENCE, RELATIVE }

    private static final class WindowRule implements FineGrainRule {
        private final Parameters p;
        private final Kind kind;
        private double previous = Double.NaN;
        private int increases;
        private int stable;

        WindowRule(Parameters p, Kind kind) {
            this.p = p;
            this.kind = kind;
        }

        @Override
        public boolean observe(StageObservation o) {
            if (!o.entropy().windowCompleted()) {
                return false;
            }
            double s = o.entropy().windowNormalized();
            double d = s - previous;
            boolean hasPrevious = !Double.isNaN(previous);
            previous = s;
            if (!hasPrevious) {
                return false;
            }
            boolean increase = d > p.delta();
            if (increase) {
                increases++;
            }
            stable = Math.abs(d) < p.delta() ? stable + 1 : 0;
            if (o.step() < p.minSteps()) {
                return false;
            }
            return switch (kind) {
                case INCREASE -> increase;
                case PLATEAU -> stable >= p.stableWindows();
                case PATIENCE -> increases >= p.patience();
                case RELATIVE -> s - d > 0 && d / (s - d) > p.delta();
            };
        }

        @Override
        public java.util.Map<String, Double> state() {
            return java.util.Map.of("previous", previous, "increases", (double) increases, "stable", (double) stable);
        }

        @Override
        public void restore(java.util.Map<String, Double> s) {
            Set<String> names = Set.of("previous", "increases", "stable");
            previous = field(s, "previous", names);
            increases = count(s, "increases", names);
            stable = count(s, "stable", names);
        }
    }

    private static final class LossConverged implements FineGrainRule {
        private final Parameters p;
        private final int every;
        private double ema = Double.NaN;
        private double atLastCheck = Double.NaN;

        LossConverged(Parameters p) {
            this.p = p;
            this.every = 50;
        }

        @Override
        public boolean observe(StageObservation o) {
            double w = p.smoothing() > 0 ? p.smoothing() : 0.05;
            ema = Double.isNaN(ema) ? o.minibatchLoss() : (1 - w) * ema + w * o.minibatchLoss();
            if (o.step() % every != 0) {
                return false;
            }
            boolean fire = !Double.isNaN(atLastCheck) && o.step() >= p.minSteps()
                    && (atLastCheck - ema) / atLastCheck < p.lossEpsilon();
            atLastCheck = ema;
            return fire;
        }

        @Override
        public java.util.Map<String, Double> state() {
            return java.util.Map.of("ema", ema, "atLastCheck", atLastCheck);
        }

        @Override
        public void restore(java.util.Map<String, Double> s) {
            Set<String> names = Set.of("ema", "atLastCheck");
            ema = field(s, "ema", names);
            atLastCheck = field(s, "atLastCheck", names);
        }
    }

    private static final class ValidationRose implements FineGrainRule {
        private final Parameters p;
        private double previous = Double.NaN;

        ValidationRose(Parameters p) {
            this.p = p;
        }

        @Override
        public boolean observe(StageObservation o) {
            if (Double.isNaN(o.validationLoss())) {
                return false;
            }
            boolean fire = !Double.isNaN(previous) && o.step() >= p.minSteps() && o.validationLoss() > previous;
            previous = o.validationLoss();
            return fire;
        }

        @Override
        public java.util.Map<String, Double> state() {
            return java.util.Map.of("previous", previous);
        }

        @Override
        public void restore(java.util.Map<String, Double> s) {
            previous = field(s, "previous", Set.of("previous"));
        }
    }

    /**
     * The stage's best validation log loss has not improved by {@code minImprovement} for {@code plateauSteps}
     * minibatches. The improvement is measured against the best loss at the last counted improvement, so a slow
     * drift of many tiny gains still counts once it adds up to {@code minImprovement}.
     */
    private static final class ValidationPlateau implements FineGrainRule {
        private final Parameters p;
        private double best = Double.NaN;
        private double lastImprovementStep;

        ValidationPlateau(Parameters p) {
            this.p = p;
        }

        /** Whether the validation loss is on its plateau after this observation (no firing logic of its own). */
        boolean plateau(StageObservation o) {
            double v = o.validationLoss();
            if (!Double.isNaN(v) && (Double.isNaN(best) || v < best - p.minImprovement())) {
                best = v;
                lastImprovementStep = o.step();
            }
            return !Double.isNaN(best) && o.step() - lastImprovementStep >= p.plateauSteps();
        }

        @Override
        public boolean observe(StageObservation o) {
            return plateau(o) && o.step() >= p.minSteps() && !Double.isNaN(o.validationLoss());
        }

        @Override
        public java.util.Map<String, Double> state() {
            return java.util.Map.of("best", best, "lastImprovementStep", lastImprovementStep);
        }

        @Override
        public void restore(java.util.Map<String, Double> s) {
            Set<String> names = Set.of("best", "lastImprovementStep");
            best = field(s, "best", names);
            lastImprovementStep = count(s, "lastImprovementStep", names);
        }
    }

    /**
     * The default rule: the window entropy statistic has been stable (|S_w − S_{w−1}| &lt; Δ) for
     * {@code stableWindows} consecutive windows <em>and</em> the validation log loss is on its plateau
     * ({@link ValidationPlateau}); decided at a validated minibatch, after {@code minSteps}.
     */
    private static final class EntropyAndValidation implements FineGrainRule {
        private final Parameters p;
        private final ValidationPlateau validation;
        /** The window-plateau rule without a minimum step count: its count of stable windows is the entropy part. */
        private final WindowRule window;

        EntropyAndValidation(Parameters p) {
            this.p = p;
            this.validation = new ValidationPlateau(p);
            this.window = new WindowRule(p.withMinSteps(0), Kind.PLATEAU);
        }

        @Override
        public boolean observe(StageObservation o) {
            if (o.entropy() != null) {
                window.observe(o); // counts the stable windows when one completes
            }
            boolean plateau = validation.plateau(o);
            return plateau && window.stable >= p.stableWindows() && o.step() >= p.minSteps()
                    && !Double.isNaN(o.validationLoss());
        }

        @Override
        public java.util.Map<String, Double> state() {
            java.util.Map<String, Double> m = new java.util.LinkedHashMap<>(validation.state());
            m.putAll(window.state());
            return m;
        }

        @Override
        public void restore(java.util.Map<String, Double> s) {
            Set<String> v = Set.of("best", "lastImprovementStep");
            Set<String> w = Set.of("previous", "increases", "stable");
            for (String k : s.keySet()) {
                if (!v.contains(k) && !w.contains(k)) {
                    throw new IllegalArgumentException("rule state: unknown field '" + k + "' (expected " + v + " and "
                            + w + ")");
                }
            }
            java.util.Map<String, Double> vs = new java.util.HashMap<>(s);
            vs.keySet().retainAll(v);
            java.util.Map<String, Double> ws = new java.util.HashMap<>(s);
            ws.keySet().retainAll(w);
            validation.restore(vs);
            window.restore(ws);
        }
    }

    /** Field {@code name} of a saved rule state; every key must be one of {@code names}. */
    private static double field(java.util.Map<String, Double> s, String name, Set<String> names) {
        for (String k : s.keySet()) {
            if (!names.contains(k)) {
                throw new IllegalArgumentException("rule state: unknown field '" + k + "' (expected " + names + ")");
            }
        }
        Double v = s.get(name);
        if (v == null) {
            throw new IllegalArgumentException("rule state: field " + name + " is missing or null");
        }
        return v;
    }

    /** A non-negative integer field of a saved rule state. */
    private static int count(java.util.Map<String, Double> s, String name, Set<String> names) {
        double v = field(s, name, names);
        if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
            throw new IllegalArgumentException("rule state: field " + name + " must be an integer >= 0, found " + v);
        }
        return (int) v;
    }
}
