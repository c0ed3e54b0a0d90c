package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --spark} in a build without the {@code spark} profile, and the options it excludes. */
class TrainSparkOptionTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void withoutTheSparkProfileTheOptionSaysHowToBuildIt() {
        assumeTrue(!hasSparkProvider(), "this build has the spark profile");
        Path run = dir.resolve("run");
        int code = CliRuns.run(out, err, new String[] {"train", "--spark", "local[2]", "--run-dir", run.toString()});
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("built without the spark profile: mvn -Pspark package");
        assertThat(Files.exists(run)).isFalse();
    }

    private static boolean hasSparkProvider() {
        try {
            return ServiceLoader.load(SparkTraining.class).findFirst().isPresent();
        } catch (java.util.ServiceConfigurationError e) {
            return false; // a stale service file of an earlier -Pspark build
        }
    }

    @Test
    void sparkTrainsTheLadderSchedulesOnly() {
        int code = CliRuns.run(out, err, new String[] {"train", "--spark", "local[2]", "--schedule", "single", "--run-dir",
                dir.resolve("run").toString()});
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--spark trains the multires or fixed schedule, not single");
        code = CliRuns.run(out, err, new String[] {"train", "--spark", "local[2]", "--resume", dir.toString()});
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--spark does not take --resume yet");
    }

    /** A master this build cannot start is a usage error before any data is read or any folder made (both commands). */
    @Test
    void aMasterThisBuildCannotStartIsAUsageErrorBeforeAnyWork() {
        for (String master : new String[] {"banana", "local[0]", "", "yarn", "local[2", "spark://", "local[-1]"}) {
            StringWriter e = new StringWriter();
            Path run = dir.resolve("run");
            int code = CliRuns.run(new StringWriter(), e, new String[] {"train", "--spark", master, "--run-dir",
                run.toString()});
            assertThat(code).as(master).isEqualTo(2);
            assertThat(e.toString()).as(master).contains("--spark: '" + master + "' is not a Spark master this build "
                    + "can use; expected local, local[N], local[*] or spark://host:port");
            assertThat(Files.exists(run)).isFalse();
            StringWriter ie = new StringWriter();
            int importCode = CliRuns.run(new StringWriter(), ie, new String[] {"import-sportvu", dir.toString(),
                "--play-by-play", dir.toString(), "--out", dir.resolve("g.fgex").toString(), "--spark", master});
            assertThat(importCode).as(master).isEqualTo(2);
            assertThat(ie.toString()).as(master).contains("is not a Spark master this build can use");
        }
        for (String master : new String[] {"local", "local[1]", "local[*]", "local[4,2]", "spark://h:7077",
            "spark://a.b:7077,c-d:7078"}) {
            SparkProfile.checkMaster(master); // accepted
        }
    }

    /** A Spark run writes no checkpoints: its folder is refused by --resume with that reason, before any work. */
    @Test
    void aSparkRunIsNotResumable() throws Exception {
        Path run = dir.resolve("spark-run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.json"), "{\"spark\":{\"master\":\"local[2]\"}}");
        Files.writeString(run.resolve("run-options.json"), "{}");
        int code = CliRuns.run(out, err, new String[] {"train", "--resume", run.toString()});
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("this run was trained with --spark, which writes no checkpoints");
        assertThat(out.toString()).doesNotContain("Data (");
    }
}
