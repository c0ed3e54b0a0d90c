package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.train.TrainedModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/** {@code predict}, {@code plot} and {@code evaluate} on the golden bundle. */
class ModelCommandsTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    static Path bundle() throws Exception {
        return Path.of(ModelCommandsTest.class.getResource("/golden/bundle-v1/model.zip").toURI());
    }

    private int run(String... args) {
        CommandLine cl = FinegrainCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void predictOnAThreeRowCsvEqualsTheJavaApi() throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, PredictCommand.HEADER + "\n"
                + "LeBron James,4.0,25.0,0.5,2.0,,,10,12,-20,3,8,-14\n"
                + "Somebody New,22.0,3.0,NaN,NaN,1,1,-1,3,30,30,5,5\n"
                + "(league),30.0,40.0,,,,,,,,,,\n");
        Path result = dir.resolve("out.csv");
        int code = run("predict", "--model", bundle().toString(), "--input", csv.toString(), "--output",
                result.toString());
        assertThat(code).as(err.toString()).isZero();
        List<String> lines = Files.readAllLines(result);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo(PredictCommand.HEADER + ",task,probability");

        TrainedModel m = ModelBundle.load(bundle());
        double nan = Double.NaN;
        double[][] rows = {
            {m.tasks().scoringIndex("LeBron James"), 4, 25, 0.5, 2, nan, nan, 10, 12, -20, 3, 8, -14},
            {0, 22, 3, nan, nan, 1, 1, -1, 3, 30, 30, 5, 5},
            {0, 30, 40, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan}};
        assertThat(rows[0][InputRow.TASK]).isEqualTo(1); // LeBron James has his own task in this bundle
        double[] expected = m.predictRows(Nd4j.createFromArray(rows).castTo(DataType.FLOAT));
        for (int i = 0; i < 3; i++) {
            String[] p = lines.get(i + 1).split(",");
            assertThat(Integer.parseInt(p[13])).isEqualTo((int) rows[i][0]);
            assertThat(Double.parseDouble(p[14])).isCloseTo(expected[i], within(1e-6));
        }
    }

    @Test
    void predictRejectsAMalformedRowNamingTheLine() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, PredictCommand.HEADER + "\nX,1,2,3\n");
        int code = run("predict", "--model", bundle().toString(), "--input", csv.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("bad.csv line 2: expected 13 columns, found 4");
    }

    @Test
    void predictRejectsAPositionOutsideTheZoneAndNotesUnknownPlayers() throws Exception {
        Path csv = dir.resolve("far.csv");
        Files.writeString(csv, "\uFEFF" + PredictCommand.HEADER + "\nlebron james,10,10,,,,,,,,,,\nX,500,-80,,,,,,,,,,\n");
        int code = run("predict", "--model", bundle().toString(), "--input", csv.toString(), "--strict");
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("far.csv line 3: the ball handler at (500.0, -80.0) ft is outside");
        Files.writeString(csv, PredictCommand.HEADER + "\nlebron james,10,10,,,,,,,,,,\n");
        assertThat(run("predict", "--model", bundle().toString(), "--input", csv.toString())).isZero();
        assertThat(err.toString()).contains("1 player(s) have no task in this model").contains("lebron james");
    }

    @Test
    void plotWritesTheAnalystsReportExportAndComparison() throws Exception {
        Path out = dir.resolve("plots");
        int code = run("plot", "--model", bundle().toString(), "--out", out.toString(), "--components", "2",
                "--compare", "lebron james,league");
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).doesNotContain("note:"); // "lebron james" is LeBron James's own task
        String html = Files.readString(out.resolve("report.html"));
        for (String f : List.of("probability_league.png", "probability_LeBron_James.png",
                "defender_effect_league.png", "defender_effect_LeBron_James.png", "component_1_court.png",
                "component_1_defender.png", "component_2_court.png", "component_2_defender.png")) {
            assertThat(html).contains("src=\"" + f + "\"");
            byte[] png = Files.readAllBytes(out.resolve(f));
            assertThat(png[1]).as(f).isEqualTo((byte) 'P');
        }
        assertThat(out.resolve("component_3_court.png")).doesNotExist();
        for (String id : List.of("reading", "predictions", "defender-effect", "components", "training", "metrics",
                "export")) {
            assertThat(html).contains("<section id=\"" + id + "\">");
        }
        // no metrics.json next to the golden bundle: the page says so instead of inventing numbers
        assertThat(html).contains("No test metrics");
        assertThat(out.resolve("export/cp_court_factor.csv")).exists();
        assertThat(out.resolve("export/probability_LeBron_James_none.json")).exists();
        String compare = Files.readString(out.resolve("compare_LeBron_James_vs_league.html"));
        assertThat(compare).contains("compare_LeBron_James_vs_league_difference.png");
        assertThat(out.resolve("compare_LeBron_James_vs_league_defender_between.png")).exists();
    }

    @Test
    void plotRejectsACompareWithoutTwoNames() throws Exception {
        int code = run("plot", "--model", bundle().toString(), "--out", dir.resolve("p").toString(), "--compare",
                "LeBron James");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--compare").contains("two names");
    }

    @Test
    void evaluateScoresTheTestGamesAtTheModelsAuc() throws Exception {
        Path json = dir.resolve("eval.json");
        int code = run("evaluate", "--model", bundle().toString(), "--out", json.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("test  log loss 0.3338  ROC AUC 0.8015");
        assertThat(Files.readString(json)).contains("\"rocAuc\"");
    }

    @Test
    void missingModelIsBadInput() {
        int code = run("evaluate", "--model", dir.resolve("nope.zip").toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("nope.zip");
    }

    @Test
    void plotCompareSaysWhenAPlayerHasNoTaskOfHisOwn() throws Exception {
        Path out = dir.resolve("cmp");
        int code = run("plot", "--model", bundle().toString(), "--out", out.toString(), "--components", "1",
                "--compare", "Nobody Known,LeBron James");
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("note: 'Nobody Known' has no task of his own in this model")
                .doesNotContain("'LeBron James' has no task");
        assertThat(out.resolve("compare_Nobody_Known_vs_LeBron_James.html")).exists();
    }
}
