package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench fig3} and {@code bench fig3-method} refuse bad options before they train or write anything. */
class BenchCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CliRuns.run(out, err, "bench", args);
    }

    @Test
    void zeroSeedsIsAUsageErrorBeforeAnyTraining() {
        Path o = dir.resolve("fig3");
        assertThat(run("fig3", "--seeds", "0", "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--seeds must be >= 1");
        assertThat(o).doesNotExist();
    }

    @Test
    void anInfiniteBudgetIsAUsageErrorNamingTheValue() {
        Path o = dir.resolve("fig3");
        assertThat(run("fig3", "--budget-minutes", "Infinity", "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("budget Infinity min");
        assertThat(o).doesNotExist();
    }

    @Test
    void resumeOfAnotherScaleIsRefusedAndLeavesTheFolderAsItWas() throws Exception {
        Path o = dir.resolve("fig3");
        Path methods = Files.createDirectories(o.resolve("methods"));
        String result = "{\"method\":\"entropy\",\"scale\":{\"players\":5,\"frames\":20000,\"rank\":20,"
                + "\"positiveRate\":0.08,\"signal\":2.0,\"dataSeed\":7,\"budgetMinutes\":0.2}}";
        Files.writeString(methods.resolve("entropy-s1.json"), result);
        assertThat(run("fig3", "--players", "6", "--frames", "20000", "--budget-minutes", "0.2", "--resume", "--out",
                o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--resume").contains("entropy-s1.json").contains("another scale")
                .contains("\"players\":6").contains("\"players\":5").doesNotContain("at io.github");
        assertThat(o.resolve("planted")).doesNotExist();
        assertThat(Files.readString(methods.resolve("entropy-s1.json"))).isEqualTo(result);
    }

    @Test
    void methodAndOutputPathAreCheckedBeforeTraining() throws Exception {
        long t0 = System.nanoTime();
        assertThat(run("fig3-method", "--method", "bogus", "--out", dir.resolve("x.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown method 'bogus'");
        // an existing folder as the result file: refused at once (a 6-minute budget would otherwise run first)
        assertThat(run("fig3-method", "--method", "entropy", "--budget-minutes", "5", "--out", dir.toString()))
                .isEqualTo(3);
        assertThat(err.toString()).contains(dir.toString());
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(60);
    }

    /** --write-examples only writes the scale's example file; fig3-stream refuses a bad option before reading it. */
    @Test
    void writeExamplesWritesTheFileAndExits() throws Exception {
        Path f = dir.resolve("p.fgex");
        assertThat(run("fig3", "--players", "5", "--frames", "2000", "--write-examples", f.toString(), "--out",
                dir.resolve("fig3").toString())).as(err.toString()).isZero();
        var file = io.github.finegrain.data.ExampleFile.open(f);
        assertThat(file.rows(io.github.finegrain.data.Split.TRAIN)).isEqualTo(2000);
        assertThat(file.rows(io.github.finegrain.data.Split.VAL)).isEqualTo(250);
        assertThat(file.tasks()).hasSize(5);
        assertThat(dir.resolve("fig3")).doesNotExist(); // no training
        assertThat(out.toString()).contains("2000 train, 250 val, 250 test");

        assertThat(run("fig3-stream", "--examples", f.toString(), "--epochs", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--epochs, --batch and --validation-every must be >= 1");
    }

    /** The real-data options are checked before anything runs; fig3-real refuses zero seeds too. */
    @Test
    void realDataSeedsAreCheckedBeforeTraining() {
        Path o = dir.resolve("fig3");
        assertThat(run("fig3", "--real-data-seeds", "0", "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--real-data-seeds must be >= 1, found 0");
        assertThat(o).doesNotExist();
        Path f = dir.resolve("real.json");
        assertThat(run("fig3-real", "--seeds", "0", "--out", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--seeds must be >= 1, found 0");
        assertThat(f).doesNotExist();
    }

    /** fig3-method --method idle only loads ND4J and writes its peak resident memory with the scale. */
    @Test
    void idleMethodWritesTheJvmsPeakMemory() throws Exception {
        Path f = dir.resolve("idle.json");
        assertThat(run("fig3-method", "--method", "idle", "--players", "5", "--out", f.toString()))
                .as(err.toString()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile());
        assertThat(json.get("method").asText()).isEqualTo("idle");
        assertThat(json.get("vmHwmBytes").asLong()).isGreaterThan(10_000_000L); // a JVM with ND4J loaded
        assertThat(json.get("scale").get("players").asInt()).isEqualTo(5);
    }
}
