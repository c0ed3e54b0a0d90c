package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.train.TrainedModel;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code finegrain train}: exit codes, files and the data section of metrics.json. */
class TrainCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CliRuns.run(out, err, args);
    }

    @Test
    void trainsOnASliceAndWritesModelAndMetrics() throws IOException {
        Path runDir = dir.resolve("run");
        int code = run("train", "--schedule", "single", "--run-dir", runDir.toString(), "--max-train-examples", "2000",
                "--epochs", "2");

        assertThat(code).as(err.toString()).isZero();
        assertThat(runDir.resolve("model.zip")).isRegularFile();
        assertThat(runDir.resolve("metrics.json")).isRegularFile();
        assertThat(out.toString()).startsWith("Data (bundled cle-starters-2015-16):")
                .contains("Wrote " + runDir.resolve("model.zip"));

        JsonNode m = new ObjectMapper().readTree(runDir.resolve("metrics.json").toFile());
        // frames, ball-handler frames, examples, shot attempts, positives: the whole split, as measured
        int[][] expected = {{22016, 18483, 9908, 259, 1251}, {10602, 8895, 4860, 137, 689},
            {13060, 11093, 5918, 167, 822}};
        String[] splits = {"train", "val", "test"};
        for (int s = 0; s < 3; s++) {
            JsonNode d = m.path("data").path(splits[s]);
            assertThat(new int[] {d.path("frames").asInt(-1), d.path("ballHandlerFrames").asInt(-1),
                d.path("examples").asInt(-1), d.path("shotAttempts").asInt(-1), d.path("positives").asInt(-1)})
                    .as(splits[s]).containsExactly(expected[s]);
            assertThat(d.path("nameAlignment").path("contradictions").asInt(-1)).isEqualTo(s == 2 ? 0 : 1);
        }
        assertThat(m.path("data").path("test").path("shotAttemptsPerGame")).hasSize(5);

        double auc = m.path("test").path("rocAuc").asDouble(Double.NaN);
        assertThat(auc).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
        assertThat(m.path("test").path("examples").asInt()).isEqualTo(5918);
        assertThat(m.path("test").path("positives").asInt()).isEqualTo(822);
        assertThat(m.path("baseline").path("test").path("rocAuc").asDouble()).isGreaterThan(0.5);
        assertThat(m.path("baseline").path("slopePerFoot").asDouble()).isNegative(); // closer = more shots
        assertThat(m.path("epochs").size()).isBetween(1, 2);
        double fallback = m.path("testFallbackShare").asDouble(-1);
        assertThat(fallback).isBetween(0.0, 1.0);

        TrainedModel model = ModelBundle.load(runDir.resolve("model.zip"));
        assertThat(model.tasks().size()).isEqualTo(m.path("tasks").asInt());
        assertThat(model.tasks().keys().get(0)).isEqualTo(TaskIndex.LEAGUE);
        assertThat(model.spec().court().label()).isEqualTo("8x10");
        assertThat(model.spec().defenderBox().label()).isEqualTo("6x6");
        java.util.Map<String, Object> options = ModelBundle.readManifest(runDir.resolve("model.zip")).trainingOptions();
        assertThat(options.get("rank")).isNull();
        assertThat(options.get("optimizer")).isEqualTo(io.github.finegrain.train.MultiResolutionOptions.defaults().optimizer()).isEqualTo("lazy-adam");
        assertThat(options.get("ladder")).isEqualTo(java.util.List.of("full-rank 8x10 / 6x6"));
        assertThat(m.path("validationSeconds").asDouble(-1)).isPositive();
    }

    @Test
    void multiresRunWritesTraceAndStagesAndCannotResumeAFinishedRun() throws IOException {
        Path runDir = dir.resolve("mr");
        int code = run("train", "--run-dir", runDir.toString(), "--max-train-examples", "2000", "--criterion",
                "steps", "--max-steps-per-stage", "8", "--batch", "512");
        assertThat(code).as(err.toString()).isZero();
        JsonNode m = new ObjectMapper().readTree(runDir.resolve("metrics.json").toFile());
        assertThat(m.path("stages")).hasSize(6);
        assertThat(m.path("stages").get(3).path("kind").asText()).isEqualTo("cp");
        assertThat(m.path("stages").get(3).path("handOffFit").asDouble()).isBetween(0.0, 1.0);
        assertThat(m.path("stages").get(5).path("court").asText()).isEqualTo("40x50");
        java.util.List<String> trace = Files.readAllLines(runDir.resolve("trace.csv"));
        assertThat(trace).hasSize(1 + 6 * 8);
        assertThat(trace.get(0)).startsWith("seconds,trainingSeconds,iteration,epoch,stage,kind,court,defender,minibatchLoss");
        assertThat(trace.stream().filter(l -> l.endsWith(",hand-off"))).hasSize(1);
        assertThat(trace.stream().filter(l -> l.endsWith(",fine-grain"))).hasSize(4);
        TrainedModel model = ModelBundle.load(runDir.resolve("model.zip"));
        // the final model is the stage with the lowest best validation loss
        JsonNode chosen = m.path("stages").get(m.path("finalStage").asInt(-1));
        assertThat(model.layerConf().kind().label()).isEqualTo(chosen.path("kind").asText());
        assertThat(model.spec().court().label()).isEqualTo(chosen.path("court").asText());
        for (JsonNode st : m.path("stages")) {
            assertThat(chosen.path("bestValidationLoss").asDouble())
                    .isLessThanOrEqualTo(st.path("bestValidationLoss").asDouble());
        }
        assertThat(m.path("validationSeconds").asDouble(-1)).isPositive()
                .isLessThan(m.path("trainSeconds").asDouble());
        io.github.finegrain.bundle.Manifest manifest = ModelBundle.readManifest(runDir.resolve("model.zip"));
        assertThat(manifest.stages()).hasSize(6);
        assertThat(manifest.trainingOptions()).containsKeys("rank", "delta", "criterion", "window", "minSteps",
                "optimizer", "learningRate", "cpLearningRate", "l2", "batchSize", "ladder", "seed");
        assertThat(manifest.trainingOptions().get("batchSize")).isEqualTo(512);
        assertThat(manifest.trainingOptions().get("criterion")).isEqualTo("steps");
        assertThat(manifest.trainingOptions().get("minSteps")).isEqualTo(40);
        assertThat((java.util.List<?>) manifest.trainingOptions().get("ladder")).hasSize(6)
                .first().isEqualTo("full-rank 4x5 / 6x6");

        int again = run("train", "--resume", runDir.toString(), "--max-train-examples", "2000");
        assertThat(again).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("the run already finished");

        // another model's network in place of the checkpoint's: the manifest refuses the mixed set, naming the file
        Path cp = runDir.resolve("checkpoint");
        com.fasterxml.jackson.databind.node.ObjectNode state = (com.fasterxml.jackson.databind.node.ObjectNode)
                new ObjectMapper().readTree(cp.resolve("state.json").toFile());
        assertThat(state.path("finished").asBoolean(false)).isTrue();
        JsonNode after0 = state.deepCopy();
        state.put("nextStage", 5);
        state.put("finished", false);
        state.withArray("stages").remove(5);
        Files.writeString(cp.resolve("state.json"), state.toString());
        Files.copy(Path.of("src/test/resources/golden/bundle-v1/model.zip"), cp.resolve("network.zip"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String traceBefore = Files.readString(runDir.resolve("trace.csv"));
        int mixed = run("train", "--resume", runDir.toString(), "--max-train-examples", "2000");
        assertThat(mixed).as(err.toString()).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(cp.resolve("network.zip") + ": ").contains("the checkpoint's manifest");
        // sealed again (the manifest agrees): the network is checked before any training, never marked finished
        io.github.finegrain.train.CheckpointFolder.seal(cp);
        int other = run("train", "--resume", runDir.toString(), "--max-train-examples", "2000");
        assertThat(other).as(err.toString()).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(out.toString()).contains("Resuming " + cp + ": stage 5 (cp 40x50 / 12x12) at minibatch 0 of the "
                + "stage, " + after0.path("iteration").asInt() + " in all");
        assertThat(err.toString()).contains(cp.resolve("network.zip") + ": the checkpoint's network (cp 40x50 / "
                + "12x12, 2 tasks, rank 20) is not the one this run's stage starts from").contains("another run");
        JsonNode after = new ObjectMapper().readTree(cp.resolve("state.json").toFile());
        assertThat(after.path("nextStage").asInt()).isEqualTo(5);
        assertThat(after.path("finished").asBoolean(true)).isFalse();
        assertThat(Files.readString(runDir.resolve("trace.csv"))).isEqualTo(traceBefore);
    }

    /** With --examples the training split is streamed from the file (counted, not held); val/test in memory. */
    @Test
    void streamsTheTrainingSplitOfAnExampleFile() throws IOException {
        Path f = dir.resolve("planted.fgex");
        io.github.finegrain.data.PlantedData.write(10, new int[] {4000, 500, 500}, 2, 0.15, 2.0, 3, f, "{}");
        Path runDir = dir.resolve("ex");
        int code = run("train", "--examples", f.toString(), "--run-dir", runDir.toString(), "--schedule", "fixed",
                "--court", "4x5", "--defender", "3x3", "--rank", "2", "--criterion", "steps", "--min-steps", "6",
                "--max-steps-per-stage", "6", "--batch", "256", "--min-task-examples", "300",
                "--max-train-examples", "3000");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("(streamed)");
        JsonNode m = new ObjectMapper().readTree(runDir.resolve("metrics.json").toFile());
        JsonNode train = m.path("data").path("train");
        assertThat(train.path("streamed").asBoolean()).isTrue();
        assertThat(train.path("examples").asInt()).isEqualTo(3000);
        assertThat(train.path("usedExamples").asInt()).isEqualTo(3000);
        assertThat(m.path("data").path("test").path("examples").asInt()).isEqualTo(500);
        assertThat(m.path("stages")).hasSize(2);
        // 10 players with about 300 of the 3000 examples each: those at or above 300 have a task
        assertThat(m.path("tasks").asInt()).isBetween(2, 11);
        java.util.List<String> trace = Files.readAllLines(runDir.resolve("trace.csv"));
        assertThat(trace).hasSize(1 + 2 * 6);
        // the baseline is fitted on the streamed split's examples (all of them below 1 M)
        var used = io.github.finegrain.data.ExampleFile.open(f).read(io.github.finegrain.data.Split.TRAIN)
                .subset(java.util.stream.IntStream.range(0, 3000).toArray());
        assertThat(m.path("baseline").path("slopePerFoot").asDouble())
                .isEqualTo(io.github.finegrain.eval.DistanceBaseline.fit(used).slope());
    }

    @Test
    void aRunThatFailsAfterTrainingIsNotMarkedFinishedAndItsResumeWritesTheModelWithoutTraining()
            throws IOException {
        Path runDir = dir.resolve("fails");
        // model.zip cannot be written: a non-empty folder stands in the place of its temporary file
        Files.createDirectories(runDir.resolve("model.zip.tmp").resolve("blocker"));
        int code = run("train", "--run-dir", runDir.toString(), "--max-train-examples", "2000", "--criterion",
                "steps", "--max-steps-per-stage", "4", "--batch", "512", "--checkpoint-minutes", "2.5");
        assertThat(code).as(out.toString()).isNotZero();
        assertThat(new ObjectMapper().readTree(runDir.resolve("run-options.json").toFile())
                .path("checkpointMinutes").asDouble()).isEqualTo(2.5);
        Path cp = runDir.resolve("checkpoint");
        JsonNode state = new ObjectMapper().readTree(cp.resolve("state.json").toFile());
        assertThat(state.path("nextStage").asInt()).isEqualTo(6);
        assertThat(state.path("finished").asBoolean(true)).isFalse();
        assertThat(cp.resolve("manifest.json")).isRegularFile();

        Files.delete(runDir.resolve("model.zip.tmp").resolve("blocker"));
        Files.delete(runDir.resolve("model.zip.tmp"));
        int resumed = run("train", "--resume", runDir.toString(), "--max-train-examples", "2000");
        assertThat(resumed).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Resuming " + cp + ": all 6 stages are trained; writing the outputs");
        assertThat(runDir.resolve("model.zip")).isRegularFile();
        assertThat(new ObjectMapper().readTree(cp.resolve("state.json").toFile()).path("finished").asBoolean())
                .isTrue();
        // nothing was trained again: the trace is the first run's
        assertThat(Files.readAllLines(runDir.resolve("trace.csv"))).hasSize(1 + 6 * 4);
    }

    /** A second train into a run folder that a running train holds is refused before it reads or writes anything. */
    @Test
    void aRunFolderInUseIsRefused() throws IOException {
        Path runDir = dir.resolve("busy");
        Files.createDirectories(runDir);
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(runDir.resolve(".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock held = c.lock()) {
            int code = run("train", "--run-dir", runDir.toString(), "--max-train-examples", "2000");
            assertThat(code).isEqualTo(2);
            assertThat(err.toString()).contains("run folder " + runDir + " is in use by another train");
            assertThat(out.toString()).doesNotContain("Data (");
        }
        try (var files = Files.list(runDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(".lock");
        }
    }

    @Test
    void badGridIsAUsageError() {
        int code = run("train", "--run-dir", dir.resolve("run").toString(), "--court", "0x5");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("grid dimensions must be positive, found '0x5'")
                .contains("finegrain train --help");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void unknownOptimizerIsAUsageError() {
        int code = run("train", "--run-dir", dir.resolve("run").toString(), "--optimizer", "foo");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("optimizer must be one of adam, sgd, lazy-adam, adagrad, found 'foo'");
    }

    @Test
    void lazyAdamTrainsTheMultiResolutionScheduleThroughTheRowSparseStep() throws IOException {
        Path runDir = dir.resolve("lazy");
        int code = run("train", "--run-dir", runDir.toString(), "--max-train-examples", "2000", "--criterion",
                "steps", "--max-steps-per-stage", "8", "--batch", "512", "--optimizer", "lazy-adam");
        assertThat(code).isZero();
        com.fasterxml.jackson.databind.JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(runDir.resolve("metrics.json").toFile());
        assertThat(m.get("stages")).hasSize(io.github.finegrain.train.MultiResolutionOptions.paperLadder().size());
        assertThat(m.path("test").path("logLoss").asDouble(Double.NaN)).isFinite().isLessThan(0.7);
    }

    @Test
    void helpShowsTheDefaultsOfTheOptionsRecord() {
        int code = run("train", "--help");
        assertThat(code).isZero();
        io.github.finegrain.train.MultiResolutionOptions d = io.github.finegrain.train.MultiResolutionOptions
                .defaults();
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("Minibatches before a rule may end a stage (default: " + d.rules().minSteps() + ")")
                .contains("Learning rate (default: " + d.learningRate() + ")")
                .contains("CP rank K (default: " + d.rank() + ")")
                .contains("Learning rate of the CP stages (default: " + d.cpLearningRate() + ")")
                .contains("checkpoint inside a stage after this many minutes (at the next completed entropy window) "
                        + "(default: 5)");
        assertThat(d.checkpointMinutes()).isEqualTo(5);
        assertThat(d.rules().minSteps()).isEqualTo(40);
    }

    @Test
    void optionsWithoutFlagsAreTheJavaDefaults() {
        TrainCommand c = new TrainCommand();
        new picocli.CommandLine(c).parseArgs();
        assertThat(c.multiResolutionOptions(1000))
                .isEqualTo(io.github.finegrain.train.MultiResolutionOptions.defaults());
    }

    @Test
    void runDirThatIsAFileIsBadInputNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        int code = run("train", "--run-dir", file.toString(), "--schedule", "single");
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(file + ": is a file; expected a folder");
    }

    @Test
    void rankTooLargeForTheHandOffFailsBeforeTraining() {
        int code = run("train", "--run-dir", dir.resolve("run").toString(), "--rank", "100000");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("rank 100000 is too large for the hand-off tensor");
        assertThat(out.toString()).doesNotContain("stage 0");
    }

    @Test
    void nonNumericValueIsAUsageError() {
        int code = run("train", "--run-dir", dir.resolve("run").toString(), "--epochs", "many");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--epochs").contains("many");
    }

    @Test
    void emptyDataDirectoryIsBadInputNamingTheFile() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        int code = run("train", "--run-dir", dir.resolve("run").toString(), "--data", empty.toString());
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString().strip()).isEqualTo("error: bad input: "
                + empty.resolve("player_coords_train__with_5_games.npy") + ": no such file or folder");
    }

    @Test
    void aRunNeverOverwritesAnotherAndResumeRefusesOptionsItWouldIgnore() throws IOException {
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("metrics.json"), "{\"mine\": true}");
        int code = run("train", "--run-dir", busy.toString(), "--schedule", "single");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--run-dir " + busy + " already holds a run (metrics.json)");
        assertThat(Files.readString(busy.resolve("metrics.json"))).isEqualTo("{\"mine\": true}");
        try (var files = Files.list(busy)) {
            assertThat(files).hasSize(1);
        }

        err.getBuffer().setLength(0);
        int resumed = run("train", "--resume", busy.toString(), "--rank", "5", "--criterion", "never");
        assertThat(resumed).isEqualTo(2);
        assertThat(err.toString()).contains("these cannot be given again: --rank, --criterion");
    }
}
