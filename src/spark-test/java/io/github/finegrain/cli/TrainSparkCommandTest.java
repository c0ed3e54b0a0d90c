package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.finegrain.data.JsonFiles;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --spark local[2]} writes the same run folder as {@code train}, plus the Spark facts. */
class TrainSparkCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainOnSparkWritesTheRunFolderWithTheSparkFacts() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path run = dir.resolve("run");
        int code = CliRuns.run(out, err, new String[] {"train", "--spark", "local[2]", "--run-dir", run.toString(),
                "--max-train-examples", "3000", "--batch", "256", "--min-steps", "4", "--max-steps-per-stage", "8"});
        assertThat(code).as(err.toString()).isZero();
        for (String f : List.of("model.zip", "metrics.json", "trace.csv", "report")) {
            assertThat(run.resolve(f)).exists();
        }
        assertThat(run.resolve("checkpoint")).doesNotExist();
        JsonNode m = JsonFiles.readTree(run.resolve("metrics.json"), "metrics");
        assertThat(m.get("spark").get("master").asText()).isEqualTo("local[2]");
        assertThat(m.get("spark").get("executors").asInt()).isEqualTo(2);
        int rounds = m.get("spark").get("rounds").asInt();
        List<String> trace = Files.readAllLines(run.resolve("trace.csv"));
        assertThat(trace).hasSize(rounds + 1); // one row per averaging round, after the header
        assertThat(m.get("stages").size()).isEqualTo(6);
        assertThat(m.get("test").get("rocAuc").asDouble()).isBetween(0.5, 1.0);
        assertThat(out.toString()).contains("Wrote " + run.resolve("model.zip"))
                .contains("on Spark local[2]: 2 executors, " + rounds + " averaging rounds of "
                        + m.get("spark").get("averagingFrequency").asInt() + " minibatches per executor, workers' "
                        + "step row-sparse lazy-adam");
        assertThat(run.resolve("run-options.json")).exists(); // written at the end: a Spark run is not resumed
        // a Spark run's folder is refused by --resume with that reason
        StringWriter again = new StringWriter();
        assertThat(CliRuns.run(new StringWriter(), again, new String[] {"train", "--resume", run.toString()}))
                .isEqualTo(2);
        assertThat(again.toString()).contains("this run was trained with --spark, which writes no checkpoints");
    }

    @Test
    void trainOnSparkFromAnExampleFileReadByTheExecutors() throws Exception {
        Path f = dir.resolve("planted.fgex");
        io.github.finegrain.data.PlantedData.write(10, new int[] {4000, 500, 500}, 2, 0.15, 2.0, 3, f, "{}");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path run = dir.resolve("run");
        int code = CliRuns.run(out, err, new String[] {"train", "--spark", "local[2]", "--examples", f.toString(),
                "--run-dir", run.toString(), "--batch", "256", "--min-steps", "4", "--max-steps-per-stage", "8",
                "--min-task-examples", "100"});
        assertThat(code).as(err.toString()).isZero();
        JsonNode m = JsonFiles.readTree(run.resolve("metrics.json"), "metrics");
        assertThat(m.get("data").get("train").get("streamed").asBoolean()).isTrue();
        assertThat(m.get("tasks").asInt()).isEqualTo(11); // ten players and the league
        assertThat(Files.readAllLines(run.resolve("trace.csv"))).hasSize(m.get("spark").get("rounds").asInt() + 1);
        assertThat(m.get("stages").size()).isEqualTo(6);
    }
}
