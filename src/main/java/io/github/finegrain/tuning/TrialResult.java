package io.github.finegrain.tuning;

import java.util.Locale;

/**
 * How one candidate of a search went: one row of {@code results.csv}.
 *
 * @param candidate       Arbiter's candidate index (0-based, in generation order)
 * @param point           the candidate's hyperparameters
 * @param status          {@code ok}; {@code time-budget} (a stage was cut by the candidate's or the search's time
 *                        budget, so the run ended early); {@code cancelled} (the search's time was spent before it
 *                        began); {@code failed} (training threw, see {@code message})
 * @param score           validation log loss of the trained model, nats per example ({@link ValidationLogLoss});
 *                        NaN unless the model was trained
 * @param rocAuc          validation ROC AUC; NaN unless trained
 * @param seconds         wall seconds of training (the trainer's clock), 0 if it did not start
 * @param stages          stages run (6 for the full default ladder)
 * @param ruleTransitions stages before the last that ended because the fine-graining rule fired (the others ended at
 *                        {@code maxStepsPerStage} or the time budget); transitions include the CP hand-off
 * @param fineGrainEvents {@code fine-grain} events in the trace (grid refinements; the hand-off is its own event)
 * @param finalModel      kind and grids of the model the run returned (the stage with the lowest validation loss),
 *                        e.g. {@code cp 40x50/12x12}; empty if none
 * @param message         the error of a failed candidate, else empty
 */
public record TrialResult(int candidate, TuningPoint point, String status, double score, double rocAuc,
        double seconds, int stages, int ruleTransitions, int fineGrainEvents, String finalModel, String message) {

    /** Status of a run that went through its whole schedule. */
    public static final String OK = "ok";
    /** Status of a run cut short by a time budget. */
    public static final String TIME_BUDGET = "time-budget";
    /** Status of a candidate the search had no time left for. */
    public static final String CANCELLED = "cancelled";
    /** Status of a run that threw. */
    public static final String FAILED = "failed";

    /** The CSV header of {@link #csv()}. */
    public static final String HEADER = "candidate,rank,delta,learningRate,cpLearningRate,score,rocAuc,seconds,stages,"
            + "ruleTransitions,fineGrainEvents,finalModel,status,message";

    /** Whether the candidate has a score. */
    public boolean scored() {
        return !Double.isNaN(score);
    }

    /** This row as CSV (NaN written as empty, the message quoted). */
    public String csv() {
        return String.join(",", Integer.toString(candidate), Integer.toString(point.rank()), g(point.delta()),
                g(point.learningRate()), g(point.cpLearningRate()), f(score), f(rocAuc),
                String.format(Locale.ROOT, "%.3f", seconds), Integer.toString(stages),
                Integer.toString(ruleTransitions), Integer.toString(fineGrainEvents), finalModel, status,
                message.isEmpty() ? "" : "\"" + message.replace("\"", "\"\"").replace('\n', ' ') + "\"");
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private static String g(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
