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
        assertThat(out.toString()).contains("Wrote " + run.resolve("model.zip"));
    }
}
