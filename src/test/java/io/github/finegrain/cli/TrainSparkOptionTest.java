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
}
