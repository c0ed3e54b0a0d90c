package io.github.finegrain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.data.SplitSummary;
import io.github.finegrain.data.TrackingSplit;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.eval.DistanceBaseline;
import io.github.finegrain.eval.Evaluation;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.io.ModelBundle;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.Trainer;
import io.github.finegrain.train.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finegrain train}: trains the full-rank spatial model on the bundled real data (or a directory in the same
 * layout, or with {@code --examples} an example file of {@code import-sportvu}, whose games carry their split),
 * evaluates it and the distance baseline on the validation and test games, and writes {@code model.zip} and
 * {@code metrics.json} to the run directory. Player task keys map through the model's task map; players unseen in
 * training (or below {@code --min-task-examples}) are scored on the league task.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a spatial model on the bundled real NBA tracking data (or on an example file of "
                + "import-sportvu with --examples) and evaluate it on the test games.")
public final class TrainCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory in the bundled data's layout (default: the data bundled in the jar).")
    Path data;

    @Option(names = "--examples", paramLabel = "FILE",
            description = "Train on an example file written by import-sportvu instead of the bundled data: train, "
                    + "val and test are the file's games of each split (its split by game).")
    Path examplesFile;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Output directory (default: runs/<timestamp>).")
    Path runDir;

    @Option(names = "--court", paramLabel = "RxC", defaultValue = "8x10",
            description = "Court grid over 40 x 50 ft (default: ${DEFAULT-VALUE}).")
    String court;

    @Option(names = "--defender", paramLabel = "RxC", defaultValue = "6x6",
            description = "Defender grid over the 12 x 12 ft box (default: ${DEFAULT-VALUE}).")
    String defender;

    @Option(names = "--epochs", defaultValue = "40", description = "Maximum epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", defaultValue = "5",
            description = "Stop after this many epochs without a better validation loss (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--batch", defaultValue = "1024", description = "Rows per minibatch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.02", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--l2", defaultValue = "1e-4", description = "L2 on F, bias excluded (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--positive-weight", defaultValue = "1.0",
            description = "Weight of positive rows in the log loss (default: ${DEFAULT-VALUE}).")
    double positiveWeight;

    @Option(names = "--seed", defaultValue = "12345", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--min-task-examples", defaultValue = "1000", paramLabel = "N",
            description = "A player gets his own task with at least N training examples; others use the league "
                    + "task (default: ${DEFAULT-VALUE}).")
    int minTaskExamples;

    @Option(names = "--max-train-examples", paramLabel = "N",
            description = "Use only the first N training examples (a quick slice for smoke tests).")
    Integer maxTrainExamples;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int[] c = GridSpec.parseRowsCols(court);
        int[] d = GridSpec.parseRowsCols(defender);
        TrainingOptions options = new TrainingOptions(GridSpec.court(c[0], c[1]), GridSpec.defenderBox(d[0], d[1]),
                epochs, patience, batch, optimizer, learningRate, l2, positiveWeight, seed, DataType.FLOAT,
                minTaskExamples);
        Path dir = runDir != null ? runDir
                : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);

        Map<Split, ExampleSet> examples = new EnumMap<>(Split.class);
        Map<String, Object> dataJson = new LinkedHashMap<>();
        if (examplesFile != null) {
            if (data != null) {
                throw new IllegalArgumentException("--examples and --data exclude each other");
            }
            loadExampleFile(out, examples, dataJson);
        } else {
            loadBundled(out, examples, dataJson);
        }
        ExampleSet train = examples.get(Split.TRAIN);
        ExampleSet val = examples.get(Split.VAL);
        ExampleSet test = examples.get(Split.TEST);

        out.printf("Training full-rank model: court %s, defender %s, %s lr=%s, batch %d, up to %d epochs%n",
                options.court().label(), options.defenderBox().label(), optimizer, learningRate, batch, epochs);
        Trainer.Result result = new Trainer(options).fit(train, val);
        out.printf("  %d epochs, best %d, %.1f s%n", result.epochs().size(), result.bestEpoch(), result.seconds());

        Evaluation model = Evaluation.of(result.model().predict(val), val.labels(), result.model().predict(test),
                test.labels());
        DistanceBaseline baseline = DistanceBaseline.fit(train);
        Evaluation base = Evaluation.of(baseline.predict(val), val.labels(), baseline.predict(test), test.labels());
        int fallback = ExampleRows.fallbackCount(test, result.model().tasks());
        java.util.Set<String> trainPlayers = new java.util.HashSet<>(java.util.Arrays.asList(train.taskKeys()));
        long unseen = java.util.Arrays.stream(test.taskKeys()).filter(k -> !trainPlayers.contains(k)).count();

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("data", dataJson);
        metrics.put("test", model.test());
        metrics.put("val", model.validation());
        metrics.put("baseline", Map.of("test", base.test(), "val", base.validation(),
                "intercept", baseline.intercept(), "slopePerFoot", baseline.slope()));
        metrics.put("testFallbackShare", (double) fallback / test.size());
        metrics.put("testUnseenPlayerShare", (double) unseen / test.size());
        metrics.put("tasks", result.model().tasks().size());
        metrics.put("trainSeconds", result.seconds());
        metrics.put("epochs", result.epochs());
        metrics.put("bestEpoch", result.bestEpoch());
        metrics.put("options", options);
        ModelBundle.save(result.model(), ModelBundle.manifestOf(result.model(), List.of()), dir.resolve("model.zip"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("metrics.json").toFile(), metrics);

        out.printf("Test games: %d examples, %d positives; %.1f%% scored on the league task (%.1f%% by players never "
                + "seen in training, the rest below --min-task-examples)%n", test.size(), test.positives(),
                100.0 * fallback / test.size(), 100.0 * unseen / test.size());
        printMetrics(out, "model", model.test());
        printMetrics(out, "baseline", base.test());
        out.println("Wrote " + dir.resolve("model.zip") + " and " + dir.resolve("metrics.json"));
        return 0;
    }

    /** The bundled data (or {@code --data}), example rules of {@link ExampleBuilder}. */
    private void loadBundled(PrintWriter out, Map<Split, ExampleSet> examples, Map<String, Object> dataJson)
            throws java.io.IOException {
        out.println("Data (" + (data == null ? "bundled cle-starters-2015-16" : data) + "):");
        out.printf("  %-5s %7s %9s %8s %6s %8s %9s %6s  %s%n", "split", "frames", "bhFrames", "examples", "shots",
                "shots/min", "positives", "rate", "shots per game");
        for (Split s : Split.values()) {
            TrackingSplit t = data == null ? BundledData.load(s) : BundledData.load(data, s);
            ExampleBuilder.Result r = ExampleBuilder.build(t);
            ExampleSet ex = r.examples();
            if (s == Split.TRAIN && maxTrainExamples != null && maxTrainExamples < ex.size()) {
                ex = ex.subset(java.util.stream.IntStream.range(0, maxTrainExamples).toArray());
            }
            examples.put(s, ex);
            SplitSummary m = r.summary();
            out.printf("  %-5s %7d %9d %8d %6d %8.2f %9d %6.3f  %s%n", s.key(), m.frames(), m.ballHandlerFrames(),
                    m.examples(), m.shotAttempts(), m.attemptsPerMinute(), m.positives(), m.positiveRate(),
                    java.util.Arrays.toString(m.shotAttemptsPerGame()));
            Map<String, Object> sj = new LinkedHashMap<>();
            sj.put("frames", m.frames());
            sj.put("ballHandlerFrames", m.ballHandlerFrames());
            sj.put("examples", m.examples());
            sj.put("shotAttempts", m.shotAttempts());
            sj.put("positives", m.positives());
            sj.put("positiveRate", m.positiveRate());
            sj.put("minutes", m.minutes());
            sj.put("shotAttemptsPerMinute", m.attemptsPerMinute());
            sj.put("shotAttemptsPerGame", m.shotAttemptsPerGame());
            sj.put("shotsToOwnBasketShare", m.ownBasketShare());
            sj.put("skippedBallHandlerFrames", m.skips());
            sj.put("nameAlignment", Map.of("contradictions", t.alignment().contradictions(), "nameChanges",
                    t.alignment().nameChanges(), "repeatedOrSkippedLines", t.alignment().offSteps(),
                    "unknownNames", t.alignment().ambiguousColumns()));
            dataJson.put(s.key(), sj);
        }
    }

    /** An example file of import-sportvu: its games of each split; checked completely (checksum included). */
    private void loadExampleFile(PrintWriter out, Map<Split, ExampleSet> examples, Map<String, Object> dataJson)
            throws java.io.IOException {
        ExampleFile file = ExampleFile.open(examplesFile);
        file.verifyChecksum();
        out.println("Data (" + examplesFile + ", " + file.games().size() + " games, " + file.tasks().size()
                + " players):");
        out.printf("  %-5s %6s %9s %9s %6s%n", "split", "games", "examples", "positives", "rate");
        dataJson.put("examples", examplesFile.toString());
        dataJson.put("exampleFileMetadata", new ObjectMapper().readValue(file.metadata(), Map.class));
        for (Split s : Split.values()) {
            ExampleSet ex = file.read(s);
            long games = file.games().stream().filter(g -> g.split() == s).count();
            if (ex.size() == 0) {
                throw new DataFormatException(examplesFile + ": the " + s.key() + " split has no examples ("
                        + games + " games); import more games or change the split");
            }
            if (s == Split.TRAIN && maxTrainExamples != null && maxTrainExamples < ex.size()) {
                ex = ex.subset(java.util.stream.IntStream.range(0, maxTrainExamples).toArray());
            }
            examples.put(s, ex);
            out.printf("  %-5s %6d %9d %9d %6.3f%n", s.key(), games, ex.size(), ex.positives(),
                    (double) ex.positives() / ex.size());
            Map<String, Object> sj = new LinkedHashMap<>();
            sj.put("games", file.games().stream().filter(g -> g.split() == s).map(ExampleFile.Game::gameId).toList());
            sj.put("examples", ex.size());
            sj.put("positives", ex.positives());
            sj.put("positiveRate", (double) ex.positives() / ex.size());
            dataJson.put(s.key(), sj);
        }
    }

    private static void printMetrics(PrintWriter out, String name, BinaryMetrics m) {
        out.printf("  %-9s log loss %.4f  ROC AUC %.4f  AP %.4f  F1 %.4f (threshold %.3f from val)%n", name,
                m.logLoss(), m.rocAuc(), m.averagePrecision(), m.f1(), m.threshold());
    }
}
