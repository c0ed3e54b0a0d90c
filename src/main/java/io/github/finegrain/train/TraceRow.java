package io.github.finegrain.train;

/**
 * One line of {@code trace.csv}: one minibatch of a multi-resolution run.
 *
 * @param seconds        wall seconds since training began
 * @param trainingSeconds {@code seconds} less the validation passes so far (minibatch steps, swaps and the CP-ALS
 *                       hand-off: the cost of training itself, what the benchmarks' time to target counts)
 * @param iteration      minibatches since training began
 * @param epoch          passes over the training rows begun (1-based)
 * @param stage          stage index (0-based)
 * @param kind           {@code full-rank} or {@code cp}
 * @param court          court grid, RxC
 * @param defender       defender grid, RxC
 * @param reading        the listener's reading of this minibatch
 * @param validationLoss validation log loss if computed at this minibatch, else NaN
 * @param event          what happened after this minibatch ({@code fine-grain}, {@code hand-off}, {@code stop}),
 *                       or empty
 */
public record TraceRow(double seconds, double trainingSeconds, int iteration, int epoch, int stage, String kind, String court,
        String defender, EntropyReading reading, double validationLoss, String event) {

    /** The CSV header. */
    public static final String HEADER = "seconds,trainingSeconds,iteration,epoch,stage,kind,court,defender,minibatchLoss,"
            + "validationLoss,entropy,entropyNormalized,windowEntropy,windowEntropyNormalized,windowPerExample,"
            + "histogramEntropy,signEntropy,listenerMicros,event";

    /** This row as CSV (NaN written as empty). */
    public String csv() {
        EntropyReading r = reading;
        return String.join(",", f(seconds), f(trainingSeconds), Integer.toString(iteration), Integer.toString(epoch),
                Integer.toString(stage), kind, court, defender, f(r.minibatchLoss()), f(validationLoss),
                f(r.minibatch()), f(r.minibatchNormalized()), f(r.window()), f(r.windowNormalized()),
                f(r.windowPerExample()), f(r.histogramEntropy()), f(r.signEntropy()),
                Long.toString(r.nanos() / 1000), event);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.6g", v);
    }
}
