package io.github.finegrain.cli;

import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.train.TrainedModel;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finegrain predict}: probabilities for rows of raw coordinates. Input CSV with a header and 12 or 13
 * columns: {@code player,ballHandlerX,ballHandlerY,d1x,d1y,…,d5x,d5y} (feet; the court frame with the basket at
 * (5.25, 25) and the box frame of {@link InputRow}; both cells of a defender empty or NaN for an absent defender).
 * The player is mapped through the model's task map; a player without a task is scored on the league task. Output
 * CSV: the input columns plus {@code task} and {@code probability}, for the rows scored.
 *
 * <p>Rows: a ball handler outside the 40 × 50 ft zone the model covers is skipped and counted (the message on
 * standard error gives the count and the first {@value #MAX_LINES_LISTED} line numbers), or an error with
 * {@code --strict}. Errors (exit 3, naming the line and column): a malformed row, a non-finite ball-handler position,
 * an infinite defender coordinate, a defender with one coordinate and not the other (half NaN or half empty).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Probabilities for rows of raw coordinates in feet (CSV in, CSV out).")
public final class PredictCommand implements Callable<Integer> {
    /** The expected header, in order. */
    public static final String HEADER = "player,ballHandlerX,ballHandlerY,d1x,d1y,d2x,d2y,d3x,d3y,d4x,d4y,d5x,d5y";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "A model bundle written by train.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "CSV", description = "Rows to score (header: " + HEADER
            + ").")
    Path input;

    @Option(names = "--output", paramLabel = "CSV", description = "Where to write the result (default: stdout).")
    Path output;

    @Option(names = "--strict", description = "Fail on a row whose ball handler is outside the zone the model covers "
            + "(default: skip such rows and count them).")
    boolean strict;

    /** Line numbers of skipped rows listed in the message. */
    static final int MAX_LINES_LISTED = 5;

    @Override
    public Integer call() throws Exception {
        CliFiles.inputFile(model, "a model bundle (.zip)");
        if (output != null) {
            CliFiles.outputFile(output, "the predictions");
        }
        List<String> lines = "-".equals(input.toString())
                ? io.github.finegrain.data.TextFiles.readLines(System.in, "standard input", "the CSV of rows to score",
                        io.github.finegrain.data.TextFiles.MAX_LINE_CHARS, Long.MAX_VALUE)
                : io.github.finegrain.data.TextFiles.readLines(CliFiles.inputFile(input, "the CSV of rows to score"),
                        "the CSV of rows to score", io.github.finegrain.data.TextFiles.MAX_LINE_CHARS, Long.MAX_VALUE);
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines = new ArrayList<>(lines);
            lines.set(0, lines.get(0).substring(1)); // a UTF-8 byte-order mark
        }
        TrainedModel m = ModelBundle.load(model);
        if (lines.isEmpty() || !lines.get(0).replace(" ", "").equalsIgnoreCase(HEADER)) {
            throw new DataFormatException(input + " line 1: expected the header '" + HEADER + "', found '"
                    + (lines.isEmpty() ? "" : lines.get(0)) + "'");
        }
        List<double[]> rows = new ArrayList<>();
        java.util.Set<String> unknown = new java.util.TreeSet<>();
        List<String> raw = new ArrayList<>();
        List<Integer> outside = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] p = line.split(",", -1);
            if (p.length != 13) {
                throw new DataFormatException(input + " line " + (i + 1) + ": expected 13 columns, found " + p.length);
            }
            double[] r = new double[InputRow.WIDTH];
            r[InputRow.TASK] = m.tasks().scoringIndex(p[0].trim());
            for (int k = 1; k < 13; k++) {
                String v = p[k].trim();
                try {
                    r[k] = v.isEmpty() ? Double.NaN : Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new DataFormatException(input + " line " + (i + 1) + ", column " + (k + 1)
                            + ": expected a number in feet, found '" + v + "'");
                }
                if (k <= 2 && !Double.isFinite(r[k])) {
                    throw new DataFormatException(input + " line " + (i + 1) + ": the ball handler's position must be "
                            + "a finite number of feet");
                }
                if (k > 2 && Double.isInfinite(r[k])) {
                    throw new DataFormatException(input + " line " + (i + 1) + ", column " + (k + 1) + ": defender "
                            + ((k - 1) / 2) + " has an infinite coordinate '" + v + "' (expected a finite number of "
                            + "feet, or both cells empty/NaN for an absent defender)");
                }
            }
            for (int d = 0; d < 5; d++) {
                int kx = 3 + 2 * d;
                if (Double.isNaN(r[kx]) != Double.isNaN(r[kx + 1])) {
                    throw new DataFormatException(input + " line " + (i + 1) + ", columns " + (kx + 1) + "-" + (kx + 2)
                            + ": defender " + (d + 1) + " has " + (Double.isNaN(r[kx]) ? "y but no x" : "x but no y")
                            + " (an absent defender has both cells empty or NaN)");
                }
            }
            if (!(r[1] >= 0 && r[1] < GridSpec.COURT_EXTENT_X && r[2] >= 0 && r[2] < GridSpec.COURT_EXTENT_Y)) {
                if (strict) {
                    throw new DataFormatException(input + " line " + (i + 1) + ": the ball handler at (" + r[1] + ", "
                            + r[2] + ") ft is outside the 40 x 50 ft offensive zone the model covers (x in [0, 40) "
                            + "from the baseline, y in [0, 50))");
                }
                outside.add(i + 1);
                continue;
            }
            if (m.tasks().indexOf(p[0].trim()) < 0) {
                unknown.add(p[0].trim());
            }
            rows.add(r);
            raw.add(line);
        }
        if (!outside.isEmpty()) {
            spec.commandLine().getErr().println("note: skipped " + outside.size() + " row(s) whose ball handler is "
                    + "outside the 40 x 50 ft offensive zone the model covers (x in [0, 40) from the baseline, y in "
                    + "[0, 50)): " + input + " line(s) " + String.join(", ", outside.stream().limit(MAX_LINES_LISTED)
                            .map(String::valueOf).toList()) + (outside.size() > MAX_LINES_LISTED ? ", ..." : "")
                    + " (--strict makes this an error)");
        }
        if (!unknown.isEmpty()) {
            spec.commandLine().getErr().println("note: " + unknown.size() + " player(s) have no task in this model "
                    + "and were scored on the league task (names must match the model's task list exactly): "
                    + String.join(", ", unknown.stream().limit(10).toList()) + (unknown.size() > 10 ? ", ..." : ""));
        }
        double[] p = rows.isEmpty() ? new double[0]
                : m.predictRows(Nd4j.createFromArray(rows.toArray(new double[0][]))
                        .castTo(m.network().getLayerWiseConfigurations().getDataType()));
        try (PrintWriter w = output == null ? spec.commandLine().getOut()
                : new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8))) {
            w.println(HEADER + ",task,probability");
            for (int i = 0; i < p.length; i++) {
                w.println(raw.get(i) + "," + (int) rows.get(i)[InputRow.TASK] + ","
                        + String.format(Locale.ROOT, "%.6f", p[i]));
            }
            w.flush();
        }
        return 0;
    }
}
