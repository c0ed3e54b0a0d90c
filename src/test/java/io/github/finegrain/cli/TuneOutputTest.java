package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 items 6 and 7: tune never clobbers a previous run, fails when nothing was scored, checks ranks first. */
class TuneOutputTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Path space(String rank) throws IOException {
        Path f = dir.resolve("space.json");
        Files.writeString(f, "{\"formatVersion\": 1, \"search\": \"random\", \"candidates\": 2, \"seed\": 1,"
                + " \"parameters\": {\"rank\": " + rank + ", \"delta\": {\"min\": 1e-4, \"max\": 5e-2}}}");
        return f;
    }

    private int tune(Path space, Path outDir, String... extra) {
        String[] base = {"--space", space.toString(), "--out", outDir.toString(), "--max-train-examples", "2000",
            "--max-steps-per-stage", "3", "--batch", "512"};
        return CliRuns.run(out, err, "tune", java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.Arrays.stream(extra)).toArray(String[]::new));
    }

    @Test
    void aNonEmptyOutFolderIsRefusedBeforeAnyTraining() throws IOException {
        Path outDir = Files.createDirectories(dir.resolve("previous"));
        Path old = Files.writeString(outDir.resolve("results.csv"), "a previous search\n");
        assertThat(tune(space("{\"min\": 3, \"max\": 8}"), outDir)).isEqualTo(2);
        assertThat(err.toString()).contains("--out " + outDir + " is not empty (results.csv)")
                .contains("--overwrite");
        assertThat(Files.readString(old)).isEqualTo("a previous search\n");
        assertThat(out.toString()).doesNotContain("candidate 0");
        // a file in place of the folder
        Path file = Files.writeString(dir.resolve("afile"), "x");
        assertThat(tune(space("{\"min\": 3, \"max\": 8}"), file)).isEqualTo(2);
        assertThat(err.toString()).contains("is a file");
    }

    @Test
    void noScoredCandidateExitsNonZeroWithTheReasonAndOverwriteReplacesTheFiles() throws IOException {
        Path outDir = Files.createDirectories(dir.resolve("previous"));
        Files.writeString(outDir.resolve("summary.md"), "old summary\n");
        // a time budget that is spent before the first candidate starts
        int code = tune(space("{\"min\": 3, \"max\": 8}"), outDir, "--overwrite", "--max-minutes", "0.00001");
        assertThat(code).as(out + "\n" + err).isEqualTo(1);
        assertThat(err.toString()).contains("error: no candidate was scored: ").contains("time budget");
        assertThat(Files.readString(outDir.resolve("summary.md"))).contains("No candidate was scored.")
                .doesNotContain("old summary");
    }

    @Test
    void aRankRangeThatCannotFitTheHandOffIsRejectedBeforeTrainingNamingTheRank() throws IOException {
        Path outDir = dir.resolve("new");
        int code = tune(space("{\"min\": 5, \"max\": 5000000}"), outDir);
        assertThat(code).as(out + "\n" + err).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("space.json: parameters.rank: rank 5000000 is too large for a ")
                .contains("hand-off").contains("[5, 5000000]");
        assertThat(out.toString()).doesNotContain("candidate 0");
        assertThat(outDir.resolve("results.csv")).doesNotExist();
    }
}
