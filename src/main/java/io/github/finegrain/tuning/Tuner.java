package io.github.finegrain.tuning;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.train.MultiResolutionOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hyperparameter search over the multi-resolution schedule with Arbiter's {@link LocalOptimizationRunner} (one
 * candidate at a time): random or grid search over a {@link FineGrainSpace}, each candidate a full MMT-SE run
 * ({@link MmtSeTaskCreator}) scored by {@link ValidationLogLoss}.
 *
 * <p>Bounds: at most {@code maxCandidates} candidates; no candidate starts after {@code maxMinutes} (Arbiter's
 * {@link MaxTimeCondition}) and none trains past the search's deadline or its own {@code candidateMinutes};
 * candidate generation fails the search after {@code maxConsecutiveFailures} failed attempts in a row
 * ({@link BoundedCandidateGenerator}) instead of retrying forever.
 */
public final class Tuner {
    private static final Logger LOG = LoggerFactory.getLogger(Tuner.class);

    /**
     * Bounds of a search.
     *
     * @param maxCandidates          candidates to train at most, {@code >= 1}
     * @param maxMinutes             the search's time budget, minutes, {@code > 0}
     * @param candidateMinutes       one candidate's training budget, minutes, {@code > 0}
     * @param maxConsecutiveFailures failed candidate generations in a row before the search fails (default 10)
     */
    public record Settings(int maxCandidates, double maxMinutes, double candidateMinutes,
            int maxConsecutiveFailures) {
        /** Validates the bounds. */
        public Settings {
            if (maxCandidates < 1 || maxConsecutiveFailures < 1) {
                throw new IllegalArgumentException("max candidates and max consecutive failures must be >= 1, found "
                        + maxCandidates + " and " + maxConsecutiveFailures);
            }
            if (!(maxMinutes > 0) || !(candidateMinutes > 0)) {
                throw new IllegalArgumentException("max minutes and candidate minutes must be > 0, found " + maxMinutes
                        + " and " + candidateMinutes);
            }
        }
    }

    /**
     * What a search found.
     *
     * @param trials             every trained (or failed) candidate, by candidate index
     * @param generationFailures one line per candidate the space failed to generate (below the bound)
     * @param seconds            wall seconds of the whole search
     * @param timeBudgetSpent    whether the search stopped because its time budget was spent
     */
    public record Result(List<TrialResult> trials, List<String> generationFailures, double seconds,
            boolean timeBudgetSpent) {
        /** Copies the lists. */
        public Result {
            trials = List.copyOf(trials);
            generationFailures = List.copyOf(generationFailures);
        }

        /** The scored trial with the lowest validation log loss (the first of equals), if any. */
        public Optional<TrialResult> best() {
            return trials.stream().filter(TrialResult::scored)
                    .min(Comparator.comparingDouble(TrialResult::score));
        }
    }

    /** Makes the Arbiter task creator of a search (the MMT-SE one; tests substitute a fast stand-in). */
    @FunctionalInterface
    interface Tasks {
        /**
         * @param base             the base options
         * @param candidateMinutes one candidate's training budget, minutes
         * @param deadlineNanos    {@link System#nanoTime()} at which the search's time is spent
         * @param sink             must receive every trial as it ends
         */
        TaskCreator create(MultiResolutionOptions base, double candidateMinutes, long deadlineNanos,
                Consumer<TrialResult> sink);
    }

    private final MultiResolutionOptions base;
    private final Settings settings;
    private final Tasks tasks;

    /**
     * Checks, before any training, that every rank the space can propose fits the CP hand-off: F at the first CP
     * stage of {@code base}'s ladder is a {@code tasks x courtCells x (defenderCells + 1)} tensor, and CP-ALS needs
     * {@code rank <= min(I*J, J*K, I*K)} ({@link io.github.finegrain.factor.CpAls#checkRank}).
     *
     * @param space the search space (its rank range, or {@code base}'s rank when it has none)
     * @param tasks tasks of the training data (after {@code base.minTaskExamples()})
     * @throws IllegalArgumentException naming the largest rank of the range that does not fit, the tensor and the
     *                                  bound
     */
    public static void checkRanks(SearchSpace space, MultiResolutionOptions base, int tasks) {
        io.github.finegrain.train.StageSpec cp = base.ladder().stream()
                .filter(st -> st.kind() == io.github.finegrain.model.ModelKind.CP).findFirst().orElse(null);
        if (cp == null) {
            return; // no hand-off: the rank is not used
        }
        int lo = space.rank() == null ? base.rank() : (int) space.rank().min();
        int hi = space.rank() == null ? base.rank() : (int) space.rank().max();
        try {
            io.github.finegrain.factor.CpAls.checkRank(tasks, cp.court().cellCount(), cp.defenderBox().cellCount() + 1,
                    hi);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (the hand-off F at " + cp.court() + " / "
                    + cp.defenderBox() + " for " + tasks + " tasks)" + (lo == hi ? ""
                    : "; the range [" + lo + ", " + hi + "] must stay within that bound"), e);
        }
    }

