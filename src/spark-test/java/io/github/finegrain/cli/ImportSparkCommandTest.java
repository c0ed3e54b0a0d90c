package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.finegrain.bench.SyntheticGame;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.JsonFiles;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import-sportvu --spark local[2]} from the command line writes the local command's file. */
class ImportSparkCommandTest {
    @TempDir
    Path dir;

    @Test
    void importOnSparkWritesTheSameFileAsTheLocalCommand() throws Exception {
        for (int i = 1; i <= 3; i++) {
            SyntheticGame g = SyntheticGame.generate(SyntheticGame.Options.small(90 + i, i, 80));
            g.write7z(dir.resolve("games"), "", true);
            g.writePlayByPlay(dir.resolve("pbp"));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // relative paths: the report and its messages name the files as given, as the local import's do
        Path cwd = Path.of("").toAbsolutePath();
        String games = cwd.relativize(dir.resolve("games")).toString();
        String pbp = cwd.relativize(dir.resolve("pbp")).toString();
        assertThat(games).startsWith("..");
        Path local = dir.resolve("local.fgex");
        Path spark = dir.resolve("spark.fgex");
        assertThat(CliRuns.run(out, err, new String[] {"import-sportvu", games, "--pbp", pbp, "--out",
                local.toString()}))
                .as(err.toString()).isZero();
        out.getBuffer().setLength(0);
        assertThat(CliRuns.run(out, err, new String[] {"import-sportvu", games, "--pbp", pbp, "--out", spark.toString(),
                "--spark", "local[2]"})).as(err.toString()).isZero();
        assertThat(out.toString()).contains("import-sportvu: 3 game file(s)").contains("game file 3/3 merged")
                .contains("skipped: outsideZone");
        assertThat(ExampleFile.open(spark).games()).hasSize(3);
        assertThat(Files.mismatch(local, spark)).isEqualTo(-1L);
        JsonNode report = JsonFiles.readTree(dir.resolve("spark.fgex.report.json"), "report");
        assertThat(report.get("spark").get("master").asText()).isEqualTo("local[2]");
        assertThat(report.get("spark").get("tasks").asInt()).isEqualTo(3);
        assertThat(report.get("totals").get("gamesImported").asInt()).isEqualTo(3);
        JsonNode localReport = JsonFiles.readTree(dir.resolve("local.fgex.report.json"), "report");
        assertThat(report.get("firstOccurrence")).isEqualTo(localReport.get("firstOccurrence"));
        for (int i = 0; i < 3; i++) {
            assertThat(report.get("games").get(i).get("file").asText()).startsWith(games)
                    .isEqualTo(localReport.get("games").get(i).get("file").asText());
        }
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }
}
