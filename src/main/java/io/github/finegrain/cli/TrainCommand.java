package io.github.finegrain.cli;

import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.model.ModelKind;
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
import io.github.finegrain.eval.ModelEvaluation;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.train.ExampleFileRows;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.StreamedTrainingData;
import io.github.finegrain.train.Trainer;
import io.github.finegrain.train.TrainingOptions;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.FineGrainRules;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.StageRecord;
import io.github.finegrain.train.StageSpec;
import io.github.finegrain.train.TraceRow;
import io.github.finegrain.train.TrainedModel;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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
@Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = TrainingDefaults.class,
        description = "Train a spatial model on the bundled real NBA tracking data (or on an example file of "
                + "import-sportvu with --examples) and evaluate it on the test games.")
public final class TrainCommand implements Callable<Integer> {
    /** What a run writes into its folder; a new run refuses a folder that already has any of them. */
    static final List<String> RUN_OUTPUTS = List.of("model.zip", "metrics.json", "trace.csv", "run-options.json",
            "checkpoint", "report");

    /** The options {@code --resume} may be given with (data selection and the checkpoint interval). */
    static final List<String> RESUME_OPTIONS = List.of("--resume", "--schedule", "--data", "--examples",
            "--max-train-examples", "--checkpoint-minutes");

    /** Largest minibatch a resumed run's options may ask for. */
    static final int MAX_BATCH = 1 << 24;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory in the bundled data's layout (default: the data bundled in the jar).")
    Path data;

    @Option(names = "--examples", paramLabel = "FILE",
            description = "Train on an example file (written by import-sportvu or bench fig3 --write-examples) "
                    + "instead of the bundled data: train, val and test are the file's games of each split (its split "
                    + "by game). With --schedule multires or fixed the train split is streamed from the file in a "
                    + "block-shuffled order every epoch, never held in memory; val and test are read into memory.")
    Path examplesFile;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Output directory (default: runs/<timestamp>).")
    Path runDir;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the interrupted multires/fixed run in DIR from its last checkpoint (DIR/checkpoint: "
                    + "at a stage boundary or inside a stage); give the same --data and --max-train-examples as the "
                    + "first run. The run's options come from DIR/run-options.json (--checkpoint-minutes may be given "
                    + "again).")
    Path resume;

    @Option(names = "--schedule", defaultValue = "multires",
            description = "multires (MMT-SE: full-rank 4x5/6x6 -> 8x10/6x6 -> 8x10/12x12, CP hand-off, CP 8x10 -> "
                    + "20x25 -> 40x50 with 12x12 defenders), fixed (full-rank at the finest grid or --court/--defender, "
                    + "then CP there) or single (the full-rank model alone at --court/--defender, by epochs) "
                    + "(default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--court", paramLabel = "RxC",
            description = "Court grid over 40 x 50 ft for --schedule fixed or single (default: 8x10 for single, "
                    + "40x50 for fixed).")
    String court;

    @Option(names = "--defender", paramLabel = "RxC",
            description = "Defender grid over the 12 x 12 ft box for --schedule fixed or single (default: 6x6 for "
                    + "single, 12x12 for fixed).")
    String defender;

    @Option(names = "--criterion",
            description = "Rule that ends a stage: entropy (= entropy-validation), entropy-validation, literal, "
                    + "window-increase, window-plateau, patience, relative, loss, val-loss, val-plateau, steps, never "
                    + "(default: ${DEFAULT-VALUE}).")
    String criterion;

    @Option(names = "--plateau-steps", paramLabel = "N",
            description = "Validation plateau of the entropy-validation and val-plateau rules: minibatches without an "
                    + "improvement of --min-improvement (default: ${DEFAULT-VALUE}).")
    int plateauSteps;

    @Option(names = "--min-improvement", paramLabel = "NATS",
            description = "Validation log loss improvement that counts for the plateau, nats (default: "
                    + "${DEFAULT-VALUE}).")
    double minImprovement;

    @Option(names = "--delta",
            description = "Threshold of the entropy rules, normalized entropy (default: ${DEFAULT-VALUE}).")
    double delta;

    @Option(names = "--min-steps",
            description = "Minibatches before a rule may end a stage (default: ${DEFAULT-VALUE}).")
    int minSteps;

