package io.github.finegrain.train;

import io.github.finegrain.model.ModelKind;
import io.github.finegrain.grid.GridSpec;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Hyperparameters of multi-resolution training (MMT-SE, the paper's Algorithm 1), validated; the one place of their
 * defaults ({@link #defaults()}). Build them with {@link #builder()} (or {@link #toBuilder()} / the withers) rather
 * than the 17-argument constructor.
 *
 * @param ladder           the stages in order; full-rank stages first, then CP stages (the first CP stage after a
 *                         full-rank one is the hand-off, at that stage's grids)
 * @param rank             CP rank K (default 20)
 * @param criterion        the rule that ends a stage (default {@code window-plateau}, see README "Fine-graining rule")
 * @param rules            the rules' parameters (Δ, minimum steps, …)
 * @param window           W, minibatches per window of the accumulated-gradient entropy (default 20)
 * @param batchSize        rows per minibatch (default 4096)
 * @param optimizer        one of {@link #OPTIMIZERS}: {@code adam}, {@code sgd} (DL4J's dense updaters through
 *                         {@code net.fit}), {@code lazy-adam}, {@code adagrad} (row-sparse steps, plugged in
 *                         through {@link TrainingSteps#forOptimizer}; default lazy-adam: see the README's
 *                         "Training steps" section for the comparison that chose it)
 * @param learningRate     step size of the full-rank stages (default 0.01)
 * @param cpLearningRate   step size of the CP stages (default 0.003): after the hand-off training is fine-tuning;
 *                         measured on the bundled data, Adam at 0.02 on the factors drove the validation loss from
 *                         0.330 to 0.55 within 200 minibatches
 * @param learningRateDecay factor on the step size at every fine-graining (full-rank and CP stages alike; the
 *                         hand-off starts the CP stages at {@code cpLearningRate}); 1 = constant (default: see
 *                         {@link #defaults()})
 * @param l2               L2 on the spatial weights, added to the mean log loss of a minibatch (default 0)
 * @param l2Prior          L2 on the <em>summed</em> log loss of the training rows, a Gaussian prior of this precision
 *                         on every spatial weight: the trainer adds {@code l2Prior / trainingRows} to {@code l2}
 *                         ({@link #l2For}), so the regularization weakens as the data grow (default 4: 1e-6 at the
 *                         planted benchmark's 4 M training rows, the sweep's choice; 3.5e-4 at the bundled data's
 *                         11,484 rows, where 1e-4 had been chosen)
 * @param positiveWeight   weight of positive rows in the log loss (default 1)
 * @param seed             seed of shuffling, networks and CP-ALS
 * @param dataType         network data type (default FLOAT)
 * @param minTaskExamples  a player needs this many training examples for his own task (default 1000)
 * @param validationEvery  validation log loss every this many minibatches (default 10) and at the stage's last
 *                         one; in minibatches, not examples, because the rules count minibatches too (a run has one
 *                         batch size, so this is every {@code validationEvery × batchSize} examples)
 * @param maxStepsPerStage a stage ends after this many minibatches whatever its rule says (default 20,000)
 * @param maxMinutes       the whole run stops after this many minutes of training (default 15)
 * @param checkpointMinutes a run with a checkpoint folder also checkpoints inside a stage, at the first completed
 *                         entropy window after this many minutes since the last checkpoint (default 5; besides the
 *                         checkpoints at every stage boundary)
 */
public record MultiResolutionOptions(List<StageSpec> ladder, int rank, FineGrainRules.Criterion criterion,
        FineGrainRules.Parameters rules, int window, int batchSize, String optimizer, double learningRate,
        double cpLearningRate, double learningRateDecay, double l2, double l2Prior,
        double positiveWeight, long seed, DataType dataType, int minTaskExamples, int validationEvery,
        int maxStepsPerStage, double maxMinutes, double checkpointMinutes) {

    /** Validates every field. */
    public MultiResolutionOptions {
        if (ladder == null || ladder.isEmpty()) {
            throw new IllegalArgumentException("the ladder needs at least one stage");
        }
        ladder = List.copyOf(ladder);
        boolean seenCp = false;
        for (StageSpec s : ladder) {
            if (s.kind() == ModelKind.CP) {
                seenCp = true;
            } else if (seenCp) {
                throw new IllegalArgumentException("a full-rank stage cannot follow a CP stage: " + ladder);
            }
        }
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be >= 1, found " + rank);
        }
        if (criterion == null || rules == null) {
            throw new IllegalArgumentException("a criterion and its parameters are required");
        }
        atLeastOne("window (minibatches)", window);
        atLeastOne("batch size", batchSize);
        atLeastOne("validation interval (minibatches)", validationEvery);
        atLeastOne("max steps per stage", maxStepsPerStage);
        atLeastOne("min task examples", minTaskExamples);
        if (!OPTIMIZERS.contains(optimizer)) {
            throw new IllegalArgumentException("optimizer must be one of " + String.join(", ", OPTIMIZERS)
                    + ", found '" + optimizer + "'");
        }
        positive("learning rate", learningRate);
        positive("CP learning rate", cpLearningRate);
        if (!(learningRateDecay > 0 && learningRateDecay <= 1)) {
            throw new IllegalArgumentException("learning-rate decay must be in (0, 1], found " + learningRateDecay);
        }
        positive("positive-class weight", positiveWeight);
        positive("max minutes", maxMinutes);
        positive("checkpoint minutes", checkpointMinutes);
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0 and finite, found " + l2);
        }
        if (!(l2Prior >= 0) || Double.isInfinite(l2Prior)) {
            throw new IllegalArgumentException("l2 prior must be >= 0 and finite, found " + l2Prior);
        }
        if (dataType == null) {
            throw new IllegalArgumentException("a data type is required");
        }
        checkRankFits(ladder, rank, Long.MAX_VALUE);
    }

    /**
     * Fails when the CP rank cannot fit the hand-off tensor {@code F: [tasks, courtCells, defenderCells + 1]} of
     * {@code ladder} (CP-ALS's bound {@code rank <= min(I*J, J*K, I*K)}, see {@code factor.CpAls}). The options'
     * constructor checks the bound that holds for any task count ({@code courtCells * (defenderCells + 1)});
     * {@link #checkRankFits(int)} checks it with the training data's task count, and the trainer calls it before
     * the first minibatch.
     *
     * @throws IllegalArgumentException naming the rank, the tensor and the bound
     */
    private static void checkRankFits(List<StageSpec> ladder, int rank, long tasks) {
        for (int i = 1; i < ladder.size(); i++) {
            StageSpec prev = ladder.get(i - 1);
            if (ladder.get(i).kind() == ModelKind.CP && prev.kind() == ModelKind.FULL_RANK) {
                long c = prev.court().cellCount();
                long d = prev.defenderBox().cellCount() + 1L;
                long bound = tasks == Long.MAX_VALUE ? c * d : Math.min(Math.min(tasks * c, c * d), tasks * d);
                if (rank > bound) {
                    throw new IllegalArgumentException("rank " + rank + " is too large for the hand-off tensor "
                            + (tasks == Long.MAX_VALUE ? "tasks" : String.valueOf(tasks)) + " x " + c + " x " + d
                            + " at " + prev.label() + " (at most " + bound + ")");
                }
            }
        }
    }

    /**
     * Fails when {@link #rank} cannot fit the hand-off tensor {@code [tasks, courtCells, defenderCells + 1]} of the
     * ladder's first CP stage after a full-rank one; does nothing for a ladder without a hand-off.
     *
     * @param tasks the number of tasks of the training data ({@code >= 1})
     * @throws IllegalArgumentException naming the rank, the tensor and the bound
     */
    public void checkRankFits(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be >= 1, found " + tasks);
        }
        checkRankFits(ladder, rank, tasks);
    }

    private static void atLeastOne(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, found " + v);
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, found " + v);
        }
    }

    /** The default reading of the fine-graining condition (see the README's criterion table for why). */
    public static final FineGrainRules.Criterion DEFAULT_CRITERION = FineGrainRules.Criterion.ENTROPY_VALIDATION;

    /**
     * The grids of the paper's benchmark, coarse to fine, as {court, defender} pairs: 4x5/6x6, 8x10/6x6, 8x10/12x12,
     * 20x25/12x12, 40x50/12x12 (court 40 × 50 ft at 10, 5, 2, 1 ft cells; defender box 12 × 12 ft at 2 and 1 ft).
     */
    public static List<GridSpec[]> paperGrids() {
        GridSpec d6 = GridSpec.defenderBox(6, 6);
        GridSpec d12 = GridSpec.defenderBox(12, 12);
        return List.of(new GridSpec[] {GridSpec.court(4, 5), d6}, new GridSpec[] {GridSpec.court(8, 10), d6},
                new GridSpec[] {GridSpec.court(8, 10), d12}, new GridSpec[] {GridSpec.court(20, 25), d12},
                new GridSpec[] {GridSpec.court(40, 50), d12});
    }

    /**
     * Full-rank stages at {@code grids[0..handOff]}, then CP stages at {@code grids[handOff..]} (the hand-off happens
     * at grid {@code handOff}, R_p of the paper).
     */
    public static List<StageSpec> ladderWithHandOff(List<GridSpec[]> grids, int handOff) {
        if (handOff < 0 || handOff >= grids.size()) {
            throw new IllegalArgumentException("hand-off index " + handOff + " outside the ladder of " + grids.size());
        }
        List<StageSpec> ladder = new java.util.ArrayList<>();
        for (int i = 0; i <= handOff; i++) {
            ladder.add(new StageSpec(ModelKind.FULL_RANK, grids.get(i)[0], grids.get(i)[1]));
        }
        for (int i = handOff; i < grids.size(); i++) {
            ladder.add(new StageSpec(ModelKind.CP, grids.get(i)[0], grids.get(i)[1]));
        }
        return ladder;
    }

    /** The paper's benchmark ladder: full-rank 4x5/6x6 → 8x10/6x6 → 8x10/12x12, CP 8x10/12x12 → 20x25 → 40x50. */
    public static List<StageSpec> paperLadder() {
        return ladderWithHandOff(paperGrids(), 2);
    }

    /** The optimizer names {@link #optimizer} accepts. */
    public static final List<String> OPTIMIZERS = List.of("adam", "sgd", "lazy-adam", "adagrad");

    /**
     * The defaults, the one place they live (the CLI's {@code --help} shows them through
     * {@code cli.TrainingDefaults}): the paper's ladder (hand-off at 8x10/12x12), rank 20, criterion
     * {@link #DEFAULT_CRITERION}, {@link FineGrainRules.Parameters#defaults()} (Δ = 0.005, 40 minimum steps, a
     * validation plateau of 500 minibatches without a 1e-4 nat improvement), window 20, batch 4096, lazy Adam
     * (row-sparse) at 0.01 (CP stages 0.003, no decay at fine-graining), L2 4 / training rows on the touched rows ({@link #l2For}), positive
     * weight 1, seed 12345, FLOAT, 1000 minimum task examples, validation every 10 minibatches, 20,000 steps per
     * stage at most (a safety net: the rule ends the stages), 15 minutes, a mid-stage checkpoint every 5 minutes. The optimizer, learning rates, L2, batch and decay
     * were chosen by {@code bench sweep} (src/site/benchmarks/sweep.md): 24 configurations of the MMT-SE pipeline on
     * planted data at the benchmark's scale with another data seed than {@code bench fig3}'s.
     */
    public static MultiResolutionOptions defaults() {
        return new MultiResolutionOptions(paperLadder(), 20, DEFAULT_CRITERION, FineGrainRules.Parameters.defaults(),
                20, 4096, "lazy-adam", 0.01, 0.003, 1.0, 0, 4, 1.0, 12345L, DataType.FLOAT, 1000, 10, 20000, 15, 5);
    }

    /**
     * The L2 the trainer applies on the mean log loss of a minibatch: {@code l2 + l2Prior / trainingRows}.
     *
     * @param trainingRows rows of the training data (an example with its own task counts twice: its task and the
     *                     league's)
     * @throws IllegalArgumentException if {@code trainingRows < 1}
     */
    public double l2For(long trainingRows) {
        if (trainingRows < 1) {
            throw new IllegalArgumentException("training rows must be >= 1, found " + trainingRows);
        }
        return l2 + l2Prior / trainingRows;
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy with another ladder. */
    public MultiResolutionOptions withLadder(List<StageSpec> l) {
        return toBuilder().ladder(l).build();
    }

    /** A copy with another CP rank. */
    public MultiResolutionOptions withRank(int r) {
        return toBuilder().rank(r).build();
    }

    /** A copy with another Δ of the rules. */
    public MultiResolutionOptions withDelta(double d) {
        return toBuilder().delta(d).build();
    }

    /** A copy with other learning rates (full-rank stages, CP stages). */
    public MultiResolutionOptions withLearningRates(double full, double cp) {
        return toBuilder().learningRate(full).cpLearningRate(cp).build();
    }

    /** A copy with another time budget, minutes. */
    public MultiResolutionOptions withMaxMinutes(double m) {
        return toBuilder().maxMinutes(m).build();
    }

    /**
     * The hyperparameters a model bundle records as its provenance ({@code trainingOptions} of the manifest), in a
     * fixed key order: rank, delta, criterion, window, minSteps, optimizer, learningRate, cpLearningRate, l2,
     * batchSize, ladder (stage labels), seed.
     */
    public java.util.Map<String, Object> provenance() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("rank", rank);
        m.put("delta", rules.delta());
        m.put("criterion", criterion.cliName());
        m.put("window", window);
        m.put("minSteps", rules.minSteps());
        m.put("plateauSteps", rules.plateauSteps());
        m.put("minImprovement", rules.minImprovement());
        m.put("optimizer", optimizer);
        m.put("learningRate", learningRate);
        m.put("cpLearningRate", cpLearningRate);
        m.put("learningRateDecay", learningRateDecay);
        m.put("l2", l2);
        m.put("l2Prior", l2Prior);
        m.put("batchSize", batchSize);
        m.put("ladder", ladder.stream().map(StageSpec::label).toList());
        m.put("seed", seed);
        return m;
    }

    /**
     * Builds {@link MultiResolutionOptions} field by field; {@link #build()} validates. Not thread-safe.
     */
    public static final class Builder {
        private List<StageSpec> ladder;
        private int rank;
        private FineGrainRules.Criterion criterion;
        private FineGrainRules.Parameters rules;
        private int window;
        private int batchSize;
        private String optimizer;
        private double learningRate;
        private double cpLearningRate;
        private double learningRateDecay;
        private double l2;
        private double l2Prior;
        private double positiveWeight;
        private long seed;
        private DataType dataType;
        private int minTaskExamples;
        private int validationEvery;
        private int maxStepsPerStage;
        private double maxMinutes;
        private double checkpointMinutes;

        private Builder(MultiResolutionOptions o) {
            ladder = o.ladder;
            rank = o.rank;
            criterion = o.criterion;
            rules = o.rules;
            window = o.window;
            batchSize = o.batchSize;
            optimizer = o.optimizer;
            learningRate = o.learningRate;
            cpLearningRate = o.cpLearningRate;
            learningRateDecay = o.learningRateDecay;
            l2 = o.l2;
            l2Prior = o.l2Prior;
            positiveWeight = o.positiveWeight;
            seed = o.seed;
            dataType = o.dataType;
            minTaskExamples = o.minTaskExamples;
            validationEvery = o.validationEvery;
            maxStepsPerStage = o.maxStepsPerStage;
            maxMinutes = o.maxMinutes;
            checkpointMinutes = o.checkpointMinutes;
        }

        /** The stages in order. */
        public Builder ladder(List<StageSpec> v) {
            ladder = v;
            return this;
        }

        /** CP rank K. */
        public Builder rank(int v) {
            rank = v;
            return this;
        }

        /** The rule that ends a stage. */
        public Builder criterion(FineGrainRules.Criterion v) {
            criterion = v;
            return this;
        }

        /** All the rules' parameters. */
        public Builder rules(FineGrainRules.Parameters v) {
            rules = v;
            return this;
        }

        /** Δ of the rules (keeps their other parameters). */
        public Builder delta(double v) {
            rules = rules.withDelta(v);
            return this;
        }

        /** Minibatches before a rule may fire (keeps the rules' other parameters). */
        public Builder minSteps(int v) {
            rules = rules.withMinSteps(v);
            return this;
        }

        /**
         * The validation plateau of the val-plateau and entropy-validation rules: {@code steps} minibatches without
         * an improvement of {@code improvement} nats (keeps the rules' other parameters).
         */
        public Builder plateau(int steps, double improvement) {
            rules = rules.withPlateau(steps, improvement);
            return this;
        }

        /** W, minibatches per entropy window. */
        public Builder window(int v) {
            window = v;
            return this;
        }

        /** Rows per minibatch. */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /** One of {@link #OPTIMIZERS}. */
        public Builder optimizer(String v) {
            optimizer = v;
            return this;
        }

        /** Step size of the full-rank stages. */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** Factor on the step size at every fine-graining, in (0, 1]. */
        public Builder learningRateDecay(double v) {
            learningRateDecay = v;
            return this;
        }

        /** Step size of the CP stages. */
        public Builder cpLearningRate(double v) {
            cpLearningRate = v;
            return this;
        }

        /** L2 on the spatial weights. */
        public Builder l2(double v) {
            l2 = v;
            return this;
        }

        /** L2 on the summed log loss of the training rows (see {@link MultiResolutionOptions#l2Prior()}). */
        public Builder l2Prior(double v) {
            l2Prior = v;
            return this;
        }

        /** Weight of positive rows in the log loss. */
        public Builder positiveWeight(double v) {
            positiveWeight = v;
            return this;
        }

        /** Seed of shuffling, networks and CP-ALS. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Network data type. */
        public Builder dataType(DataType v) {
            dataType = v;
            return this;
        }

        /** Training examples a player needs for his own task. */
        public Builder minTaskExamples(int v) {
            minTaskExamples = v;
            return this;
        }

        /** Validation every this many minibatches. */
        public Builder validationEvery(int v) {
            validationEvery = v;
            return this;
        }

        /** A stage ends after this many minibatches whatever its rule says. */
        public Builder maxStepsPerStage(int v) {
            maxStepsPerStage = v;
            return this;
        }

        /** The run stops after this many minutes. */
        public Builder maxMinutes(double v) {
            maxMinutes = v;
            return this;
        }

        /** Minutes between mid-stage checkpoints (taken at the next completed entropy window). */
        public Builder checkpointMinutes(double v) {
            checkpointMinutes = v;
            return this;
        }

        /**
         * The validated options.
         *
         * @throws IllegalArgumentException naming the first invalid field
         */
        public MultiResolutionOptions build() {
            return new MultiResolutionOptions(ladder, rank, criterion, rules, window, batchSize, optimizer,
                    learningRate, cpLearningRate, learningRateDecay, l2, l2Prior, positiveWeight, seed, dataType, minTaskExamples, validationEvery,
                    maxStepsPerStage, maxMinutes, checkpointMinutes);
        }
    }

    /**
     * The DL4J updater configured on the networks (the dense path, and what a plain {@code net.fit} uses): Adam for
     * {@code adam} and {@code lazy-adam}, SGD for {@code sgd}, AdaGrad for {@code adagrad}. A row-sparse step
     * ({@link TrainingSteps}) keeps its own state and does not use it.
     */
    public IUpdater updater() {
        return TrainingSteps.updater(optimizer, learningRate);
    }
}
