package io.github.finegrain.tuning;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.StageRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arbiter's task for one candidate: the whole MMT-SE schedule ({@link MultiResolutionTrainer} with the
 * {@link DefaultStageTransition}) with the candidate's {@link TuningPoint} applied to the base options, then the
 * score function on the trained model. The time budget of a candidate is the smaller of the per-candidate minutes
 * and what is left of the search's. Every training run uses the base options' seed (the same minibatch order and
 * initialization for every candidate, so that candidates differ by their hyperparameters only).
 *
 * <p>The task hands its {@link TrialResult} to the sink (on the runner's executor thread) and returns it as the
 * result's model-specific results; a run that throws becomes a {@code failed} trial, not a lost one.
 */
@SuppressWarnings({"deprecation", "rawtypes", "unchecked"}) // Arbiter's interfaces use the raw Candidate
final class MmtSeTaskCreator implements TaskCreator {
    private static final Logger LOG = LoggerFactory.getLogger(MmtSeTaskCreator.class);

    private final MultiResolutionOptions base;
    private final double candidateMinutes;
    private final long deadlineNanos;
    private final Consumer<TrialResult> sink;

    /**
     * @param base             every hyperparameter the candidates do not set (not modified)
     * @param candidateMinutes time budget of one candidate's training, minutes
     * @param deadlineNanos    {@link System#nanoTime()} at which the search's time is spent
     * @param sink             receives every trial as it ends
     */
    MmtSeTaskCreator(MultiResolutionOptions base, double candidateMinutes, long deadlineNanos,
            Consumer<TrialResult> sink) {
        this.base = base;
        this.candidateMinutes = candidateMinutes;
        this.deadlineNanos = deadlineNanos;
        this.sink = sink;
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, DataProvider dataProvider,
            ScoreFunction scoreFunction, List<StatusListener> statusListeners, IOptimizationRunner runner) {
        return () -> run(candidate, dataProvider, scoreFunction, statusListeners, runner);
    }

    /** Not supported: the search passes its examples through an {@link ExamplesProvider}. */
    @Override
    public Callable<OptimizationResult> create(Candidate candidate, Class<? extends DataSource> dataSource,
            Properties dataSourceProperties, ScoreFunction scoreFunction, List<StatusListener> statusListeners,
            IOptimizationRunner runner) {
        throw new UnsupportedOperationException("MmtSeTaskCreator needs an ExamplesProvider, not a DataSource");
    }

    private OptimizationResult run(Candidate candidate, DataProvider data, ScoreFunction scoreFunction,
            List<StatusListener> listeners, IOptimizationRunner runner) {
        long created = System.currentTimeMillis();
        int index = candidate.getIndex();
        TuningPoint point = (TuningPoint) candidate.getValue();
        double minutesLeft = (deadlineNanos - System.nanoTime()) / 60e9;
        double minutes = Math.min(candidateMinutes, minutesLeft);
        if (!(minutes > 0)) {
            TrialResult t = new TrialResult(index, point, TrialResult.CANCELLED, Double.NaN, Double.NaN, 0, 0, 0, 0,
                    "", "");
            return finish(candidate, t, CandidateStatus.Cancelled, created, created, null, listeners, runner);
        }
        notify(listeners, runner, new CandidateInfo(index, CandidateStatus.Running, null, created, created, null,
                candidate.getFlatParameters(), null), null);
        LOG.info("candidate {}: {} ({} min budget)", index, point, String.format("%.2f", minutes));
        try {
            MultiResolutionOptions options = point.apply(base, minutes);
            ExampleSet train = (ExampleSet) data.trainData(candidate.getDataParameters());
            ExampleSet val = (ExampleSet) data.testData(candidate.getDataParameters());
            MultiResolutionTrainer.Result r = new MultiResolutionTrainer(options, new DefaultStageTransition())
                    .fit(train, val);
            double score = scoreFunction.score(r.model(), data, candidate.getDataParameters());
            BinaryMetrics m = ValidationLogLoss.of(r.model(), val);
            int last = options.ladder().size() - 1;
            int ruleTransitions = 0;
            boolean cut = false;
            for (StageRecord s : r.stages()) {
                if (s.index() < last && s.endReason().startsWith("rule:")) {
                    ruleTransitions++;
                }
                cut |= s.endReason().equals("time-budget");
            }
            int fineGrains = (int) r.trace().stream().filter(t -> t.event().equals("fine-grain")).count();
            StageRecord end = r.finalRecord(); // the stage whose model the run returns (lowest validation loss)
            TrialResult t = new TrialResult(index, point, cut ? TrialResult.TIME_BUDGET : TrialResult.OK, score,
                    m.rocAuc(), r.seconds(), r.stages().size(), ruleTransitions, fineGrains,
                    end.kind() + " " + end.court() + "/" + end.defender(), "");
            return finish(candidate, t, CandidateStatus.Complete, created, created, null, listeners, runner);
        } catch (Exception e) {
            LOG.warn("candidate {} failed: {}", index, e.toString(), e);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            TrialResult t = new TrialResult(index, point, TrialResult.FAILED, Double.NaN, Double.NaN,
                    (System.currentTimeMillis() - created) / 1e3, 0, 0, 0, "", e.toString());
            return finish(candidate, t, CandidateStatus.Failed, created, created, trace.toString(), listeners,
                    runner);
        }
    }

    private OptimizationResult finish(Candidate candidate, TrialResult t, CandidateStatus status, long created,
            long started, String stackTrace, List<StatusListener> listeners, IOptimizationRunner runner) {
        Double score = t.scored() ? t.score() : null;
        CandidateInfo info = new CandidateInfo(t.candidate(), status, score, created, started,
                System.currentTimeMillis(), candidate.getFlatParameters(), stackTrace);
        OptimizationResult result = new OptimizationResult(candidate, score, t.candidate(), t, info, null);
        sink.accept(t);
        notify(listeners, runner, info, result);
        return result;
    }

    private static void notify(List<StatusListener> listeners, IOptimizationRunner runner, CandidateInfo info,
            OptimizationResult result) {
        if (listeners != null) {
            for (StatusListener l : listeners) {
                l.onCandidateStatusChange(info, runner, result);
            }
        }
    }
}
