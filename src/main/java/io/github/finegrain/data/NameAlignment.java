package io.github.finegrain.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aligns the bundled data's name lines to its segments, from evidence in the data.
 *
 * <p><b>Why.</b> The name file has one line per segment in the test split, but one line fewer than segments in the
 * train and val splits, and matching line k to segment k puts substitutions where no player moved (measured: 26
 * and 5 contradicted name changes in train and val). The producer's names follow its plays, not the stop file.
 *
 * <p><b>Evidence.</b> A player in column j can only change between segments (a substitution needs a stoppage), and
 * the new player is elsewhere on the court: if the names of column j differ across a segment boundary, column j's
 * position must jump by more than {@value #JUMP_FEET} ft across that boundary. A name change without such a jump is
 * a <i>contradiction</i>.
 *
 * <p><b>Rule.</b> Segment e gets line σ(e), with σ(0) = 0, σ(E−1) = L−1 and steps σ(e) − σ(e−1) ∈ {0, 1, 2}
 * (0: the segment continues the previous line; 2: a line is skipped). Among all such alignments we take those of
 * least cost = contradictions + {@value #OFF_STEP_COST} × (steps ≠ 1), by dynamic programming (forward and backward
 * passes). A column's name is assigned to a segment only when <b>every</b> least-cost alignment gives it the same
 * name there; otherwise it is left unknown (null) and frames whose ball handler is in that column are skipped and
 * counted. Never a guess.
 *
 * <p><b>Failure.</b> If a least-cost alignment still has more than {@code max(2, 5 %)} contradictions of its name
 * changes, the file does not fit the rule and {@link #align} throws.
 */
public final class NameAlignment {
    /** Minimum position jump, feet, across a boundary that makes a name change in that column plausible. */
    public static final double JUMP_FEET = 6.0;
    /** Cost of a step other than 1 (a repeated or skipped line), in contradictions. */
    public static final double OFF_STEP_COST = 0.5;

    private static final double EPS = 1e-9;

    /**
     * Result of an alignment.
     *
     * @param names            {@code [segment][column]}: the assigned name, or null where least-cost alignments disagree
     * @param line             one least-cost alignment: the line index of each segment
     * @param contradictions   name changes without a position jump on that alignment
     * @param nameChanges      column name changes on that alignment
     * @param offSteps         repeated or skipped lines on that alignment
     * @param ambiguousColumns (segment, column) pairs left unknown
     */
    public record Result(String[][] names, int[] line, int contradictions, int nameChanges, int offSteps,
            int ambiguousColumns) {
    }

    private NameAlignment() {
    }

    /**
     * Aligns {@code lines} to segments.
     *
     * @param source    file name for messages
     * @param lines     {@code [line][10]} names
     * @param jumpFeet  {@code [segment][10]}: position jump of each column from the last frame of segment e−1 to the
     *                  first of segment e, feet ({@code jumpFeet[0]} is unused)
     * @throws DataFormatException if there are more lines than segments, or the least-cost alignment has too many
     *                             contradictions
     */
    public static Result align(String source, String[][] lines, double[][] jumpFeet) throws DataFormatException {
        int segments = jumpFeet.length;
        int nLines = lines.length;
        if (nLines == 0 || segments == 0) {
            throw new DataFormatException(source + ": no name lines or no segments (" + nLines + " lines, "
                    + segments + " segments)");
        }
        if (nLines > segments) {
            throw new DataFormatException(source + ": " + nLines + " name lines for " + segments
                    + " segments; expected at most one line per segment");
        }
        double inf = Double.POSITIVE_INFINITY;
        double[][] fwd = new double[segments][nLines];
        int[][] back = new int[segments][nLines];
        for (double[] row : fwd) {
            Arrays.fill(row, inf);
        }
        fwd[0][0] = 0;
        for (int e = 1; e < segments; e++) {
            for (int b = 0; b < nLines; b++) {
                for (int step = 0; step <= 2; step++) {
                    int a = b - step;
                    if (a < 0 || fwd[e - 1][a] == inf) {
                        continue;
                    }
                    double c = fwd[e - 1][a] + cost(lines[a], lines[b], jumpFeet[e]) + (step == 1 ? 0 : OFF_STEP_COST);
                    if (c < fwd[e][b] - EPS) {
                        fwd[e][b] = c;
                        back[e][b] = a;
                    }
                }
            }
        }
        double best = fwd[segments - 1][nLines - 1];
        if (best == inf) {
            throw new DataFormatException(source + ": " + nLines + " name lines cannot cover " + segments
                    + " segments with at most one skipped line per boundary");
        }
        double[][] bwd = new double[segments][nLines];
        for (double[] row : bwd) {
            Arrays.fill(row, inf);
        }
        bwd[segments - 1][nLines - 1] = 0;
        for (int e = segments - 1; e > 0; e--) {
            for (int b = 0; b < nLines; b++) {
                if (bwd[e][b] == inf) {
                    continue;
                }
                for (int step = 0; step <= 2; step++) {
                    int a = b - step;
                    if (a < 0) {
                        continue;
                    }
                    double c = bwd[e][b] + cost(lines[a], lines[b], jumpFeet[e]) + (step == 1 ? 0 : OFF_STEP_COST);
                    bwd[e - 1][a] = Math.min(bwd[e - 1][a], c);
                }
            }
        }
        int[] path = new int[segments];
        path[segments - 1] = nLines - 1;
        for (int e = segments - 1; e > 0; e--) {
            path[e - 1] = back[e][path[e]];
        }
        int contradictions = 0;
        int changes = 0;
        int offSteps = 0;
        for (int e = 1; e < segments; e++) {
            if (path[e] - path[e - 1] != 1) {
                offSteps++;
            }
            for (int j = 0; j < 10; j++) {
                if (!lines[path[e]][j].equals(lines[path[e - 1]][j])) {
                    changes++;
                    if (!(jumpFeet[e][j] > JUMP_FEET)) {
                        contradictions++;
                    }
                }
            }
        }
        if (contradictions > Math.max(2, 0.05 * changes)) {
            throw new DataFormatException(source + ": name lines do not fit the segments: the best alignment still has "
                    + contradictions + " of " + changes + " name changes where the player did not move more than "
                    + JUMP_FEET + " ft across the segment boundary (expected at most max(2, 5%))");
        }
        String[][] names = new String[segments][10];
        int ambiguous = 0;
        for (int e = 0; e < segments; e++) {
            List<Integer> optimal = new ArrayList<>();
            for (int a = 0; a < nLines; a++) {
                if (fwd[e][a] + bwd[e][a] <= best + EPS) {
                    optimal.add(a);
                }
            }
            for (int j = 0; j < 10; j++) {
                String name = lines[optimal.get(0)][j];
                for (int a : optimal) {
                    if (!lines[a][j].equals(name)) {
                        name = null;
                        break;
                    }
                }
                names[e][j] = name;
                if (name == null) {
                    ambiguous++;
                }
            }
        }
        return new Result(names, path, contradictions, changes, offSteps, ambiguous);
    }

    private static double cost(String[] before, String[] after, double[] jump) {
        double c = 0;
        for (int j = 0; j < 10; j++) {
            if (!before[j].equals(after[j]) && !(jump[j] > JUMP_FEET)) {
                c++;
            }
        }
        return c;
    }
}