    @Option(names = "--window",
            description = "Minibatches per window of the accumulated-gradient entropy (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--rank", description = "CP rank K (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--handoff", defaultValue = "8x10,12x12", paramLabel = "RxC,RxC|auto",
            description = "Court and defender grid of the CP hand-off (the last full-rank stage), or auto: the "
                    + "finest full-rank grid of the ladder whose F fits --memory-budget (default: ${DEFAULT-VALUE}).")
    String handoff;

    @Option(names = "--memory-budget", defaultValue = "64", paramLabel = "MB",
            description = "Memory for the full-rank F (float) when --handoff auto, MB (default: ${DEFAULT-VALUE}).")
    double memoryBudgetMb;

    @Option(names = "--max-steps-per-stage",
            description = "A stage ends after this many minibatches whatever its rule (default: ${DEFAULT-VALUE}).")
    int maxStepsPerStage;

    @Option(names = "--max-minutes",
            description = "Training stops after this many minutes (default: ${DEFAULT-VALUE}).")
    double maxMinutes;

    @Option(names = "--checkpoint-minutes", paramLabel = "MIN",
            description = "Besides the checkpoint at every stage boundary, checkpoint inside a stage after this many "
                    + "minutes (at the next completed entropy window) (default: ${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @Option(names = "--validate-every", paramLabel = "N",
            description = "Validation log loss every N minibatches and at each stage's last one; each stage keeps its "
                    + "best-validation parameters (default: ${DEFAULT-VALUE}).")
    int validateEvery;

    @Option(names = "--epochs",
            description = "Maximum epochs for --schedule single (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience",
            description = "--schedule single stops after this many epochs without a better validation loss "
                    + "(default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--batch", description = "Rows per minibatch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", description = "lazy-adam or adagrad (row-sparse steps: only the rows a minibatch touches), adam or sgd "
                    + "(DL4J's dense net.fit) (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--cp-lr",
            description = "Learning rate of the CP stages (default: ${DEFAULT-VALUE}).")
    double cpLearningRate;

    @Option(names = "--lr-decay", paramLabel = "FACTOR",
            description = "Factor on the learning rate at every fine-graining, in (0, 1]; the hand-off starts the CP "
                    + "stages at --cp-lr (default: ${DEFAULT-VALUE}).")
    double learningRateDecay;

    @Option(names = "--l2", description = "L2 on F on the mean log loss of a minibatch, bias excluded (default: "
            + "${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--l2-prior", paramLabel = "P",
            description = "L2 on the summed log loss of the training rows: --l2 + P / training rows is applied, so "
                    + "the regularization weakens as the data grow (default: ${DEFAULT-VALUE}).")
    double l2Prior;

