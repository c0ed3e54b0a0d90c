package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench step} at a tiny size: the files and fields of issue 11's schema (no timing is asserted). */
class BenchStepCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void writesStepJsonInTheIssueSchemaAndAMarkdownTable() throws Exception {
        Path o = dir.resolve("step");
        int rc = CliRuns.run(out, err, new String[] {"bench", "step", "--tasks", "4", "--batch", "32", "--rank", "2", "--grids",
                "4x5/6x6,8x10/6x6", "--steps", "3", "--warmup", "1", "--out", o.toString()});
        assertThat(rc).as(err.toString()).isEqualTo(0);
        JsonNode j = new ObjectMapper().readTree(o.resolve("step.json").toFile());
        List<String> top = iterable(j.fieldNames());
        assertThat(top).containsExactly("rows", "peakRssBytes", "loadAvg", "machine");
        assertThat(j.get("rows")).hasSize(4);
        String[] kinds = {"full-rank", "cp", "full-rank", "cp"};
        String[] courts = {"4x5", "4x5", "8x10", "8x10"};
        for (int i = 0; i < 4; i++) {
            JsonNode r = j.get("rows").get(i);
            assertThat(iterable(r.fieldNames())).containsExactly("kind", "court", "defender", "optimizer", "denseMs",
                    "sparseMs", "denseStateBytes", "sparseStateBytes");
            assertThat(r.get("kind").asText()).isEqualTo(kinds[i]);
            assertThat(r.get("court").asText()).isEqualTo(courts[i]);
            assertThat(r.get("defender").asText()).isEqualTo("6x6");
            assertThat(r.get("optimizer").asText()).isEqualTo("lazy-adam");
            assertThat(r.get("denseMs").asDouble()).isPositive();
            assertThat(r.get("sparseMs").asDouble()).isPositive();
            assertThat(r.get("denseStateBytes").asLong()).isPositive();
            assertThat(r.get("sparseStateBytes").asLong()).isPositive();
        }
        // full rank 4 x 20 x 37 + 4 floats: params + gradient + Adam's two moments = 4 x 4 bytes each (DL4J)
        long n = 4L * 20 * 37 + 4;
        assertThat(j.get("rows").get(0).get("denseStateBytes").asLong()).isEqualTo(16 * n);
        // sparse: the same plus one int step count per row (F rows 4 x 20, bias rows 4)
        assertThat(j.get("rows").get(0).get("sparseStateBytes").asLong()).isEqualTo(16 * n + 4 * (80 + 4));
        assertThat(j.get("machine").asText()).contains("cores");
        String md = Files.readString(o.resolve("step.md"));
        assertThat(md).contains("| full-rank | 4x5 | 6x6 |").contains("| cp | 8x10 | 6x6 |").contains("Load average")
                .contains("sparse full-rank step <= 5 ms at 4x5/6x6").contains("sparse CP step <= 2 ms");
        assertThat(out.toString()).contains("Targets");
    }

    @Test
    void aMalformedGridIsAUsageErrorBeforeAnyWork() {
        Path o = dir.resolve("step");
        assertThat(CliRuns.run(out, err, new String[] {"bench", "step", "--grids", "40x50-12x12", "--out", o.toString()}))
                .isEqualTo(2);
        assertThat(err.toString()).contains("COURT/DEFENDER").contains("40x50-12x12");
        assertThat(o).doesNotExist();
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