    /**
     * @param base     every hyperparameter the space does not set, and the values of those it leaves out
     * @param settings the search's bounds
     */
    public Tuner(MultiResolutionOptions base, Settings settings) {
        this(base, settings, MmtSeTaskCreator::new);
    }

    Tuner(MultiResolutionOptions base, Settings settings, Tasks tasks) {
        this.base = base;
        this.settings = settings;
        this.tasks = tasks;
    }

    /**
     * Runs the search a space file describes.
     *
     * @param onTrial receives each trial as it ends (on Arbiter's executor thread), e.g. to rewrite results.csv
     * @throws CandidateGenerationException if the space cannot generate candidates
     * @throws IllegalArgumentException if a rank of the space cannot fit the hand-off ({@link #checkRanks})
     */
    public Result run(SearchSpace space, ExampleSet train, ExampleSet validation, Consumer<TrialResult> onTrial) {
        checkRanks(space, base, io.github.finegrain.data.TaskIndexes.fromTraining(train, base.minTaskExamples()).size());
        return run(new FineGrainSpace(space, base), space.search(), space.seed(), space.gridPoints(), train,
                validation, onTrial);
    }

    /**
     * Runs a search over any parameter space of tuning points.
     *
     * @param space      the Arbiter space (its leaves are indexed by the generator)
     * @param search     random or grid search
     * @param seed       seed of the candidate generator
     * @param gridPoints grid search: values per continuous parameter
     * @param onTrial    receives each trial as it ends
     * @throws CandidateGenerationException if the space cannot generate candidates
     */
    @SuppressWarnings("deprecation")
    public Result run(ParameterSpace<TuningPoint> space, SearchSpace.Search search, long seed, int gridPoints,
            ExampleSet train, ExampleSet validation, Consumer<TrialResult> onTrial) {
        long start = System.nanoTime();
        long deadline = start + (long) (settings.maxMinutes() * 60e9);
        CandidateGenerator arbiter = search == SearchSpace.Search.GRID
                ? new GridSearchCandidateGenerator(space, gridPoints, GridSearchCandidateGenerator.Mode.Sequential,
                        null)
                : new RandomSearchGenerator(space, null);
        BoundedCandidateGenerator generator = new BoundedCandidateGenerator(arbiter, settings.maxCandidates(),
                settings.maxConsecutiveFailures());
        List<TrialResult> trials = new ArrayList<>();
        Consumer<TrialResult> sink = t -> {
            synchronized (trials) {
                trials.add(t);
            }
            if (onTrial != null) {
                onTrial.accept(t);
            }
        };
        OptimizationConfiguration config = new OptimizationConfiguration.Builder()
                .candidateGenerator(generator)
                .dataProvider(new ExamplesProvider(train, validation))
                .scoreFunction(new ValidationLogLoss())
                .terminationConditions(new MaxCandidatesCondition(settings.maxCandidates()),
                        new MaxTimeCondition((long) Math.ceil(settings.maxMinutes() * 60), TimeUnit.SECONDS),
                        new SearchExhausted(generator))
                .rngSeed(seed)
                .build();
        LocalOptimizationRunner runner = new LocalOptimizationRunner(config,
                tasks.create(base, settings.candidateMinutes(), deadline, sink));
        LOG.info("{} search over {}: up to {} candidates, {} min", search.fileName(), space, settings.maxCandidates(),
                settings.maxMinutes());
        try {
            runner.execute();
        } catch (RuntimeException e) {
            runner.shutdown(false);
            throw e;
        }
        List<TrialResult> sorted;
        synchronized (trials) {
            sorted = trials.stream().sorted(Comparator.comparingInt(TrialResult::candidate)).toList();
        }
        long end = System.nanoTime();
        return new Result(sorted, generator.failures(), (end - start) / 1e9,
                end >= deadline && generator.hasMoreCandidates());
    }
}
