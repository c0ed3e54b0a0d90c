package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench criteria}: a tiny planted run writes its table and JSON; bad counts are usage errors. */
class BenchCriteriaCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CliRuns.run(out, err, "bench", args);
    }

    @Test
    void zeroStepsIsAUsageErrorBeforeAnyTraining() {
        Path o = dir.resolve("criteria.md");
        assertThat(run("criteria", "--steps", "0", "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--steps and --validation-every must be >= 1");
        assertThat(o).doesNotExist();
    }

    @Test
    void tinyPlantedRunWritesTableAndJson() throws Exception {
        Path md = dir.resolve("criteria.md");
        Path json = dir.resolve("criteria.json");
        assertThat(run("criteria", "--players", "3", "--frames", "6000", "--steps", "120",
                "--bundled-steps", "0", "--validation-every", "10", "--out", md.toString(), "--json",
                json.toString())).as(err.toString()).isEqualTo(0);
        String table = Files.readString(md);
        assertThat(table).isEqualTo(out.toString()).contains("| planted | full-rank 8x10/12x12 | entropy-validation |")
                .contains("against val-plateau").contains("bundled: skipped");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("formatVersion").asInt()).isEqualTo(2);
        assertThat(j.get("stages")).hasSize(3);
        assertThat(j.get("stages").get(0).get("steps").asInt()).isEqualTo(120);
        assertThat(j.get("stages").get(0).get("validation")).hasSize(13); // steps 0, 10, …, 120
        assertThat(j.get("references").get(0).get("oracleLoss").asDouble())
                .isLessThan(j.get("references").get(0).get("constantLoss").asDouble());
    }
}
