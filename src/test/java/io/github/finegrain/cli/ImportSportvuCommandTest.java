package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.Split;
import io.github.finegrain.bench.SyntheticGame;
import io.github.finegrain.bundle.ModelBundle;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import-sportvu command end to end, and train --examples on what it wrote. */
class ImportSportvuCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CliRuns.run(out, err, args);
    }

    /** Three small synthetic games as 7z archives (one with a folder prefix glued on), play-by-play in dir/pbp. */
    private long[] threeGames() throws IOException {
        long rows = 0;
        long positives = 0;
        for (int i = 1; i <= 3; i++) {
            SyntheticGame g = SyntheticGame.generate(SyntheticGame.Options.small(40 + i, i, 160));
            g.write7z(dir.resolve("games"), i == 2 ? "2099.NBA.Raw.SportVU.Game.Logs" : "", true);
            g.writePlayByPlay(dir.resolve("pbp"));
            rows += g.truth().examples();
            positives += g.truth().positives();
        }
        return new long[] {rows, positives};
    }

    @Test
    void importsGamesThenTrainTrainsOnTheExampleFile() throws Exception {
        long[] truth = threeGames();
        Path fgex = dir.resolve("ex.fgex");
        int code = run("import-sportvu", dir.resolve("games").toString(), "--play-by-play", dir.resolve("pbp")
                .toString(), "--out", fgex.toString(), "--split-seed", "3");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("import-sportvu: 3 game file(s)").contains("0099900002")
                .contains(truth[0] + " examples (" + truth[1] + " positive)").contains("MB/s")
                .contains("skipped: outsideZone");
        ExampleFile f = ExampleFile.open(fgex);
        f.verifyChecksum();
        assertThat(f.rows()).isEqualTo(truth[0]);
        assertThat(f.games()).extracting(ExampleFile.Game::split)
                .containsExactlyInAnyOrder(Split.TRAIN, Split.VAL, Split.TEST);
        JsonNode report = new ObjectMapper().readTree(dir.resolve("ex.fgex.report.json").toFile());
        assertThat(report.get("totals").get("examples").asLong()).isEqualTo(truth[0]);
        assertThat(report.get("games")).hasSize(3);
        assertThat(report.get("settings").get("split").get("seed").asLong()).isEqualTo(3);
        assertThat(new ObjectMapper().readTree(f.metadata()).get("settings").get("rateHz").asDouble()).isEqualTo(5.0);

        Path runDir = dir.resolve("run");
        out.getBuffer().setLength(0);
        code = run("train", "--examples", fgex.toString(), "--schedule", "single", "--run-dir", runDir.toString(),
                "--epochs", "2", "--min-task-examples", "20", "--court", "4x5", "--defender", "3x3");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Data (" + fgex).contains("train").contains("Test games:");
        JsonNode metrics = new ObjectMapper().readTree(runDir.resolve("metrics.json").toFile());
        long testRows = f.rows(Split.TEST);
        assertThat(metrics.get("data").get("test").get("examples").asLong()).isEqualTo(testRows);
        assertThat(metrics.get("test").get("rocAuc").asDouble()).isBetween(0.0, 1.0);
        assertThat(metrics.get("data").get("exampleFileMetadata").get("producer").asText())
                .isEqualTo("finegrain import-sportvu");
        // the model's task map holds player ids (the league task first); players of other games fall back to it
        java.util.List<String> keys = ModelBundle.readManifest(runDir.resolve("model.zip")).tasks();
        assertThat(keys.get(0)).isEqualTo("(league)");
        assertThat(keys.subList(1, keys.size())).isNotEmpty().allSatisfy(k -> assertThat(k).matches("99\\d{4}"));
        assertThat(metrics.get("testFallbackShare").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void badInputExitsWith3AndNamesTheFile() throws IOException {
        threeGames();
        Path bad = dir.resolve("games").resolve("01.03.2099.SYV.at.SYH.7z");
        byte[] b = Files.readAllBytes(bad);
        Files.write(bad, java.util.Arrays.copyOf(b, b.length / 2));
        Path fgex = dir.resolve("ex.fgex");
        int code = run("import-sportvu", dir.resolve("games").toString(), "--pbp", dir.resolve("pbp").toString(),
                "--out", fgex.toString());
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).startsWith("error: bad input: " + bad);
        assertThat(fgex).doesNotExist();
        assertThat(dir.resolve("ex.fgex.report.json")).doesNotExist();

        // --skip-bad-games turns it into a listed skip
        code = run("import-sportvu", dir.resolve("games").toString(), "--pbp", dir.resolve("pbp").toString(),
                "--out", fgex.toString(), "--skip-bad-games");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("gameUnreadable 1");
        assertThat(ExampleFile.open(fgex).games()).hasSize(2);

        Path empty = Files.createDirectories(dir.resolve("empty"));
        err.getBuffer().setLength(0);
        assertThat(run("import-sportvu", empty.toString(), "--pbp", dir.resolve("pbp").toString(), "--out",
                dir.resolve("e.fgex").toString())).isEqualTo(3);
        assertThat(err.toString()).contains(empty + ": no game files");
    }

    @Test
    void usageErrorsExitWith2() throws IOException {
        threeGames();
        String games = dir.resolve("games").toString();
        String pbp = dir.resolve("pbp").toString();
        assertThat(run("import-sportvu", games, "--pbp", pbp, "--out", dir.resolve("a.fgex").toString(),
                "--rate-hz", "30")).isEqualTo(2);
        assertThat(err.toString()).contains("rate must be in (0, 25]");
        assertThat(run("import-sportvu", games, "--pbp", pbp, "--out", dir.resolve("b.fgex").toString(),
                "--train-games", "0099900001", "--val-games", "0099900002")).isEqualTo(2);
        assertThat(err.toString()).contains("in none of the train, val and test game lists: [0099900003]");
        assertThat(run("import-sportvu", games, "--out", dir.resolve("c.fgex").toString())).isEqualTo(2);
        assertThat(run("train", "--examples", dir.resolve("missing.fgex").toString(), "--run-dir",
                dir.resolve("r").toString())).isEqualTo(3);
    }

    /** An import never overwrites an existing example file or report unless told to (--replace). */
    @Test
    void anExistingOutputIsRefusedUnlessReplaced() throws Exception {
        threeGames();
        Path fgex = dir.resolve("kept.fgex");
        Files.writeString(fgex, "a season's import");
        int code = run("import-sportvu", dir.resolve("games").toString(), "--play-by-play", dir.resolve("pbp")
                .toString(), "--out", fgex.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(fgex + " exists: an import never overwrites a file");
        assertThat(Files.readString(fgex)).isEqualTo("a season's import");
        assertThat(dir.resolve("kept.fgex.report.json")).doesNotExist();

        Path other = dir.resolve("other.fgex");
        Path report = dir.resolve("kept-report.json");
        Files.writeString(report, "{}");
        code = run("import-sportvu", dir.resolve("games").toString(), "--play-by-play", dir.resolve("pbp")
                .toString(), "--out", other.toString(), "--report", report.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(report + " exists");
        assertThat(other).doesNotExist();

        code = run("import-sportvu", dir.resolve("games").toString(), "--play-by-play", dir.resolve("pbp")
                .toString(), "--out", fgex.toString(), "--replace");
        assertThat(code).as(err.toString()).isZero();
        assertThat(ExampleFile.open(fgex).rows()).isPositive();
    }
}
