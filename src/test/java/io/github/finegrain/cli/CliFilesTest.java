package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.DataFormatException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command checks its inputs and outputs before any work, creates missing output folders (and removes them
 * again when it fails), never writes through a symbolic link and never outside the folder it was given
 * (issue 14 items 13 and 18).
 */
class CliFilesTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/bundle-v1/model.zip");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CliRuns.run(out, err, args);
    }

    /** The golden bundle with a {@code preprocessor.bin} entry added (DL4J would deserialize it). */
    private Path hostileBundle() throws Exception {
        Path file = dir.resolve("hostile.zip");
        try (ZipFile zip = new ZipFile(GOLDEN.toFile());
                ZipOutputStream o = new ZipOutputStream(Files.newOutputStream(file))) {
            for (var e : java.util.Collections.list(zip.entries())) {
                o.putNextEntry(new ZipEntry(e.getName()));
                o.write(zip.getInputStream(e).readAllBytes());
            }
            o.putNextEntry(new ZipEntry("preprocessor.bin"));
            o.write(new byte[] {(byte) 0xac, (byte) 0xed, 0, 5});
        }
        return file;
    }

    @Test
    void plotWithAHostileModelFailsNamingTheEntryAndLeavesNoFolderBehind() throws Exception {
        Path model = hostileBundle();
        Path plots = dir.resolve("a/b/plots");
        int code = run("plot", "--model", model.toString(), "--out", plots.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(model + ": unexpected entry 'preprocessor.bin'");
        assertThat(dir.resolve("a")).doesNotExist();
    }

    @Test
    void evaluateChecksItsOutputBeforeAnyWorkAndNeverWritesThroughALink() throws Exception {
        Path target = Files.writeString(dir.resolve("precious.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("eval.json"), target);
        int code = run("evaluate", "--model", GOLDEN.toString(), "--out", link.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(link + ": is a symbolic link; refusing to write the metrics JSON");
        assertThat(out.toString()).isEmpty(); // nothing was evaluated
        assertThat(Files.readString(target)).isEqualTo("keep");

        Path folder = Files.createDirectories(dir.resolve("folder.json"));
        assertThat(run("evaluate", "--model", GOLDEN.toString(), "--out", folder.toString()))
                .isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(folder + ": is a folder; expected a file name for the metrics JSON");
    }

    @Test
    void plotValidatesMetricsJsonBeforeDrawingAnything() throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Files.copy(GOLDEN, runDir.resolve("model.zip"));
        Files.writeString(runDir.resolve("metrics.json"), "{\"test\": [[[");
        Path plots = dir.resolve("plots");
        int code = run("plot", "--model", runDir.resolve("model.zip").toString(), "--out", plots.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(runDir.resolve("metrics.json") + ": bad metrics");
        assertThat(plots).doesNotExist(); // created for the run, empty when it failed, removed
    }

    @Test
    void plotRefusesAnOutputFolderHoldingASymbolicLinkBeforeDrawing() throws Exception {
        Path target = Files.writeString(dir.resolve("precious.png"), "keep");
        Path plots = Files.createDirectories(dir.resolve("plots"));
        Path link = Files.createSymbolicLink(plots.resolve("probability_league.png"), target);
        int code = run("plot", "--model", GOLDEN.toString(), "--out", plots.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(link + ": is a symbolic link inside the output folder");
        assertThat(Files.readString(target)).isEqualTo("keep");
        try (var files = Files.list(plots)) {
            assertThat(files).containsExactly(link); // nothing was drawn
        }
    }

    @Test
    void predictCapsLineLengthAndNamesNonUtf8Lines() throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, io.github.finegrain.cli.PredictCommand.HEADER + "\n" + "x".repeat(100_000) + "\n");
        assertThat(run("predict", "--model", GOLDEN.toString(), "--input", csv.toString()))
                .isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(csv + " line 2: longer than the 65536 characters allowed in the CSV of "
                + "rows to score");
        byte[] latin1 = (io.github.finegrain.cli.PredictCommand.HEADER + "\nJos\u00e9,1,2,,,,,,,,,,\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(csv, latin1);
        assertThat(run("predict", "--model", GOLDEN.toString(), "--input", csv.toString()))
                .isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(csv + " line 2: the CSV of rows to score is not UTF-8 text");
    }

    @Test
    void predictCreatesAMissingOutputFolder() throws Exception {
        Path csv = Files.writeString(dir.resolve("rows.csv"), io.github.finegrain.cli.PredictCommand.HEADER
                + "\n(league),10,20,,,,,,,,,,\n");
        Path result = dir.resolve("new/sub/out.csv");
        int code = run("predict", "--model", GOLDEN.toString(), "--input", csv.toString(), "--output",
                result.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.readAllLines(result)).hasSize(2);
    }

    @Test
    void resumeRefusesARunFolderWithASymlinkedMetricsFile() throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Path target = Files.writeString(dir.resolve("elsewhere.json"), "keep");
        Files.createSymbolicLink(runDir.resolve("metrics.json"), target);
        int code = run("train", "--resume", runDir.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(runDir.resolve("metrics.json") + ": is a symbolic link");
        assertThat(Files.readString(target)).isEqualTo("keep");
    }

    @Test
    void tuneRefusesASpaceNamedDotDot() throws Exception {
        Path space = Files.writeString(dir.resolve("space.json"), "{\"formatVersion\": 1, \"name\": \"..\", "
                + "\"search\": \"random\", \"candidates\": 1, \"seed\": 1, \"parameters\": {}}");
        int code = run("tune", "--space", space.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(space + ": field 'name'");
    }

    @Test
    void childRefusesNamesThatLeaveTheFolderAndReplaceNeverFollowsALink() throws Exception {
        for (String bad : new String[] {"..", ".", "../x", "a/b", "/etc/passwd", ""}) {
            assertThatThrownBy(() -> CliFiles.child(dir, bad, "a result"))
                    .as(bad).isInstanceOf(DataFormatException.class).hasMessageContaining("would leave the folder");
        }
        assertThat(CliFiles.child(dir, "results.csv", "a result")).isEqualTo(dir.resolve("results.csv"));

        Path target = Files.writeString(dir.resolve("target.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("metrics.json"), target);
        CliFiles.replace(link, o -> o.write("new".getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readString(link)).isEqualTo("new");
        assertThat(Files.readString(target)).isEqualTo("keep");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("target.txt",
                    "metrics.json");
        }
    }
}
