package io.github.finegrain.eval;

import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.report.ColourScale;
import io.github.finegrain.report.CourtHeatmap;
import io.github.finegrain.report.FigureRow;
import io.github.finegrain.report.HeatmapOptions;
import io.github.finegrain.report.RunReport;
import io.github.finegrain.report.RunReport.Block;
import io.github.finegrain.report.RunReport.Figure;
import io.github.finegrain.report.RunReport.Section;
import io.github.finegrain.report.RunReport.Text;
import io.github.finegrain.train.TrainedModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A page comparing two players: {@code compare_<A>_vs_<B>.html} with their probability maps side by side on one
 * probability scale ({@code compare_<A>_vs_<B>_probability.png}), their difference A − B in percentage points
 * ({@code …_difference.png}), and their defender effects side by side on one percentage-point scale
 * ({@code …_defender_between.png}, {@code …_defender_side.png}). A player without a task of his own is scored with the league task (as the model would
 * score him), and the page says so. The names "league" and {@link TaskIndex#LEAGUE} mean the league task.
 */
public final class PlayerComparison {
    private PlayerComparison() {
    }

    /** A player as the model scores him. */
    record Resolved(String name, int task, ProbabilityMaps.TaskMaps maps) {
        String label() {
            return task == TaskIndex.LEAGUE_INDEX && !isLeague(name) ? name + " (league task)"
                    : task == TaskIndex.LEAGUE_INDEX ? "the league task" : name;
        }
    }

    /**
     * Writes the comparison page and its pictures into {@code dir}.
     *
     * @return the page's path
     * @throws IllegalArgumentException if a name is blank
     */
    public static Path write(TrainedModel model, String playerA, String playerB, Path dir) throws IOException {
        Resolved a = resolve(model, playerA);
        Resolved b = resolve(model, playerB);
        Files.createDirectories(dir);
        String stem = "compare_" + ProbabilityMaps.fileName(a.name()) + "_vs_" + ProbabilityMaps.fileName(b.name());
        List<Block> blocks = new ArrayList<>();
        for (Resolved r : List.of(a, b)) {
            if (r.task() == TaskIndex.LEAGUE_INDEX && !isLeague(r.name())) {
                blocks.add(new Text(r.name() + " has no task of his own in this model (too few training examples, or "
                        + "not in the training games): his maps are the league task's."));
            }
        }
        double pMax = 0;
        double eMax = 0;
        for (Resolved r : List.of(a, b)) {
            for (double[] m : r.maps().maps()) {
                pMax = Math.max(pMax, ModelReport.DivergingPaletteMax.max(m));
            }
            for (ProbabilityMaps.Defender d : List.of(ProbabilityMaps.Defender.BETWEEN,
                    ProbabilityMaps.Defender.SIDE)) {
                eMax = Math.max(eMax, ModelReport.DivergingPaletteMax.maxAbs(r.maps().effectPoints(d)));
            }
        }
        ColourScale pScale = ColourScale.probability(Math.min(1, ColourScale.niceCeiling(pMax)));
        ColourScale eScale = ColourScale.diverging(ColourScale.niceCeiling(eMax));
        ProbabilityMaps.Defender none = ProbabilityMaps.Defender.NONE;

        String pFile = stem + "_probability.png";
        FigureRow.write("Probability of a shot within 1 s, no defender", null, List.of(
                court(a.label(), "no defender", "P(shot within 1 s)", a.maps().probability(none), pScale),
                court(b.label(), "no defender", "P(shot within 1 s)", b.maps().probability(none), pScale)),
                dir.resolve(pFile));
        double[] diff = new double[ProbabilityMaps.GRID.cellCount()];
        double[] pa = a.maps().probability(none);
        double[] pb = b.maps().probability(none);
        double dMax = 0;
        for (int i = 0; i < diff.length; i++) {
            diff[i] = 100 * (pa[i] - pb[i]);
            dMax = Math.max(dMax, Math.abs(diff[i]));
        }
        String dFile = stem + "_difference.png";
        FigureRow.write("Difference: " + a.label() + " minus " + b.label(), null, List.of(
                court(a.label() + " − " + b.label(), "no defender; red: " + a.label() + " more likely to shoot",
                        "difference, percentage points", diff, ColourScale.diverging(ColourScale.niceCeiling(dMax)))),
                dir.resolve(dFile));
        List<String> eFiles = new ArrayList<>();
        for (ProbabilityMaps.Defender d : List.of(ProbabilityMaps.Defender.BETWEEN, ProbabilityMaps.Defender.SIDE)) {
            List<BufferedImage> effects = new ArrayList<>();
            for (Resolved r : List.of(a, b)) {
                effects.add(court(r.label(), d.words, "change, percentage points", r.maps().effectPoints(d), eScale));
            }
            String eFile = stem + "_defender_" + d.id + ".png";
            FigureRow.write("Defender effect: " + d.words + " (with minus without)", null, effects,
                    dir.resolve(eFile));
            eFiles.add(eFile);
        }
        blocks.add(new Figure(pFile, "Predicted probability of a shot within the next second with no defender in the "
                + "box, on one colour scale. Left: " + a.label() + "; right: " + b.label() + "."));
        blocks.add(new Figure(dFile, String.format(Locale.ROOT, "%s minus %s in percentage points: red where %s is "
                + "more likely to shoot from that spot, blue where %s is.", a.label(), b.label(), a.label(),
                b.label())));
        blocks.add(new Figure(eFiles.get(0), "What one defender 3 ft between the ball handler and the basket "
                + "changes, in percentage points (blue: fewer shots, red: more); " + a.label() + " left, " + b.label()
                + " right. The two defender figures share one colour scale."));
        blocks.add(new Figure(eFiles.get(1), "The same for one defender 3 ft to the ball handler's right."));
        Section s = new Section("comparison", a.label() + " and " + b.label(), blocks);
        Path page = dir.resolve(stem + ".html");
        String html = RunReport.ofSections("Compare " + a.label() + " and " + b.label(), List.of(s)).html();
        // the pictures are next to the page: check as RunReport.write does, but under the comparison's own name
        for (Figure f : RunReport.ofSections("", List.of(s)).allFigures()) {
            if (!Files.isRegularFile(dir.resolve(f.file()))) {
                throw new IOException("comparison: expected the figure " + f.file() + " in " + dir);
            }
        }
        Files.writeString(page, html);
        return page;
    }

    private static BufferedImage court(String title, String subtitle, String label, double[] values,
            ColourScale scale) {
        return new CourtHeatmap(ProbabilityMaps.GRID, new HeatmapOptions(title, subtitle + "  ·  basket at left",
                label, Double.NaN, 10)).render(values, scale);
    }

    static boolean isLeague(String name) {
        return name.equalsIgnoreCase("league") || name.equals(TaskIndex.LEAGUE);
    }

    /**
     * True if {@code name} is the league task or, ignoring capitalisation, a player with a task of his own in
     * {@code model}; a page drawn for another name uses the league task.
     */
    public static boolean hasOwnTask(TrainedModel model, String name) {
        String n = name.strip();
        return isLeague(n) || model.tasks().keys().stream().skip(1).anyMatch(k -> k.equalsIgnoreCase(n));
    }

    private static Resolved resolve(TrainedModel model, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("--compare: expected two player names separated by a comma, found "
                    + "an empty name");
        }
        String n = name.strip();
        int task = isLeague(n) ? TaskIndex.LEAGUE_INDEX : model.tasks().scoringIndex(n);
        if (task == TaskIndex.LEAGUE_INDEX && !isLeague(n)) {
            // accept a different capitalisation of a player's name
            List<String> keys = model.tasks().keys();
            for (int t = 1; t < keys.size(); t++) {
                if (keys.get(t).equalsIgnoreCase(n)) {
                    task = t;
                    n = keys.get(t);
                }
            }
        }
        return new Resolved(isLeague(n) ? "league" : n, task, ProbabilityMaps.of(model, task));
    }
}
