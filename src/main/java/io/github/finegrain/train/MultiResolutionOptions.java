package io.github.finegrain.train;

import io.github.finegrain.model.ModelKind;
import io.github.finegrain.grid.GridSpec;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Hyperparameters of multi-resolution training (MMT-SE, the paper's Algorithm 1), validated.
 *
 * @param ladder           the stages in order; full-rank stages first, then CP stages (the first CP stage after a
 *                         full-rank one is the hand-off, at that stage's grids)
 * @param rank             CP rank K (default 20)
 * @param criterion        the rule that ends a stage (default {@code window-plateau}, see README "Fine-graining rule")
 * @param rules            the rules' parameters (Δ, minimum steps, …)
 * @param window           W, minibatches per window of the accumulated-gradient entropy (default 20)
 * @param batchSize        rows per minibatch (default 1024)
 * @param optimizer        {@code adam} or {@code sgd}
 * @param learningRate     step size of the full-rank stages (default 0.02)
 * @param cpLearningRate   step size of the CP stages (default 0.002): after the hand-off training is fine-tuning;
 *                         measured on the bundled data, Adam at 0.02 on the factors drove the validation loss from
 *                         0.330 to 0.55 within 200 minibatches
 * @param l2               L2 on the spatial weights (default 1e-4)
 * @param positiveWeight   weight of positive rows in the log loss (default 1)
 * @param seed             seed of shuffling, networks and CP-ALS
 * @param dataType         network data type (default FLOAT)
 * @param minTaskExamples  a player needs this many training examples for his own task (default 1000)
 * @param validationEvery  validation log loss every this many minibatches (default 10)
 * @param maxStepsPerStage a stage ends after this many minibatches whatever its rule says (default 1500)
 * @param maxMinutes       the whole run stops after this many minutes of training (default 15)
 */
public record MultiResolutionOptions(List<StageSpec> ladder, int rank, FineGrainRules.Criterion criterion,
        FineGrainRules.Parameters rules, int window, int batchSize, String optimizer, double learningRate,
        double cpLearningRate, double l2,
        double positiveWeight, long seed, DataType dataType, int minTaskExamples, int validationEvery,
        int maxStepsPerStage, double maxMinutes) {

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
        if (!"adam".equals(optimizer) && !"sgd".equals(optimizer)) {
            throw new IllegalArgumentException("optimizer must be adam or sgd, found '" + optimizer + "'");
        }
        positive("learning rate", learningRate);
        positive("CP learning rate", cpLearningRate);
        positive("positive-class weight", positiveWeight);
        positive("max minutes", maxMinutes);
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2 must be >= 0, found " + l2);
        }
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
    public static final FineGrainRules.Criterion DEFAULT_CRITERION = FineGrainRules.Criterion.WINDOW_PLATEAU;

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

    /** Defaults with the paper's ladder. */
    public static MultiResolutionOptions defaults() {
        return new MultiResolutionOptions(paperLadder(), 20, DEFAULT_CRITERION,
                FineGrainRules.Parameters.defaults().withMinSteps(40), 20, 1024, "adam", 0.02, 0.002, 1e-4, 1.0, 12345L, DataType.FLOAT,
                1000, 10, 1500, 15);
    }

    /** The DL4J updater. */
    public IUpdater updater() {
        return "adam".equals(optimizer) ? new Adam(learningRate) : new Sgd(learningRate);
    }
}
