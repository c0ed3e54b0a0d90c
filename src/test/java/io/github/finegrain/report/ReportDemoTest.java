package io.github.finegrain.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.grid.GridSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Renders one example of every picture and the page into the folder named by the system property
 * {@code finegrain.plots.demo}, for looking at: {@code mvn -q test -Dtest=ReportDemoTest
 * -Dfinegrain.plots.demo=/tmp/plots-demo}. Skipped unless the property is set.
 */
@EnabledIfSystemProperty(named = "finegrain.plots.demo", matches = ".+")
class ReportDemoTest {

    /** A made-up court factor: high at the rim and on the 3-point line, low in the mid-range and far out. */
    static double[] courtValues(GridSpec g) {
        double[] v = new double[g.cellCount()];
        for (int c = 0; c < v.length; c++) {
            double d = Math.hypot(g.centerX(c) - CourtHeatmap.BASKET_X, g.centerY(c) - CourtHeatmap.BASKET_Y);
            v[c] = 1.2 * Math.exp(-d * d / 18) + 0.6 * Math.exp(-Math.pow(d - 24.5, 2) / 4)
                    - 0.45 * Math.exp(-Math.pow(d - 15, 2) / 10) - 0.8 / (1 + Math.exp(-(g.centerX(c) - 33)));
        }
        return v;
    }

    /** A made-up defender factor: a defender just ahead of the handler suppresses the shot. */
    static double[] boxValues(GridSpec g) {
        double[] v = new double[g.cellCount()];
        for (int c = 0; c < v.length; c++) {
            double x = g.centerX(c);
            double y = g.centerY(c);
            v[c] = -1.0 * Math.exp(-(x * x + (y - 3) * (y - 3)) / 4) + 0.25 * Math.exp(-(x * x + (y + 1.5) * (y + 1.5)) / 3)
                    + 0.15 * Math.exp(-((x - 4) * (x - 4) + (y - 7) * (y - 7)) / 6);
        }
        return v;
    }

    @Test
    void rendersEveryPicture() throws Exception {
        Path dir = Path.of(System.getProperty("finegrain.plots.demo"));
        GridSpec court = GridSpec.court(40, 50);
        new CourtHeatmap(court, HeatmapOptions.titled("Court factor, component 1 (shot tendency)")
                .withValueLabel("logit contribution")).write(courtValues(court), dir.resolve("court_40x50.png"));
        GridSpec coarse = GridSpec.court(8, 10);
        new CourtHeatmap(coarse, HeatmapOptions.titled("Court factor at 8x10").withValueLabel("logit contribution"))
                .write(courtValues(coarse), dir.resolve("court_8x10.png"));
        GridSpec box = GridSpec.defenderBox(12, 12);
        new DefenderBoxHeatmap(box, HeatmapOptions.titled("Defender factor, component 1")
                .withValueLabel("logit contribution")).write(boxValues(box), dir.resolve("box_12x12.png"));

        String[] names = {"LeBron James", "Kyrie Irving", "Kevin Love", "J.R. Smith", "Tristan Thompson",
            "Iman Shumpert", "Matthew Dellavedova", "Timofey Mozgov", "Richard Jefferson", "Mo Williams",
            "Channing Frye", "Stephen Curry", "Klay Thompson", "Draymond Green", "Harrison Barnes", "Andrew Bogut",
            "Kawhi Leonard", "Tony Parker", "DeMar DeRozan", "Kyle Lowry"};
        Random rnd = new Random(7);
        double[] load = new double[names.length];
        for (int i = 0; i < load.length; i++) {
            load[i] = rnd.nextGaussian() * (i < 5 ? 1.0 : 0.4);
        }
        new LoadingsChart(LoadingsChart.Options.titled("Player loadings A[:, 1], top 15 by |loading|"))
                .write(List.of(names), load, dir.resolve("loadings_k1.png"));

        Path trace = SyntheticTrace.write(SyntheticTrace.rows(3), dir.resolve("trace.csv"));
        TrainingCurves curves = TrainingCurves.fromCsv(trace, TrainingCurves.Options.titled(
                "Multi-resolution training (synthetic trace)"));
        curves.writeVsSeconds(dir.resolve("curves_seconds.png"));
        curves.writeVsIterations(dir.resolve("curves_iterations.png"));

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("test log loss", 0.38123);
        metrics.put("test ROC AUC", 0.7412);
        metrics.put("test average precision", 0.2234);
        metrics.put("distance baseline log loss", 0.4021);
        metrics.put("rank K", 10);
        List<Map<String, Object>> stages = new ArrayList<>();
        double[] secs = {2.4, 4.5, 12.1, 18.0, 12.2};
        for (int s = 0; s < SyntheticTrace.STAGES.length; s++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", s);
            m.put("kind", SyntheticTrace.STAGES[s][0]);
            m.put("grids", SyntheticTrace.STAGES[s][1] + " / " + SyntheticTrace.STAGES[s][2]);
            m.put("iterations", Integer.parseInt(SyntheticTrace.STAGES[s][3]));
            m.put("seconds", secs[s]);
            m.put("end reason", s == 4 ? "max-steps" : "rule:window");
            stages.add(m);
        }
        Path page = new RunReport("Demo run <synthetic>", metrics, stages, List.of(
                new RunReport.Figure("curves_seconds.png", "Validation and smoothed minibatch log loss against "
                        + "wall-clock seconds; dashed: fine-graining, purple: CP hand-off."),
                new RunReport.Figure("curves_iterations.png", "The same against minibatches."),
                new RunReport.Figure("court_40x50.png", "Court factor of component 1 (basket at left)."),
                new RunReport.Figure("box_12x12.png", "Defender factor of component 1 (basket up)."),
                new RunReport.Figure("loadings_k1.png", "Player loadings of component 1.")))
                .write(dir);
        for (String f : List.of("court_40x50.png", "court_8x10.png", "box_12x12.png", "loadings_k1.png",
                "curves_seconds.png", "curves_iterations.png")) {
            Pixels.readPng(dir.resolve(f));
        }
        assertThat(Files.readString(page)).contains("<img src=\"court_40x50.png\"");
    }
}
