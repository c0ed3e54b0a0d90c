package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 12: rows outside the zone are skipped and counted; infinite or half-absent defenders are rejected. */
class PredictRowsTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int predict(String body, String... extra) throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, PredictCommand.HEADER + "\n" + body);
        String[] args = {"--model", ModelCommandsTest.bundle().toString(), "--input", csv.toString(), "--output",
            dir.resolve("out.csv").toString()};
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        return CliRuns.run(out, err, "predict", all);
    }

    @Test
    void rowsOutsideTheZoneAreSkippedAndCountedWithTheirLineNumbers() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 9; i++) { // lines 2-10: inside, outside, inside, outside, ...
            b.append(i % 2 == 0 ? "(league),10,10,,,,,,,,,,\n" : "(league),45,10,,,,,,,,,,\n");
        }
        b.append("(league),-1,60,,,,,,,,,,\n"); // line 11
        assertThat(predict(b.toString())).as(err.toString()).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("out.csv"));
        assertThat(lines).hasSize(1 + 5);
        assertThat(lines.subList(1, 6)).allMatch(l -> l.startsWith("(league),10,10,"));
        assertThat(err.toString()).contains("skipped 5 row(s) whose ball handler is outside")
                .contains("rows.csv line(s) 3, 5, 7, 9, 11").doesNotContain("11, ...");
        assertThat(predict(b.toString(), "--strict")).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("rows.csv line 3: the ball handler at (45.0, 10.0) ft is outside");
    }

    @Test
    void anInfiniteDefenderIsRejectedNotTakenAsAbsent() throws Exception {
        assertThat(predict("(league),10,10,Infinity,3,,,,,,,,\n")).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("rows.csv line 2, column 4: defender 1 has an infinite coordinate "
                + "'Infinity'");
        assertThat(predict("(league),10,10,,,,,,,,,1e999,2\n")).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("column 12: defender 5 has an infinite coordinate '1e999'");
    }

    @Test
    void aHalfNanDefenderIsRejectedNotTakenAsAbsent() throws Exception {
        assertThat(predict("(league),10,10,,,3,NaN,,,,,,\n")).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("rows.csv line 2, columns 6-7: defender 2 has x but no y");
        assertThat(predict("(league),10,10,,,,,,4,,,,\n")).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("columns 8-9: defender 3 has y but no x");
        // both absent is fine
        assertThat(predict("(league),10,10,NaN,NaN,,,,,,,,\n")).isZero();
    }
}
