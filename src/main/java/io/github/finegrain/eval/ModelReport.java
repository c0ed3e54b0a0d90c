package io.github.finegrain.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.factor.CpResult;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.FullRankSpatialParamInitializer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.report.ColourScale;
import io.github.finegrain.report.CourtHeatmap;
import io.github.finegrain.report.DefenderBoxHeatmap;
import io.github.finegrain.report.FigureRow;
import io.github.finegrain.report.HeatmapOptions;
import io.github.finegrain.report.RunReport;
import io.github.finegrain.report.RunReport.Block;
import io.github.finegrain.report.RunReport.Figure;
import io.github.finegrain.report.RunReport.Panel;
import io.github.finegrain.report.RunReport.Section;
import io.github.finegrain.report.RunReport.Table;
import io.github.finegrain.report.RunReport.Text;
import io.github.finegrain.report.TrainingCurves;
import io.github.finegrain.train.TrainedModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The report of a trained model for a basketball analyst: {@code report.html} with its pictures, and the
 * {@code export/} folder ({@link FactorExport}), written into one folder.
 *
 * <p>Sections of the page (their HTML ids): {@code reading} (how to read the page), {@code predictions}
 * (probability maps, {@code probability_<task>.png}), {@code defender-effect} (difference maps,
 * {@code defender_effect_<task>.png}), {@code components} (one panel per CP component in the canonical form of
 * {@link CanonicalComponents}, or the full-rank model's own maps), {@code training} (data, stages, curves),
 * {@code metrics} (test metrics next to the distance baseline) and {@code export}. Task file names:
 * {@link ProbabilityMaps#fileName}.
 */
public final class ModelReport {
    /** The export folder's name inside the report folder. */
    public static final String EXPORT = "export";

    /** Spots the tables quote, court frame feet (cell centres of the 1 ft map grid). */
    static final double[][] SPOTS = {{5.5, 25.5}, {12.5, 25.5}, {18.5, 25.5}, {15.5, 12.5}, {2.5, 1.5},
        {29.5, 25.5}};
    static final String[] SPOT_NAMES = {"at the rim", "in the paint, 7 ft out", "free-throw line",
        "mid-range wing, 15 ft", "corner three", "top of the key, beyond the arc"};

    private ModelReport() {
    }

    /**
     * Writes the report of {@code model} into {@code dir}.
     *
     * @param traceCsv   the run's {@code trace.csv}, or null / missing for no training curves
     * @param metrics    the run's {@code metrics.json}, or null for no data, training and test sections' numbers
     * @param components CP components (or full-rank tasks) to draw, &ge; 1
     * @return the path of {@code report.html}
     */
    public static Path write(TrainedModel model, Path traceCsv, JsonNode metrics, Path dir, int components)
            throws IOException {
        if (components < 1) {
            throw new IllegalArgumentException("components must be >= 1, found " + components);
        }
        Files.createDirectories(dir);
        List<ProbabilityMaps.TaskMaps> maps = ProbabilityMaps.all(model);
        List<Section> sections = new ArrayList<>();
        sections.add(reading(model, metrics));
        ColourScale pScale = probabilityScale(maps);
        ColourScale eScale = effectScale(maps);
        sections.add(predictions(maps, pScale, dir));
        sections.add(defenderEffects(maps, eScale, dir));
        sections.add(model.layerConf().kind() == io.github.finegrain.model.ModelKind.CP ? cpComponents(model, components, dir)
                : fullRankMaps(model, components, dir));
        sections.add(training(model, traceCsv, metrics, dir));
        sections.add(testMetrics(metrics));
        List<String> exported = FactorExport.write(model, maps, dir.resolve(EXPORT));
        sections.add(export(exported));
        String title = "Where the ball handler shoots: " + model.layerConf().kind() + " model"
                + (model.layerConf().rank() == null ? "" : " of rank " + model.layerConf().rank());
        return RunReport.ofSections(title, sections).write(dir);
    }

    /** The probability scale shared by every probability map: [0, nice ceiling of the largest value]. */
    static ColourScale probabilityScale(List<ProbabilityMaps.TaskMaps> maps) {
        double max = 0;
        for (ProbabilityMaps.TaskMaps t : maps) {
            for (double[] m : t.maps()) {
                max = Math.max(max, DivergingPaletteMax.max(m));
            }
        }
        return ColourScale.probability(Math.min(1, ColourScale.niceCeiling(max)));
    }

    /** The percentage-point scale shared by every defender-effect map. */
    static ColourScale effectScale(List<ProbabilityMaps.TaskMaps> maps) {
        double max = 0;
        for (ProbabilityMaps.TaskMaps t : maps) {
            for (ProbabilityMaps.Defender d : ProbabilityMaps.Defender.values()) {
                if (d != ProbabilityMaps.Defender.NONE) {
                    max = Math.max(max, DivergingPaletteMax.maxAbs(t.effectPoints(d)));
                }
            }
        }
        return ColourScale.diverging(ColourScale.niceCeiling(max));
    }

    private static Section reading(TrainedModel model, JsonNode metrics) {
        List<Block> b = new ArrayList<>();
        List<String> keys = model.tasks().keys();
        b.add(new Text("This model estimates, for every moment a player holds the ball in the offensive half, the "
                + "probability that he shoots within the next second. It looks at two things only: where on the "
                + "court the ball handler is, and where the defenders are in a 12 x 12 ft box around him (from 6 ft "
                + "to his left to 6 ft to his right, from 2 ft behind him to 10 ft toward the basket)."));
        b.add(new Text("Colours. On the probability maps, pale yellow means a low chance of a shot and dark red a "
                + "high one; the colour bar gives the probability in percent, and every probability map on this "
                + "page uses the same bar. On the difference maps (defender effect, player comparisons) and on the "
                + "component maps, red raises the shot rate, blue lowers it and white leaves it unchanged. Courts "
                + "are drawn from above with the basket at the left; the defender box is drawn around the ball "
                + "handler (white dot) with the basket up."));
        int own = keys.size() - 1;
        String min = metrics != null && metrics.path("options").has("minTaskExamples")
                ? metrics.path("options").path("minTaskExamples").asText() : "enough";
        b.add(new Text("Tasks. Players with " + min + " or more training examples get a task of their own, a "
                + "version of the model fitted to how they play" + (own == 0 ? " (none in this model)"
                        : " (" + own + " in this model: " + String.join(", ", keys.subList(1, keys.size())) + ")")
                + ". Every other player, and every player the model has never seen, is scored with the league "
                + "task, fitted to everyone's possessions together. Both share the same court and defender "
                + "patterns (the components below) and differ in how much of each pattern they use."));
        return new Section("reading", "How to read this report", b);
    }

    private static Section predictions(List<ProbabilityMaps.TaskMaps> maps, ColourScale scale, Path dir)
            throws IOException {
        List<Block> b = new ArrayList<>();
        b.add(new Text("Each map shows, for a ball handler standing in each 1 ft square of the half court, the "
                + "predicted probability of a shot within the next second: on the left with no defender in his "
                + "box, in the middle with one defender 3 ft between him and the basket, on the right with one "
                + "defender 3 ft to his right. The other defenders are assumed out of the box. One colour scale "
                + "(0 to " + scale.label(scale.max()) + ") serves every map of this section."));
        for (ProbabilityMaps.TaskMaps t : maps) {
            List<BufferedImage> panels = new ArrayList<>();
            for (ProbabilityMaps.Defender d : ProbabilityMaps.Defender.values()) {
                panels.add(new CourtHeatmap(ProbabilityMaps.GRID, new HeatmapOptions(capitalized(d.words),
                        "ball handler in each 1 ft cell  ·  basket at left", "P(shot within 1 s)", Double.NaN, 8))
                        .render(t.probability(d), scale));
            }
            String file = "probability_" + t.fileName() + ".png";
            FigureRow.write("Probability of a shot within 1 s: " + t.displayName(), null, panels, dir.resolve(file));
            b.add(new Figure(file, "Predicted probability of a shot within the next second, " + t.displayName()
                    + ". Hottest spot with no defender: " + hottest(t.probability(ProbabilityMaps.Defender.NONE))
                    + "."));
        }
        b.add(new Text("The same numbers at a few typical spots (probability of a shot within 1 s):"));
        b.add(spotTable(maps));
        return new Section("predictions", "Where shots come from: predicted probability", b);
    }

    private static Table spotTable(List<ProbabilityMaps.TaskMaps> maps) {
        List<String> header = new ArrayList<>(List.of("spot (court x, y in ft)"));
        for (ProbabilityMaps.TaskMaps t : maps) {
            for (ProbabilityMaps.Defender d : ProbabilityMaps.Defender.values()) {
                header.add(t.displayName() + ": " + d.id);
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int s = 0; s < SPOTS.length; s++) {
            List<Object> row = new ArrayList<>();
            row.add(SPOT_NAMES[s] + String.format(Locale.ROOT, " (%.1f, %.1f)", SPOTS[s][0], SPOTS[s][1]));
            int cell = ProbabilityMaps.GRID.cellOf(SPOTS[s][0], SPOTS[s][1]);
            for (ProbabilityMaps.TaskMaps t : maps) {
                for (ProbabilityMaps.Defender d : ProbabilityMaps.Defender.values()) {
                    row.add(percent(t.maps()[d.ordinal()][cell]));
                }
            }
            rows.add(row);
        }
        return new Table(header, rows);
    }

    private static Section defenderEffects(List<ProbabilityMaps.TaskMaps> maps, ColourScale scale, Path dir)
            throws IOException {
        List<Block> b = new ArrayList<>();
        b.add(new Text("What one defender changes: each map is the probability with the defender minus the "
                + "probability without him, in percentage points (blue: he lowers the chance of a shot; red: he "
                + "raises it). Left: the defender 3 ft between the ball handler and the basket; right: 3 ft to his "
                + "right. One colour scale (" + scale.label(scale.min()) + " to " + scale.label(scale.max())
                + " points) serves every map of this section. These are patterns learned from tracking data, "
                + "not causal effects: a defender close in front often means the ball handler is already driving "
                + "or posting up, which is when shots come."));
        for (ProbabilityMaps.TaskMaps t : maps) {
            List<BufferedImage> panels = new ArrayList<>();
            for (ProbabilityMaps.Defender d : List.of(ProbabilityMaps.Defender.BETWEEN,
                    ProbabilityMaps.Defender.SIDE)) {
                panels.add(new CourtHeatmap(ProbabilityMaps.GRID, new HeatmapOptions(capitalized(d.words),
                        "minus no defender  ·  basket at left", "change, percentage points", Double.NaN, 10))
                        .render(t.effectPoints(d), scale));
            }
            String file = "defender_effect_" + t.fileName() + ".png";
            FigureRow.write("Defender effect: " + t.displayName(), null, panels, dir.resolve(file));
            b.add(new Figure(file, "Change in the probability of a shot within 1 s caused by one defender, "
                    + t.displayName() + ". " + effectWords(t)));
        }
        return new Section("defender-effect", "What a defender changes", b);
    }

    /** A sentence on the defender between the ball handler and the basket. */
    static String effectWords(ProbabilityMaps.TaskMaps t) {
        double[] none = t.maps()[ProbabilityMaps.Defender.NONE.ordinal()];
        StringBuilder s = new StringBuilder();
        for (ProbabilityMaps.Defender d : List.of(ProbabilityMaps.Defender.BETWEEN, ProbabilityMaps.Defender.SIDE)) {
            double[] e = t.effectPoints(d);
            int rim = ProbabilityMaps.GRID.cellOf(SPOTS[0][0], SPOTS[0][1]);
            double mean = Arrays.stream(e).average().orElse(0);
            s.append(capitalized(d.words)).append(String.format(Locale.ROOT,
                    " changes the probability at the rim from %s to %s (%+.1f points) and by %+.1f points on "
                            + "average over the half court. ", percent(none[rim]),
                    percent(t.maps()[d.ordinal()][rim]), e[rim], mean));
        }
        return s.toString().trim();
    }

    private static Section cpComponents(TrainedModel model, int components, Path dir) throws IOException {
        CpResult cp = CanonicalComponents.of(model);
        SpatialLayerSpec spec = model.spec();
        GridSpec court = spec.court();
        GridSpec box = spec.defenderBox();
        List<String> keys = model.tasks().keys();
        DMatrixRMaj a = cp.a();
        DMatrixRMaj bm = cp.b();
        DMatrixRMaj c = cp.c();
        double[] w = cp.weights();
        int shown = Math.min(components, cp.rank());
        double courtLimit = 0;
        double boxLimit = 0;
        for (int r = 0; r < shown; r++) {
            courtLimit = Math.max(courtLimit, DivergingPaletteMax.maxAbs(column(bm, r, court.cellCount())));
            boxLimit = Math.max(boxLimit, DivergingPaletteMax.maxAbs(column(c, r, box.cellCount())));
        }
        ColourScale courtScale = ColourScale.diverging(ColourScale.niceCeiling(courtLimit));
        ColourScale boxScale = ColourScale.diverging(ColourScale.niceCeiling(boxLimit));
        List<Block> b = new ArrayList<>();
        b.add(new Text("The model builds its predictions from " + cp.rank() + " components. Each component is a "
                + "court pattern (where the ball handler is), a defender pattern (where defenders stand around "
                + "him, plus a constant part that applies with or without defenders) and a loading for each task. "
                + "Its contribution to the log-odds of a shot is weight x task loading x court value x (constant "
                + "part + the defender values of the cells that hold a defender)."));
        b.add(new Text("Convention (the canonical form): components are ordered by weight, strongest first; every "
                + "court and defender pattern is scaled to unit length and turned so that its largest entry is "
                + "positive (red), and the sign goes into the task loadings. So, for a task with a positive "
                + "loading, the red parts of the court map are where the component raises the shot rate when the "
                + "defender part is positive; a negative loading reverses the effect. The "
                + shown + " strongest components are shown; all " + cp.rank() + " are in export/. Components "
                + "overlap and partly cancel each other, so one component's effect can look extreme on its own; "
                + "the probability maps above show the net result of all of them. Court and defender patterns "
                + "each share one colour scale across the components."));
        for (int r = 0; r < shown; r++) {
            double[] br = column(bm, r, court.cellCount());
            double[] cr = column(c, r, box.cellCount());
            double constant = c.get(box.cellCount(), r);
            String courtFile = "component_" + (r + 1) + "_court.png";
            String boxFile = "component_" + (r + 1) + "_defender.png";
            new CourtHeatmap(court, new HeatmapOptions("Component " + (r + 1) + ": court pattern",
                    court.label() + " cells  ·  basket at left", "value (unit length)", Double.NaN, 9))
                    .write(br, courtScale, dir.resolve(courtFile));
            new DefenderBoxHeatmap(box, new HeatmapOptions("Component " + (r + 1) + ": defender pattern",
                    String.format(Locale.ROOT, "constant part %+.3f  ·  basket up", constant), "value (unit length)",
                    Double.NaN, 28)).write(cr, boxScale, dir.resolve(boxFile));
            List<Block> p = new ArrayList<>();
            p.add(new RunReport.Row(List.of(new Figure(courtFile, "court pattern of component " + (r + 1)),
                    new Figure(boxFile, "defender pattern of component " + (r + 1))),
                    "Left: where on the court the component acts. Right: where a defender must stand to trigger "
                            + "it (the ball handler is the white dot; the basket is up)."));
            p.add(new Text(componentWords(keys, a, w[r], r, br, cr, constant, court, box)));
            Integer[] order = new Integer[keys.size()];
            for (int t = 0; t < order.length; t++) {
                order[t] = t;
            }
            final int rr = r;
            Arrays.sort(order, (x, y) -> Double.compare(Math.abs(a.get(y, rr)), Math.abs(a.get(x, rr))));
            List<List<Object>> rows = new ArrayList<>();
            for (int i = 0; i < Math.min(8, order.length); i++) {
                rows.add(List.of(taskName(keys, order[i]), w[r] * a.get(order[i], r)));
            }
            p.add(new Table(List.of("task (players loading most)", "weight x loading"), rows));
            b.add(new Panel(String.format(Locale.ROOT, "Component %d (weight %.3g)", r + 1, w[r]), p));
        }
        return new Section("components", "The model's building blocks", b);
    }

    /** The sentence of one component: what it does to the shot rate of the strongest-loading task. */
    static String componentWords(List<String> keys, DMatrixRMaj a, double w, int r, double[] br, double[] cr,
            double constant, GridSpec court, GridSpec box) {
        int peak = argMaxAbs(br);
        int dPeak = argMaxAbs(cr);
        int task = 0;
        for (int t = 1; t < keys.size(); t++) {
            if (task == 0 || Math.abs(a.get(t, r)) > Math.abs(a.get(task, r))) {
                task = t;
            }
        }
        StringBuilder s = new StringBuilder();
        s.append("Its court pattern is strongest ").append(CourtWords.spot(court.centerX(peak), court.centerY(peak)))
                .append(". ");
        boolean constantRules = Math.abs(constant) >= Math.abs(cr[dPeak]);
        if (constantRules) {
            s.append(String.format(Locale.ROOT, "Its defender part is mostly the constant (%+.2f): it acts with or "
                    + "without defenders; its strongest box cell holds a defender %s. ", constant,
                    CourtWords.defender(box.centerX(dPeak), box.centerY(dPeak))));
        } else {
            s.append("Its defender pattern is strongest for a defender ")
                    .append(CourtWords.defender(box.centerX(dPeak), box.centerY(dPeak))).append(". ");
        }
        for (int t : task == 0 ? new int[] {0} : new int[] {0, task}) {
            double base = w * a.get(t, r) * br[peak];
            double alone = base * constant;
            double withDef = base * cr[dPeak];
            s.append(String.format(Locale.ROOT, "For %s, at that spot this component alone multiplies the odds "
                    + "of a shot by %.2f with no defender, and a defender in that box cell multiplies them by a "
                    + "further %.2f. ", t == 0 ? "the league task" : keys.get(t), Math.exp(alone), Math.exp(withDef)));
        }
        return s.toString().trim();
    }

    private static Section fullRankMaps(TrainedModel model, int components, Path dir) throws IOException {
        SpatialLayerSpec spec = model.spec();
        List<String> keys = model.tasks().keys();
        INDArray f = model.network().getLayer(0).getParam(FullRankSpatialParamInitializer.WEIGHT_KEY);
        List<Block> b = new ArrayList<>();
        b.add(new Text("This is a full-rank model: each task has its own court map (the ball handler's own term) "
                + "and its own defender interaction, with no shared components. Shown per task: the court map "
                + "with no defender and the defender map averaged over court cells, both as contributions to the "
                + "log-odds of a shot (red raises, blue lowers)."));
        for (int t = 0; t < keys.size() && t < components; t++) {
            INDArray slice = f.slice(t);
            double[] own = slice.getColumn(spec.constantCell()).toDoubleVector();
            double[] def = slice.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, spec.constantCell())).mean(0)
                    .toDoubleVector();
            String name = ProbabilityMaps.fileName(keys.get(t));
            new CourtHeatmap(spec.court(), new HeatmapOptions(taskName(keys, t) + ": court map",
                    "no defender  ·  basket at left", "log-odds contribution", Double.NaN, 0))
                    .write(own, dir.resolve("court_" + name + ".png"));
            new DefenderBoxHeatmap(spec.defenderBox(), new HeatmapOptions(taskName(keys, t) + ": defender map",
                    "one defender in each box cell, averaged over the court  ·  basket up", "log-odds contribution",
                    Double.NaN, 0)).write(def, dir.resolve("defender_" + name + ".png"));
            b.add(new Panel(taskName(keys, t), List.of(new RunReport.Row(List.of(
                    new Figure("court_" + name + ".png", "court map"),
                    new Figure("defender_" + name + ".png", "defender map")), ""))));
        }
        return new Section("components", "The model's building blocks", b);
    }

    private static Section training(TrainedModel model, Path traceCsv, JsonNode metrics, Path dir)
            throws IOException {
        List<Block> b = new ArrayList<>();
        if (metrics != null && metrics.has("data")) {
            b.add(new Text("Data: one example per moment (5 per second) a player holds the ball inside the 40 x 50 "
                    + "ft offensive zone; the label says whether he shot within the next second. Games are split "
                    + "by date: the earliest for training, the next for validation (choosing when to stop and "
                    + "refine), the latest for the test."));
            List<List<Object>> rows = new ArrayList<>();
            for (String split : List.of("train", "val", "test")) {
                JsonNode d = metrics.path("data").path(split);
                if (!d.isMissingNode()) {
                    rows.add(List.of(split, d.path("shotAttemptsPerGame").size(), d.path("minutes").asDouble(),
                            d.path("examples").asLong(), d.path("shotAttempts").asLong(),
                            percent(d.path("positiveRate").asDouble())));
                }
            }
            b.add(new Table(List.of("split", "games", "minutes with the ball in the zone", "examples",
                    "shot attempts", "examples followed by a shot"), rows));
        }
        b.add(new Text("Training starts on a coarse court (a few large cells, which need little data) and refines "
                + "the grid stage by stage: when the learning signal on the current grid stops changing (measured "
                + "by the spatial entropy of the gradient), the maps are split into finer cells and training goes "
                + "on. At one point the full table of numbers is compressed into the components above (the CP "
                + "hand-off) and training continues on those."));
        if (metrics != null && metrics.path("stages").size() > 0) {
            List<List<Object>> rows = new ArrayList<>();
            for (JsonNode st : metrics.path("stages")) {
                rows.add(List.of(st.path("index").asInt(), st.path("kind").asText(), st.path("court").asText(),
                        st.path("defender").asText(), st.path("iterations").asInt(), st.path("seconds").asDouble(),
                        st.path("endReason").asText(), st.path("startValidationLoss").asDouble(),
                        st.path("bestValidationLoss").asDouble(), st.path("checkpoint").asText("")));
            }
            b.add(new Table(List.of("stage", "model", "court grid", "defender grid", "minibatches", "seconds",
                    "ended by", "validation log loss at start", "best validation log loss", "kept parameters"),
                    rows));
            b.add(new Text(timeline(metrics.path("stages"))));
        }
        if (traceCsv != null && Files.isRegularFile(traceCsv)) {
            TrainingCurves curves = TrainingCurves.fromCsv(traceCsv, TrainingCurves.Options.titled("Training"));
            curves.writeVsSeconds(dir.resolve("curves_seconds.png"));
            curves.writeVsIterations(dir.resolve("curves_minibatches.png"));
            b.add(new Figure("curves_seconds.png", "Log loss on the validation games (blue) and on the training "
                    + "minibatches (orange, smoothed) against training time; vertical lines mark when the grid was "
                    + "refined and the CP hand-off. Lower is better."));
            b.add(new Figure("curves_minibatches.png", "The same against the number of minibatches."));
        }
        b.add(new Text("Why validation loss rises inside the later stages: each finer grid has many more numbers to "
                + "fit than the earlier ones, and with only a few games of data the model soon starts to learn "
                + "the particular possessions of the training games rather than general patterns. Training loss "
                + "keeps falling while the validation loss turns up. This is expected on small data and does not "
                + "end up in the model: every stage keeps the parameters with the best validation loss (the "
                + "'kept parameters' column, e.g. best-validation@40 = after 40 minibatches; @0 = the stage did not "
                + "improve on what it started from) and hands those on."));
        return new Section("training", "Data and training", b);
    }

    /** When each stage ended and what came next, in words. */
    static String timeline(JsonNode stages) {
        StringBuilder s = new StringBuilder("When the grid changed: ");
        long minibatches = 0;
        double seconds = 0;
        JsonNode prev = null;
        List<String> parts = new ArrayList<>();
        for (JsonNode st : stages) {
            if (prev != null) {
                String what = !prev.path("kind").asText().equals(st.path("kind").asText())
                        ? "the CP hand-off (to components, court " + st.path("court").asText() + ")"
                        : "refined to court " + st.path("court").asText() + ", defender box "
                                + st.path("defender").asText();
                parts.add(String.format(Locale.ROOT, "after %d minibatches (%.0f s) %s", minibatches, seconds, what));
            }
            minibatches += st.path("iterations").asLong();
            seconds += st.path("seconds").asDouble();
            prev = st;
        }
        if (parts.isEmpty()) {
            return "Training ran as a single stage (no fine-graining).";
        }
        s.append(String.join("; ", parts)).append(String.format(Locale.ROOT, "; training ended after %d minibatches "
                + "(%.0f s). A stage ends by its rule: 'window-plateau' means the spatial entropy of the gradient "
                + "stopped changing over its window, i.e. the current grid has learned what it can.", minibatches,
                seconds));
        return s.toString();
    }

    private static Section testMetrics(JsonNode metrics) {
        List<Block> b = new ArrayList<>();
        JsonNode test = metrics == null ? null : metrics.path("test");
        if (test == null || test.isMissingNode()) {
            b.add(new Text("No test metrics: the model's metrics.json was not found next to it."));
            return new Section("metrics", "How well it predicts", b);
        }
        JsonNode base = metrics.path("baseline").path("test");
        b.add(new Text("Measured on the test games, which the model never saw while training. The comparison is "
                + "a logistic regression on the distance to the basket alone (the distance baseline): the model is "
                + "worth its complexity only where it beats that. Log loss: lower is better. ROC AUC (0.5 = "
                + "guessing, 1 = perfect ranking of moments by shot chance), average precision and F1 (at a "
                + "threshold chosen on the validation games): higher is better."));
        List<List<Object>> rows = new ArrayList<>();
        for (String[] m : new String[][] {{"log loss", "logLoss"}, {"ROC AUC", "rocAuc"},
            {"average precision", "averagePrecision"}, {"F1", "f1"}}) {
            rows.add(List.of(m[0], test.path(m[1]).asDouble(Double.NaN),
                    base.isMissingNode() ? Double.NaN : base.path(m[1]).asDouble(Double.NaN)));
        }
        b.add(new Table(List.of("test games", "this model", "distance baseline"), rows));
        if (metrics.has("testFallbackShare")) {
            b.add(new Text(String.format(Locale.ROOT, "%s of the test moments were scored with the league task (%s "
                    + "belong to players who were not in the training games at all).",
                    percent(metrics.path("testFallbackShare").asDouble()),
                    percent(metrics.path("testUnseenPlayerShare").asDouble()))));
        }
        return new Section("metrics", "How well it predicts", b);
    }

    private static Section export(List<String> files) {
        List<Block> b = new ArrayList<>();
        b.add(new Text("The folder export/ next to this page holds the numbers behind the pictures as plain "
                + "files, each with a JSON file of the same name that describes its axes (task names, component "
                + "weights, the grid and every cell centre in feet). CSV files have no header: in Python "
                + "numpy.loadtxt('export/probability_league_none.csv', delimiter=','), in R "
                + "as.matrix(read.csv('export/probability_league_none.csv', header = FALSE)). A probability map "
                + "has 40 rows (x = 0.5 ... 39.5 ft from the baseline) and 50 columns (y = 0.5 ... 49.5 ft from the "
                + "sideline)."));
        List<List<Object>> rows = new ArrayList<>();
        for (String f : files) {
            rows.add(List.of("export/" + f, "export/" + f.replaceAll("\\.(csv|npy)$", ".json")));
        }
        b.add(new Table(List.of("file", "its description"), rows));
        return new Section("export", "Take the numbers elsewhere", b);
    }

    /** "hottest spot" words for a probability map on {@link ProbabilityMaps#GRID}. */
    static String hottest(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        GridSpec g = ProbabilityMaps.GRID;
        return CourtWords.spot(g.centerX(best), g.centerY(best)) + ", " + percent(p[best]);
    }

    static String percent(double p) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * p);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String taskName(List<String> keys, int t) {
        return t == TaskIndex.LEAGUE_INDEX ? "league task" : keys.get(t);
    }

    private static int argMaxAbs(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (Math.abs(v[i]) > Math.abs(v[best])) {
                best = i;
            }
        }
        return best;
    }

    private static double[] column(DMatrixRMaj m, int r, int rows) {
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = m.get(i, r);
        }
        return v;
    }

    /** Largest finite value / |value| of an array (0 when none). */
    static final class DivergingPaletteMax {
        private DivergingPaletteMax() {
        }

        static double max(double[] v) {
            double m = 0;
            for (double x : v) {
                if (Double.isFinite(x)) {
                    m = Math.max(m, x);
                }
            }
            return m;
        }

        static double maxAbs(double[] v) {
            double m = 0;
            for (double x : v) {
                if (Double.isFinite(x)) {
                    m = Math.max(m, Math.abs(x));
                }
            }
            return m;
        }
    }
}
