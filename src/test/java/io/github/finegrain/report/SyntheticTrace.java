package io.github.finegrain.report;

import io.github.finegrain.train.EntropyReading;
import io.github.finegrain.train.TraceRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic multi-resolution run written with the trainer's own {@link TraceRow#csv()}: four full-rank stages
 * (4x5 → 8x10 → 20x25 → 40x50 court), then the CP hand-off. Validation every 10 minibatches.
 */
final class SyntheticTrace {
    /** Court / defender grids and minibatches of each stage. */
    static final String[][] STAGES = {
        {"full-rank", "4x5", "6x6", "120"},
        {"full-rank", "8x10", "6x6", "150"},
        {"full-rank", "20x25", "12x12", "200"},
        {"full-rank", "40x50", "12x12", "150"},
        {"cp", "40x50", "12x12", "180"},
    };
    /** Wall seconds per minibatch of each stage (finer grids cost more). */
    static final double[] SECONDS_PER_STEP = {0.02, 0.03, 0.06, 0.12, 0.05};

    private SyntheticTrace() {
    }

    static List<TraceRow> rows(long seed) {
        Random rnd = new Random(seed);
        List<TraceRow> out = new ArrayList<>();
        int iteration = 0;
        double seconds = 0;
        double level = 0.45;
        for (int s = 0; s < STAGES.length; s++) {
            int steps = Integer.parseInt(STAGES[s][3]);
            double floor = 0.40 - 0.012 * s;
            if (s == 4) {
                level += 0.01; // the hand-off costs a little fit at first
                seconds += 3.0; // CP-ALS time
            }
            for (int step = 1; step <= steps; step++) {
                iteration++;
                seconds += SECONDS_PER_STEP[s] * (0.9 + 0.2 * rnd.nextDouble());
                level = floor + (level - floor) * 0.985;
                double mb = level + 0.06 * rnd.nextGaussian();
                double val = step % 10 == 0 ? level + 0.004 + 0.002 * rnd.nextGaussian() : Double.NaN;
                String event = step < steps ? "" : s + 1 == STAGES.length ? "stop"
                        : STAGES[s + 1][0].equals(STAGES[s][0]) ? "fine-grain" : "hand-off";
                EntropyReading r = new EntropyReading(iteration, mb, 3.1, 0.8, false, Double.NaN, Double.NaN,
                        Double.NaN, 1.2, 0.6, 1500);
                out.add(new TraceRow(seconds, seconds, iteration, 1 + iteration / 400, s, STAGES[s][0], STAGES[s][1],
                        STAGES[s][2], r, val, event));
            }
        }
        return out;
    }

    /** Writes {@code rows} as a trace file with the trainer's header. */
    static Path write(List<TraceRow> rows, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(TraceRow.HEADER);
        rows.forEach(r -> lines.add(r.csv()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