    @Option(names = "--positive-weight",
            description = "Weight of positive rows in the log loss (default: ${DEFAULT-VALUE}).")
    double positiveWeight;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--min-task-examples", paramLabel = "N",
            description = "A player gets his own task with at least N training examples; others use the league "
                    + "task (default: ${DEFAULT-VALUE}).")
    int minTaskExamples;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Train the multires or fixed schedule on Apache Spark at MASTER (e.g. local[2] or "
                    + "spark://host:7077) with DL4J's parameter averaging; the driver measures each round's spatial "
                    + "entropy and performs the swaps. Needs a build with the spark profile (mvn -Pspark package).")
    String sparkMaster;

    @Option(names = "--max-train-examples", paramLabel = "N",
            description = "Use only the first N training examples (a quick slice for smoke tests).")
    Integer maxTrainExamples;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (resume != null && !schedule.equals("multires") && !schedule.equals("fixed")) {
            throw new IllegalArgumentException("--resume works with --schedule multires or fixed");
        }
        validateOptions();
        SparkTraining sparkTraining = sparkMaster == null ? null : SparkTraining.load();
        if (resume != null) {
            // the resumed run keeps the options it was started with (run-options.json): refuse changes, not ignore them
            List<String> fixed = spec.commandLine().getParseResult().matchedOptions().stream()
                    .map(o -> o.longestName()).filter(n -> !RESUME_OPTIONS.contains(n)).distinct().toList();
            if (!fixed.isEmpty()) {
                throw new IllegalArgumentException("--resume continues with the options the run was started with ("
                        + "run-options.json); these cannot be given again: " + String.join(", ", fixed)
                        + " (allowed with --resume: " + String.join(", ", RESUME_OPTIONS) + ")");
            }
        }
        if (data != null) {
            CliFiles.inputFolder(data, "a folder in the bundled data's layout");
        }
        if (resume != null) {
            CliFiles.inputFolder(resume, "the run folder to resume");
            if (!Files.exists(resume.resolve("checkpoint"), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && trainedOnSpark(resume)) {
                throw new IllegalArgumentException("--resume " + resume + ": this run was trained with --spark, "
                        + "which writes no checkpoints; it cannot be resumed");
            }
        }
        if ((court != null || defender != null) && schedule.equals("multires")) {
            spec.commandLine().getErr().println("note: --court/--defender apply to --schedule fixed or single; the "
                    + "multires schedule uses its ladder (see --handoff)");
        }
        Path dir = resume != null ? resume : runDir != null ? runDir
                : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (resume == null) {
            List<String> previous = RUN_OUTPUTS.stream()
                    .filter(n -> Files.exists(dir.resolve(n), java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
            if (!previous.isEmpty()) {
                throw new IllegalArgumentException("--run-dir " + dir + " already holds a run (" + String.join(", ",
                        previous) + "): a run never overwrites another; choose a new folder, or --resume it (a "
                        + "run trained without --spark)");
            }
        }
        CliFiles.outputFolder(dir, "the run's files");
        // a run overwrites these: a symbolic link among them would redirect the write elsewhere
        CliFiles.noSymbolicLinks(dir, Stream.concat(RUN_OUTPUTS.stream(),
                Stream.of("model.zip.tmp", "checkpoint.new", "checkpoint.old", LOCK)).toArray(String[]::new));
        // one train at a time per run folder: a second one (a new run or a --resume) is refused while this one runs
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir.resolve(LOCK),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS); java.nio.channels.FileLock lock = lock(channel, dir)) {
            return train(out, dir, sparkTraining);
        }
    }

    /** The run folder's lock file, held while a train writes the folder. */
    static final String LOCK = ".lock";

    private static java.nio.channels.FileLock lock(java.nio.channels.FileChannel channel, Path dir)
            throws IOException {
        java.nio.channels.FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this JVM (another command run in-process)
        }
        if (lock == null) {
            throw new IllegalArgumentException("run folder " + dir + " is in use by another train (it holds the lock "
                    + dir.resolve(LOCK) + "); wait for that run to end or choose another --run-dir");
        }
        return lock;
    }

    /** Trains, evaluates and writes the run folder {@code dir} (locked by the caller). */
    private int train(PrintWriter out, Path dir, SparkTraining sparkTraining) throws Exception {
        Map<String, Object> dataJson = new LinkedHashMap<>();
        Map<Split, ExampleSet> examples = loadExamples(out, dataJson);
        ExampleSet train = examples.get(Split.TRAIN); // null when streamed from --examples (streamedTrain)
        ExampleSet val = examples.get(Split.VAL);
        ExampleSet test = examples.get(Split.TEST);

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("data", dataJson);
        TrainedModel model;
        List<Map<String, Object>> stageHistory = new ArrayList<>();
        double seconds;
        double validationSeconds;
        Map<String, Object> provenance;
        switch (schedule) {
            case "single" -> {
                TrainingOptions options = singleOptions();
                out.printf("Training full-rank model: court %s, defender %s, %s lr=%s, batch %d, up to %d epochs%n",
                        options.court().label(), options.defenderBox().label(), optimizer, learningRate, batch, epochs);
                Trainer.Result result = new Trainer(options).fit(train, val);
                out.printf("  %d epochs, best %d, %.1f s%n", result.epochs().size(), result.bestEpoch(),
                        result.seconds());
                model = result.model();
                seconds = result.seconds();
                validationSeconds = result.validationSeconds();
                provenance = options.provenance();
                metrics.put("epochs", result.epochs());
                metrics.put("bestEpoch", result.bestEpoch());
                metrics.put("options", options);
            }
            case "multires", "fixed" -> {
                int tasks = (streamedTrain != null ? TaskIndex.fromCounts(streamedTrain.taskCounts(), minTaskExamples)
                        : TaskIndexes.fromTraining(train, minTaskExamples)).size();
                Path optionsFile = dir.resolve("run-options.json");
                MultiResolutionOptions options;
                if (resume != null) {
                    if (!Files.isRegularFile(optionsFile)) {
                        throw new io.github.finegrain.data.DataFormatException(optionsFile
                                + ": missing; --resume needs the folder of a multires or fixed run written by train "
                                + "(a --schedule single run has no checkpoint to resume)");
                    }
                    com.fasterxml.jackson.databind.JsonNode tree = io.github.finegrain.data.JsonFiles.readTree(
                            optionsFile, "run options");
                    if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                        // written before mid-stage checkpoints existed; or given again on the command line
                        if (!o.has("checkpointMinutes") || spec.commandLine().getParseResult()
                                .hasMatchedOption("--checkpoint-minutes")) {
                            o.put("checkpointMinutes", checkpointMinutes);
                        }
                    }
                    options = io.github.finegrain.data.JsonFiles.convert(tree, MultiResolutionOptions.class,
                            optionsFile.toString(), "run options");
                    if (options.batchSize() > MAX_BATCH) {
                        throw new io.github.finegrain.data.DataFormatException(optionsFile + ": bad run options field "
                                + "batchSize: at most " + MAX_BATCH + ", found " + options.batchSize());
                    }
                } else {
                    options = multiResolutionOptions(tasks);
                    checkRankFits(options, tasks);
                    if (sparkTraining == null) {
                        // what --resume continues with; a Spark run writes no checkpoints, and writes it at the end
                        MAPPER.writeValue(optionsFile.toFile(), options);
                    }
                }
                out.printf("Training %s schedule, criterion %s (delta %s), rank %d, %d stages:%n", schedule,
                        options.criterion().cliName(), delta, rank, options.ladder().size());
                MultiResolutionTrainer trainer = new MultiResolutionTrainer(options, new DefaultStageTransition())
                        .withProgress(new StageProgressBar(out));
                Path checkpoint = dir.resolve("checkpoint");
                MultiResolutionTrainer.Result result;
                Map<String, Object> sparkJson = null;
                if (resume != null) {
                    printResumePoint(out, checkpoint, options);
                }
                if (sparkTraining != null) {
                    // no checkpoints on Spark (yet); with --examples the executors read the training split
                    SparkTraining.Outcome o = streamedTrain != null
                            ? sparkTraining.fit(sparkMaster, options, streamedTrain, val, new StageProgressBar(out))
                            : sparkTraining.fit(sparkMaster, options, train, val, new StageProgressBar(out));
                    result = o.result();
                    sparkJson = o.spark();
                    MAPPER.writeValue(optionsFile.toFile(), options);
                    out.printf(java.util.Locale.ROOT, "  on Spark %s: %s executors, %s averaging rounds of %s "
                            + "minibatches per executor, workers' step %s%n", sparkJson.get("master"),
                            sparkJson.get("executors"), sparkJson.get("rounds"), sparkJson.get("averagingFrequency"),
                            sparkJson.get("workerStep"));
                } else if (streamedTrain != null) {
                    StreamedTrainingData sd = streamedData(options, val);
                    result = resume != null ? trainer.resume(sd, checkpoint)
                            : trainer.fit(sd, checkpoint, Integer.MAX_VALUE);
                } else {
                    result = resume != null ? trainer.resume(train, val, checkpoint)
                            : trainer.fit(train, val, checkpoint, Integer.MAX_VALUE);
                }
                for (StageRecord r : result.stages()) {
                    out.printf("  stage %d %-9s %-6s / %-6s %5d minibatches %6.1f s  %-20s validation log loss %.5f -> best %.5f%s%n",
                            r.index(), r.kind(), r.court(), r.defender(), r.iterations(), r.seconds(), r.endReason(),
                            r.startValidationLoss(), r.bestValidationLoss(), Double.isNaN(r.handOffFit()) ? ""
                                    : String.format("  (hand-off fit %.3f)", r.handOffFit()));
                    stageHistory.add(MAPPER.convertValue(r, MAP));
                }
                StageRecord chosen = result.finalRecord();
                out.printf("  final model: stage %d (%s %s / %s), best validation log loss %.5f%s%n", chosen.index(),
                        chosen.kind(), chosen.court(), chosen.defender(), chosen.bestValidationLoss(),
                        chosen.index() == result.stages().get(result.stages().size() - 1).index() ? ""
                                : " (the later stages did not win back what their swap cost)");
                out.printf("  %.1f s of training: %.1f s minibatch steps, %.1f s validation%n", result.seconds(),
                        result.stepSeconds(), result.validationSeconds());
                try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("trace.csv")))) {
                    w.println(TraceRow.HEADER);
                    for (TraceRow row : result.trace()) {
                        w.println(row.csv());
                    }
                }
                model = result.model();
                seconds = result.seconds();
                validationSeconds = result.validationSeconds();
                provenance = options.provenance();
                metrics.put("stages", stageHistory);
                metrics.put("finalStage", result.finalStage());
                metrics.put("stepSeconds", result.stepSeconds());
                metrics.put("trainingRows", result.trainingRows());
                metrics.put("l2Applied", result.l2());
                metrics.put("options", options);
                if (sparkJson != null) {
                    metrics.put("spark", sparkJson);
                }
            }
            default -> throw new IllegalArgumentException("--schedule must be multires, fixed or single, found '"
                    + schedule + "'");
        }

        ModelEvaluation evaluation = ModelEvaluation.of(model.predict(val), val.labels(), model.predict(test), test.labels());
        DistanceBaseline baseline = DistanceBaseline.fit(train != null ? train : baselineSample());
        ModelEvaluation base = ModelEvaluation.of(baseline.predict(val), val.labels(), baseline.predict(test), test.labels());
        int fallback = ExampleRows.fallbackCount(test, model.tasks());
        Set<String> trainPlayers = train != null ? new HashSet<>(Arrays.asList(train.taskKeys()))
                : streamedTrain.taskCounts().keySet();
        long unseen = Arrays.stream(test.taskKeys()).filter(k -> !trainPlayers.contains(k)).count();

        metrics.put("test", evaluation.test());
        metrics.put("val", evaluation.validation());
        metrics.put("baseline", Map.of("test", base.test(), "val", base.validation(),
                "intercept", baseline.intercept(), "slopePerFoot", baseline.slope()));
        metrics.put("testFallbackShare", (double) fallback / test.size());
        metrics.put("testUnseenPlayerShare", (double) unseen / test.size());
        metrics.put("tasks", model.tasks().size());
        metrics.put("trainSeconds", seconds);
        metrics.put("validationSeconds", validationSeconds);
        ModelBundle.save(model, ModelBundle.manifestOf(model, stageHistory).withTrainingOptions(provenance),
                dir.resolve("model.zip"));
        CliFiles.replace(dir.resolve("metrics.json"), o -> MAPPER.writeValue(o, metrics));

        out.printf("Test games: %d examples, %d positives; %.1f%% scored on the league task (%.1f%% by players never "
                + "seen in training, the rest below --min-task-examples)%n", test.size(), test.positives(),
                100.0 * fallback / test.size(), 100.0 * unseen / test.size());
        printMetrics(out, "model", evaluation.test());
        printMetrics(out, "distance-to-basket baseline", base.test());
        Path report = PlotCommand.writeReport(model, dir.resolve("trace.csv"), dir.resolve("metrics.json"),
                dir.resolve("report"), 6);
        if (!schedule.equals("single") && sparkMaster == null) {
            // only now, with every output written, is the run finished: a run that failed before can be resumed
            io.github.finegrain.train.RunCheckpoint.markFinished(dir.resolve("checkpoint"));
        }
        out.println("Wrote " + dir.resolve("model.zip") + ", " + dir.resolve("metrics.json")
                + (schedule.equals("single") ? "" : ", " + dir.resolve("trace.csv")) + " and " + report);
        return 0;
    }

    /**
     * Says where a resumed run goes on: stage, minibatch within it and training time so far (a checkpoint that cannot
     * be read is left to the trainer, which names the file and what is wrong).
     */
    private static void printResumePoint(PrintWriter out, Path checkpoint, MultiResolutionOptions options) {
        io.github.finegrain.train.RunCheckpoint c;
        try {
            c = io.github.finegrain.train.RunCheckpoint.read(checkpoint);
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (c.nextStage() >= options.ladder().size()) {
            out.printf("Resuming %s: all %d stages are trained; writing the outputs%n", checkpoint,
                    options.ladder().size());
            return;
        }
        if (c.nextStage() < 0) {
            return;
        }
        int steps = c.midStage() == null ? 0 : c.midStage().steps();
        out.printf(java.util.Locale.ROOT, "Resuming %s: stage %d (%s) at minibatch %d of the stage, %d in all, after "
                + "%.1f s of training%n", checkpoint, c.nextStage(), options.ladder().get(c.nextStage()).label(), steps,
                c.iteration(), c.elapsedSeconds());
    }

    /** Whether the run folder's {@code metrics.json} says it was trained on Spark (false if it cannot be read). */
    private static boolean trainedOnSpark(Path run) {
        try {
            return io.github.finegrain.data.JsonFiles.readTree(run.resolve("metrics.json"), "run metrics")
                    .has("spark");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Fails fast on bad option values, before any data is read or any file written. */
    private void validateOptions() {
        if (sparkMaster != null) {
            SparkProfile.checkMaster(sparkMaster);
            if (schedule.equals("single")) {
                throw new IllegalArgumentException("--spark trains the multires or fixed schedule, not single");
            }
            if (resume != null) {
                throw new IllegalArgumentException("--spark does not take --resume yet: a Spark run writes no "
                        + "checkpoints");
            }
        }
        if (examplesFile != null && data != null) {
            throw new IllegalArgumentException("--examples and --data exclude each other");
        }
        if (!List.of("multires", "fixed", "single").contains(schedule)) {
            throw new IllegalArgumentException("--schedule must be multires, fixed or single, found '" + schedule + "'");
        }
        if (court != null) {
            GridSpec.parseRowsCols(court);
        }
        if (defender != null) {
            GridSpec.parseRowsCols(defender);
        }
        if (schedule.equals("single")) {
            singleOptions();
        } else {
            if (!criterion.equalsIgnoreCase("entropy")) {
                FineGrainRules.Criterion.parse(criterion);
            }
            multiResolutionOptions(1000);
        }
    }

    private Map<Split, ExampleSet> loadExamples(PrintWriter out, Map<String, Object> dataJson) throws IOException {
        Map<Split, ExampleSet> examples = new EnumMap<>(Split.class);
        if (examplesFile != null) {
            loadExampleFile(out, examples, dataJson);
            return examples;
        }
        out.println("Data (" + (data == null ? "bundled cle-starters-2015-16" : data) + "):");
        out.printf("  %-5s %7s %9s %8s %6s %8s %9s %6s  %s%n", "split", "frames", "bhFrames", "examples", "shots",
                "shots/min", "positives", "rate", "shots per game");
        for (Split s : Split.values()) {
            TrackingSplit t = data == null ? BundledData.load(s) : BundledData.load(data, s);
            ExampleBuilder.Result r = ExampleBuilder.build(t);
            ExampleSet ex = r.examples();
            SplitSummary m = r.summary();
            Map<String, Object> sj = new LinkedHashMap<>();
            if (s == Split.TRAIN && maxTrainExamples != null && maxTrainExamples < ex.size()) {
                ex = ex.subset(IntStream.range(0, maxTrainExamples).toArray());
                sj.put("usedExamples", ex.size());
            }
            examples.put(s, ex);
            out.printf("  %-5s %7d %9d %8d %6d %8.2f %9d %6.3f  %s%n", s.key(), m.frames(), m.ballHandlerFrames(),
                    m.examples(), m.shotAttempts(), m.attemptsPerMinute(), m.positives(), m.positiveRate(),
                    Arrays.toString(m.shotAttemptsPerGame()));
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
        return examples;
    }

    /** An example file of import-sportvu: its games of each split; checked completely (checksum included). */
    private void loadExampleFile(PrintWriter out, Map<Split, ExampleSet> examples, Map<String, Object> dataJson)
            throws IOException {
        ExampleFile file = ExampleFile.open(CliFiles.inputFile(examplesFile, "an example file written by import-sportvu"));
        file.verifyChecksum();
        out.println("Data (" + examplesFile + ", " + file.games().size() + " games, " + file.tasks().size()
                + " players):");
        out.printf("  %-5s %6s %9s %9s %6s%n", "split", "games", "examples", "positives", "rate");
        dataJson.put("examples", examplesFile.toString());
        dataJson.put("exampleFileMetadata", io.github.finegrain.data.JsonFiles.mapper().convertValue(
                io.github.finegrain.data.JsonFiles.parse(file.metadata(), examplesFile.toString(),
                        "example-file metadata"), MAP));
        for (Split s : Split.values()) {
            List<String> games = file.games().stream().filter(g -> g.split() == s).map(ExampleFile.Game::gameId)
                    .toList();
            if (s == Split.TRAIN && !schedule.equals("single")) {
                // streamed: counted here, read block by block while training, never held
                if (file.rows(s) == 0) {
                    throw new DataFormatException(examplesFile + ": the train split has no examples (" + games.size()
                            + " games); import more games or change the split");
                }
                streamedTrain = ExampleFileRows.scan(file, s, maxTrainExamples == null ? Long.MAX_VALUE
                        : maxTrainExamples);
                long n = streamedTrain.examples();
                long pos = streamedTrain.positives();
                out.printf("  %-5s %6d %9d %9d %6.3f  (streamed)%n", s.key(), games.size(), n, pos, (double) pos / n);
                Map<String, Object> sj = new LinkedHashMap<>();
                if (n < file.rows(s)) {
                    sj.put("usedExamples", n);
                }
                sj.put("games", games);
                sj.put("examples", n);
                sj.put("positives", pos);
                sj.put("positiveRate", (double) pos / n);
                sj.put("streamed", true);
                dataJson.put(s.key(), sj);
                continue;
            }
            ExampleSet ex = file.read(s);
            if (ex.size() == 0) {
                throw new DataFormatException(examplesFile + ": the " + s.key() + " split has no examples ("
                        + games.size() + " games); import more games or change the split");
            }
            Map<String, Object> sj = new LinkedHashMap<>();
            if (s == Split.TRAIN && maxTrainExamples != null && maxTrainExamples < ex.size()) {
                ex = ex.subset(IntStream.range(0, maxTrainExamples).toArray());
                sj.put("usedExamples", ex.size());
            }
            examples.put(s, ex);
            out.printf("  %-5s %6d %9d %9d %6.3f%n", s.key(), games.size(), ex.size(), ex.positives(),
                    (double) ex.positives() / ex.size());
            sj.put("games", games);
            sj.put("examples", ex.size());
            sj.put("positives", ex.positives());
            sj.put("positiveRate", (double) ex.positives() / ex.size());
            dataJson.put(s.key(), sj);
        }
    }

    /**
     * The training split of {@code --examples} when it is streamed (schedules multires and fixed): read block by
     * block in a block-shuffled order every epoch instead of held in memory; null otherwise.
     */
    private ExampleFileRows streamedTrain;

    /** Examples used to fit the distance baseline when the training split is streamed. */
    static final int BASELINE_SAMPLE = 1_000_000;

    private StreamedTrainingData streamedData(MultiResolutionOptions options, ExampleSet val) throws IOException {
        ExampleFileRows rows = streamedTrain;
        TaskIndex tasks = TaskIndex.fromCounts(rows.taskCounts(), options.minTaskExamples());
        return new StreamedTrainingData(tasks, (e, p) -> rows.stream(tasks, options.batchSize(), options.seed(),
                options.dataType(), e, p), rows.trainingRows(tasks), rows.positiveRate(tasks), rows.fingerprint(),
                ExampleRows.scoring(val, tasks, options.dataType()));
    }

    /**
     * The distance baseline's training examples when the training split is streamed: all of them up to
     * {@value #BASELINE_SAMPLE}, else every k-th (k = ceil(n / {@value #BASELINE_SAMPLE})), so that its two parameters
     * are fitted without holding the split.
     */
    private ExampleSet baselineSample() throws IOException {
        long n = streamedTrain.examples();
        long k = (n + BASELINE_SAMPLE - 1) / BASELINE_SAMPLE;
        int m = (int) ((n + k - 1) / k);
        ExampleFile file = streamedTrain.file();
        String[] keys = new String[m];
        double[] f = new double[m * ExampleSet.FEATURES];
        byte[] labels = new byte[m];
        ExampleFile.Row row = new ExampleFile.Row();
        try (ExampleFile.Cursor c = file.cursor(Split.TRAIN)) {
            for (int i = 0; i < m; i++) {
                c.next(row);
                keys[i] = file.tasks().get(row.task).key();
                System.arraycopy(row.features, 0, f, i * ExampleSet.FEATURES, ExampleSet.FEATURES);
                labels[i] = (byte) row.label;
                if (i + 1 < m) {
                    c.skip(k - 1);
                }
            }
        }
        return new ExampleSet(keys, f, labels, new int[m], new int[m]);
    }

    private TrainingOptions singleOptions() {
        int[] c = GridSpec.parseRowsCols(court == null ? "8x10" : court);
        int[] d = GridSpec.parseRowsCols(defender == null ? "6x6" : defender);
        return new TrainingOptions(GridSpec.court(c[0], c[1]), GridSpec.defenderBox(d[0], d[1]), epochs, patience,
                batch, optimizer, learningRate, l2, l2Prior, positiveWeight, seed, DataType.FLOAT, minTaskExamples);
    }

    /** The ladder and options of --schedule multires or fixed. */
    MultiResolutionOptions multiResolutionOptions(int tasks) {
        List<StageSpec> ladder;
        if (schedule.equals("fixed")) {
            int[] c = GridSpec.parseRowsCols(court == null ? "40x50" : court);
            int[] d = GridSpec.parseRowsCols(defender == null ? "12x12" : defender);
            GridSpec cg = GridSpec.court(c[0], c[1]);
            GridSpec dg = GridSpec.defenderBox(d[0], d[1]);
            ladder = List.of(new StageSpec(ModelKind.FULL_RANK, cg, dg), new StageSpec(ModelKind.CP, cg, dg));
        } else {
            ladder = MultiResolutionOptions.ladderWithHandOff(MultiResolutionOptions.paperGrids(),
                    handOffIndex(tasks));
        }
        FineGrainRules.Criterion crit = criterion.equalsIgnoreCase("entropy")
                ? MultiResolutionOptions.DEFAULT_CRITERION : FineGrainRules.Criterion.parse(criterion);
        return MultiResolutionOptions.builder().ladder(ladder).rank(rank).criterion(crit).delta(delta)
                .minSteps(minSteps).plateau(plateauSteps, minImprovement).window(window).batchSize(batch).optimizer(optimizer).learningRate(learningRate)
                .cpLearningRate(cpLearningRate).learningRateDecay(learningRateDecay).l2(l2).l2Prior(l2Prior).positiveWeight(positiveWeight).seed(seed)
                .minTaskExamples(minTaskExamples).validationEvery(validateEvery).maxStepsPerStage(maxStepsPerStage)
                .maxMinutes(maxMinutes).checkpointMinutes(checkpointMinutes).build();
    }

    /** Fails before training when the CP rank cannot fit the hand-off tensor (CP-ALS's rank bound). */
    static void checkRankFits(MultiResolutionOptions options, int tasks) {
        try {
            options.checkRankFits(tasks);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
    }

    /** Index in the paper's grid ladder of the hand-off grid (--handoff RxC,RxC or auto with --memory-budget). */
    int handOffIndex(int tasks) {
        List<GridSpec[]> grids = MultiResolutionOptions.paperGrids();
        if (handoff.equalsIgnoreCase("auto")) {
            int chosen = -1;
            for (int i = 0; i < grids.size(); i++) {
                double mb = 4.0 * tasks * grids.get(i)[0].cellCount() * (grids.get(i)[1].cellCount() + 1) / 1e6;
                if (mb <= memoryBudgetMb) {
                    chosen = i;
                }
            }
            if (chosen < 0) {
                throw new IllegalArgumentException("--memory-budget " + memoryBudgetMb + " MB is too small for the "
                        + "coarsest full-rank F of " + tasks + " tasks");
            }
            return chosen;
        }
        String[] parts = handoff.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--handoff must be RxC,RxC (court,defender) or auto, found '"
                    + handoff + "'");
        }
        int[] c = GridSpec.parseRowsCols(parts[0]);
        int[] d = GridSpec.parseRowsCols(parts[1]);
        for (int i = 0; i < grids.size(); i++) {
            if (grids.get(i)[0].equals(GridSpec.court(c[0], c[1]))
                    && grids.get(i)[1].equals(GridSpec.defenderBox(d[0], d[1]))) {
                return i;
            }
        }
        throw new IllegalArgumentException("--handoff " + handoff + " is not a grid of the ladder (4x5,6x6 8x10,6x6 "
                + "8x10,12x12 20x25,12x12 40x50,12x12)");
    }

    private static void printMetrics(PrintWriter out, String name, BinaryMetrics m) {
        out.printf("  %-28s log loss %.4f  ROC AUC %.4f  AP %.4f  F1 %.4f (threshold %.3f from val)%n", name,
                m.logLoss(), m.rocAuc(), m.averagePrecision(), m.f1(), m.threshold());
    }
}
