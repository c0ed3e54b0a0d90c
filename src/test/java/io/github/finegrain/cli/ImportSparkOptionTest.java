package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.finegrain.bench.SyntheticGame;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import-sportvu --spark} in a build without the {@code spark} profile. */
class ImportSparkOptionTest {
    @TempDir
    Path dir;

    @Test
    void withoutTheSparkProfileTheOptionSaysHowToBuildIt() throws Exception {
        assumeTrue(!hasSparkProvider(), "this build has the spark profile");
        SyntheticGame g = SyntheticGame.generate(SyntheticGame.Options.small(50, 1, 80));
        g.writeJson(dir.resolve("games"));
        g.writePlayByPlay(dir.resolve("pbp"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path fgex = dir.resolve("ex.fgex");
        int code = CliRuns.run(out, err, new String[] {"import-sportvu", dir.resolve("games").toString(), "--pbp",
                dir.resolve("pbp").toString(), "--out", fgex.toString(), "--spark", "local[2]"});
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("built without the spark profile: mvn -Pspark package");
        assertThat(fgex).doesNotExist();
        assertThat(dir.resolve("ex.fgex.report.json")).doesNotExist();
    }

    private static boolean hasSparkProvider() {
        try {
            return ServiceLoader.load(SparkImport.class).findFirst().isPresent();
        } catch (java.util.ServiceConfigurationError e) {
            return false; // a stale service file of an earlier -Pspark build
        }
    }
}
