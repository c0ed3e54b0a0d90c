package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code finegrain tune}: a short real search, and the exit codes of bad input. */
class TuneCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CliRuns.run(out, err, args);
    }

    private Path space(String json) throws IOException {
        Path f = dir.resolve("space.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void twoCandidateRandomSearchOnASliceWritesTwoRowsAndASummary() throws IOException {
        Path f = space("""
                {"formatVersion": 1, "search": "random", "candidates": 5, "seed": 12345,
                 "parameters": {"rank": {"min": 3, "max": 8}, "delta": {"min": 1e-4, "max": 5e-2}}}
                """);
        Path outDir = dir.resolve("out");
        int code = run("tune", "--space", f.toString(), "--max-candidates", "2", "--out", outDir.toString(),
                "--max-train-examples", "2000", "--max-steps-per-stage", "3", "--batch", "512");
        assertThat(code).as(err.toString()).isZero();

        List<String> lines = Files.readAllLines(outDir.resolve("results.csv"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("candidate,rank,delta,learningRate,cpLearningRate,score,rocAuc,seconds,"
                + "stages,ruleTransitions,fineGrainEvents,finalModel,status,message");
        for (int i = 1; i <= 2; i++) {
            String[] c = lines.get(i).split(",", -1);
            assertThat(c).hasSize(14);
            assertThat(Integer.parseInt(c[0])).isEqualTo(i - 1);
            assertThat(Integer.parseInt(c[1])).isBetween(3, 8);
            assertThat(Double.parseDouble(c[2])).isBetween(1e-4, 5e-2);
            assertThat(Double.parseDouble(c[3])).isEqualTo(io.github.finegrain.train.MultiResolutionOptions.defaults()
                    .learningRate()); // not searched: the train default
            assertThat(Double.parseDouble(c[4])).isEqualTo(io.github.finegrain.train.MultiResolutionOptions.defaults()
                    .cpLearningRate());
            double score = Double.parseDouble(c[5]);
            // the slice's positive rate is ~0.13: a trained model beats the constant predictor's ~0.39 nats a bit
            assertThat(score).isBetween(0.2, 0.45);
            assertThat(Double.parseDouble(c[6])).isBetween(0.5, 1.0);
            assertThat(Double.parseDouble(c[7])).as(lines.get(i)).isPositive();
            assertThat(c[8]).isEqualTo("6");
            assertThat(c[9]).isEqualTo("0"); // 3 steps < the rules' 40 minimum steps: every stage ends at max-steps
            assertThat(c[10]).isEqualTo("4");
            // the model the run returns: the stage with the lowest validation loss (3 steps per stage: often a
            // full-rank one, since the hand-off and the non-nested swap cost more than 3 steps win back)
            assertThat(c[11]).isIn("full-rank 4x5/6x6", "full-rank 8x10/6x6", "full-rank 8x10/12x12",
                    "cp 8x10/12x12", "cp 20x25/12x12", "cp 40x50/12x12");
            assertThat(c[12]).isEqualTo("ok");
            assertThat(c[13]).isEmpty();
        }
        assertThat(lines.get(1)).isNotEqualTo(lines.get(2));

        String summary = Files.readString(outDir.resolve("summary.md"));
        assertThat(summary).startsWith("# Search `space`\n\nrandom search (seed 12345) over rank [3, 8], delta "
                + "[0.0001, 0.05] log, from `" + f + "`. 2 candidates, 2 scored")
                .contains("2000 training and 4860 validation examples").contains("Best: candidate ");
        assertThat(out.toString()).contains("Wrote " + outDir.resolve("results.csv"));
    }

    @Test
    void aMalformedSpaceFileIsBadInputNamingFileAndField() throws IOException {
        Path f = space("""
                {"formatVersion": 1, "search": "random", "candidates": 2, "seed": 1,
                 "parameters": {"delta": {"min": -1, "max": 0.01, "scale": "linear"}}}
                """);
        Path outDir = dir.resolve("out");
        int code = run("tune", "--space", f.toString(), "--out", outDir.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString().strip()).isEqualTo("error: bad input: " + f
                + ": field 'parameters.delta.min': expected a number >= 0, found -1");
        assertThat(outDir).doesNotExist();
    }

    @Test
    void aMissingSpaceFileIsBadInput() {
        Path f = dir.resolve("nope.json");
        int code = run("tune", "--space", f.toString(), "--out", dir.resolve("out").toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(f + " (no such search space file)");
    }

    @Test
    void badBoundsAreUsageErrors() throws IOException {
        Path f = space("""
                {"formatVersion": 1, "search": "random", "candidates": 2, "seed": 1, "parameters": {}}
                """);
        assertThat(run("tune", "--space", f.toString(), "--max-candidates", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--max-candidates must be >= 1, found 0").contains("finegrain tune --help");
        assertThat(run("tune", "--space", f.toString(), "--max-minutes", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("max minutes and candidate minutes must be > 0, found 0.0 and 10.0");
        assertThat(run("tune", "--max-candidates", "many")).isEqualTo(2);
    }

    @Test
    void helpListsTheOptionsAndTheTopLevelHelpListsTune() {
        assertThat(run("tune", "--help")).isZero();
        assertThat(out.toString()).contains("--space=FILE", "--max-candidates=N", "--max-minutes=M", "--out=DIR",
                "tuning/rank-delta.json)");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("tune ");
    }
}
