package io.github.finegrain.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One minibatch of a training run as the report needs it: the columns of {@code trace.csv} that the curves use.
 *
 * @param seconds        wall-clock seconds since training began (NaN if unknown)
 * @param iteration      minibatches since training began (−1 if unknown)
 * @param stage          stage index, 0-based (−1 if unknown)
 * @param kind           {@code full-rank} or {@code cp} (empty if unknown)
 * @param court          court grid of the stage, RxC (empty if unknown)
 * @param defender       defender grid of the stage, RxC (empty if unknown)
 * @param minibatchLoss  mean log loss of the minibatch, nats (NaN if unknown)
 * @param validationLoss validation log loss, nats, if computed at this minibatch, else NaN
 * @param event          what happened after this minibatch: {@value #FINE_GRAIN}, {@value #HAND_OFF},
 *                       {@value #STOP}, or empty
 */
public record TracePoint(double seconds, int iteration, int stage, String kind, String court, String defender,
        double minibatchLoss, double validationLoss, String event) {

    /** Event: the next stage is a finer grid of the same kind. */
    public static final String FINE_GRAIN = "fine-grain";
    /** Event: the next stage is the CP-factored model (the hand-off from full rank). */
    public static final String HAND_OFF = "hand-off";
    /** Event: training stopped. */
    public static final String STOP = "stop";

    /** Columns a trace file must have (any order, other columns ignored). */
    public static final List<String> REQUIRED_COLUMNS = List.of("seconds", "iteration", "minibatchLoss",
            "validationLoss");

    /** Replaces null strings by empty ones. */
    public TracePoint {
        kind = kind == null ? "" : kind;
        court = court == null ? "" : court;
        defender = defender == null ? "" : defender;
        event = event == null ? "" : event;
    }

    /**
     * Reads a {@code trace.csv} (the header of the trainer's trace: {@code seconds,iteration,epoch,stage,kind,court,
     * defender,minibatchLoss,validationLoss,…,event}). Columns are found by name in the header; the
     * {@link #REQUIRED_COLUMNS} must be there, {@code stage, kind, court, defender, event} are optional. Empty cells
     * (and cells missing at the end of a short line) read as NaN, −1 or "". Blank lines are skipped.
     *
     * @throws IOException if the file cannot be read, a required column is missing, a line has more cells than the
     *                     header, or a non-empty cell is not a number where one is expected (the message names the
     *                     file, line and column)
     */
    public static List<TracePoint> readCsv(Path file) throws IOException {
        List<String> lines = io.github.finegrain.data.TextFiles.readLines(file, "the training trace",
                io.github.finegrain.data.TextFiles.MAX_LINE_CHARS, 1L << 30);
        return parse(lines, file.toString());
    }

    static List<TracePoint> parse(List<String> lines, String source) throws IOException {
        if (lines.isEmpty()) {
            throw new IOException(source + ": expected a header line, found an empty file");
        }
        String[] header = split(stripBom(lines.get(0)));
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            col.putIfAbsent(header[i].trim(), i);
        }
        for (String name : REQUIRED_COLUMNS) {
            if (!col.containsKey(name)) {
                throw new IOException(source + ": expected a column '" + name + "' in the header, found "
                        + String.join(",", header));
            }
        }
        List<TracePoint> out = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = split(line);
            if (cells.length > header.length) {
                throw new IOException(source + " line " + (n + 1) + ": expected at most " + header.length
                        + " cells (the header's), found " + cells.length);
            }
            Row r = new Row(cells, col, source, n + 1);
            out.add(new TracePoint(r.number("seconds"), r.integer("iteration"), r.integer("stage"), r.text("kind"),
                    r.text("court"), r.text("defender"), r.number("minibatchLoss"), r.number("validationLoss"),
                    r.text("event")));
        }
        return out;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static String[] split(String line) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        return line.split(",", -1);
    }

    private record Row(String[] cells, Map<String, Integer> col, String source, int line) {
        String text(String name) {
            Integer i = col.get(name);
            return i == null || i >= cells.length ? "" : cells[i].trim();
        }

        double number(String name) throws IOException {
            String s = text(name);
            if (s.isEmpty()) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IOException(source + " line " + line + ", column '" + name + "': expected a number, found '"
                        + s + "'", e);
            }
        }

        int integer(String name) throws IOException {
            String s = text(name);
            if (s.isEmpty()) {
                return -1;
            }
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IOException(source + " line " + line + ", column '" + name
                        + "': expected an integer, found '" + s + "'", e);
            }
        }
    }
}
