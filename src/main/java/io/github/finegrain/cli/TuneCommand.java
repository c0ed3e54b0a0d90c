package io.github.finegrain.cli;

import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.tuning.CandidateGenerationException;
import io.github.finegrain.tuning.SearchSpace;
import io.github.finegrain.tuning.TrialResult;
import io.github.finegrain.tuning.Tuner;
import io.github.finegrain.tuning.TuningReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finegrain tune}: an Arbiter random or grid search over CP rank and Δ (optionally the learning rates), each
 * candidate a full MMT-SE run on the training games scored by its validation log loss. Writes
 * {@code results.csv} (rewritten after every candidate) and {@code summary.md} to {@code --out DIR} (default: a new
 * folder {@code tune-<name>-<UTC time>} in the current folder). A run never overwrites another silently: a non-empty
 * {@code DIR} is refused (exit 2) before anything is trained unless {@code --overwrite} is given. Before training,
 * every rank of the space must fit the CP hand-off tensor ({@link Tuner#checkRanks}; exit 3 naming the rank). Exit 1
 * with the reasons when no candidate was scored.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, defaultValueProvider = TrainingDefaults.class,
        description = "Search CP rank and the fine-graining threshold (Arbiter random or grid search): every candidate "
                + "runs the whole multi-resolution schedule and is scored by its validation log loss.")
public final class TuneCommand implements Callable<Integer> {
    /** The default search space file. */
    static final String DEFAULT_SPACE = "tuning/rank-delta.json";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--space", paramLabel = "FILE", defaultValue = DEFAULT_SPACE,
            description = "Search space file (JSON: search, candidates, seed, parameter ranges; format in "
                    + "tuning/README.md) (default: ${DEFAULT-VALUE}).")
    Path space;

    @Option(names = "--max-candidates", paramLabel = "N",
            description = "Train at most N candidates (default: the space file's \"candidates\").")
    Integer maxCandidates;

    @Option(names = "--max-minutes", paramLabel = "M", defaultValue = "60",
            description = "No candidate starts, and none trains, after M minutes (default: ${DEFAULT-VALUE}).")
    double maxMinutes;

    @Option(names = "--candidate-minutes", paramLabel = "M", defaultValue = "10",
            description = "Training budget of one candidate, minutes (default: ${DEFAULT-VALUE}).")
    double candidateMinutes;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder for results.csv and summary.md; must be new or empty unless --overwrite "
                    + "(default: a new folder tune-<name of the search>-<UTC time>).")
    Path out;

    @Option(names = "--overwrite", description = "Allow a non-empty --out folder (its results.csv and summary.md are "
            + "replaced).")
    boolean overwrite;

    @Option(names = "--max-steps-per-stage", defaultValue = "300",
            description = "A stage ends after this many minibatches whatever its rule (default: ${DEFAULT-VALUE}, "
                    + "not train's 1500: a small delta seldom fires, and the step limit, not the clock, should end "
                    + "its stages).")
    int maxStepsPerStage;

    @Option(names = "--batch", description = "Rows per minibatch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory in the bundled data's layout (default: the data bundled in the jar).")
    Path data;

    @Option(names = "--max-train-examples", paramLabel = "N",
            description = "Use only the first N training examples (a quick slice for smoke tests).")
    Integer maxTrainExamples;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (maxCandidates != null && maxCandidates < 1) {
            throw new IllegalArgumentException("--max-candidates must be >= 1, found " + maxCandidates);
        }
        if (maxTrainExamples != null && maxTrainExamples < 1) {
            throw new IllegalArgumentException("--max-train-examples must be >= 1, found " + maxTrainExamples);
        }
        MultiResolutionOptions base = baseOptions();
        SearchSpace s = SearchSpace.read(space);
        Tuner.Settings settings = new Tuner.Settings(maxCandidates != null ? maxCandidates : s.candidates(),
                maxMinutes, candidateMinutes, 10);
        Path dir = out != null ? out : Path.of("tune-" + s.name() + "-" + java.time.format.DateTimeFormatter
                .ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()));
        checkOutput(dir);
        CliFiles.outputFolder(dir, "the search results");
        CliFiles.noSymbolicLinks(dir, TuningReport.RESULTS, TuningReport.SUMMARY);

        ExampleSet train = examples(Split.TRAIN);
        if (maxTrainExamples != null && maxTrainExamples < train.size()) {
            train = train.subset(IntStream.range(0, maxTrainExamples).toArray());
        }
        ExampleSet val = examples(Split.VAL);
        String dataLine = String.format(java.util.Locale.ROOT, "%s, %d training and %d validation examples",
                data == null ? "bundled cle-starters-2015-16" : data.toString(), train.size(), val.size());
        o.printf("%s search over %s from %s: up to %d candidates, %s min (each at most %s min)%n",
                s.search().fileName(), s.describe(), space, settings.maxCandidates(), maxMinutes, candidateMinutes);
        o.println("Data: " + dataLine);
        o.flush();
        try {
            Tuner.checkRanks(s, base, io.github.finegrain.data.TaskIndexes.fromTraining(train, base.minTaskExamples())
                    .size());
        } catch (IllegalArgumentException e) {
            throw new io.github.finegrain.data.DataFormatException(space + ": parameters.rank: " + e.getMessage());
        }

        List<TrialResult> done = new ArrayList<>();
        Tuner.Result result;
        // a progress bar over candidates on a terminal; the per-candidate lines below either way
        me.tongfei.progressbar.ProgressBar bar = System.console() == null ? null
                : new me.tongfei.progressbar.ProgressBarBuilder().setTaskName("tune")
                        .setInitialMax(settings.maxCandidates()).setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII)
                        .continuousUpdate().build();
        try {
            result = new Tuner(base, settings).run(s, train, val, t -> {
                synchronized (done) {
                    done.add(t);
                    o.printf("  candidate %d: rank %d, delta %.4g -> %s, val log loss %.5f, ROC AUC %.4f, %.1f s, "
                            + "%d rule transitions%n", t.candidate(), t.point().rank(), t.point().delta(), t.status(),
                            t.score(), t.rocAuc(), t.seconds(), t.ruleTransitions());
                    o.flush();
                    if (bar != null) {
                        bar.stepTo(done.size());
                    }
                    try {
                        TuningReport.writeResults(dir, done);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (CandidateGenerationException e) {
            if (bar != null) {
                bar.close();
            }
            spec.commandLine().getErr().println("error: the search failed: " + e.getMessage());
            return picocli.CommandLine.ExitCode.SOFTWARE;
        }
        if (bar != null) {
            bar.close();
        }
        TuningReport.writeResults(dir, result.trials());
        String summary = TuningReport.summary(space.toString(), s, settings, base, dataLine, result);
        Files.writeString(dir.resolve(TuningReport.SUMMARY), summary);
        o.println();
        o.print(summary);
        o.println();
        o.println("Wrote " + dir.resolve(TuningReport.RESULTS) + " and " + dir.resolve(TuningReport.SUMMARY));
        if (result.best().isEmpty()) {
            List<String> reasons = new ArrayList<>();
            if (result.trials().isEmpty()) {
                reasons.add(result.timeBudgetSpent() ? "the search's time budget (--max-minutes " + maxMinutes
                        + ") ran out before any candidate finished" : "no candidate was trained");
            }
            for (TrialResult t : result.trials()) {
                reasons.add("candidate " + t.candidate() + ": " + t.status()
                        + (t.message().isEmpty() ? "" : " (" + t.message().lines().findFirst().orElse("") + ")"));
            }
            reasons.addAll(result.generationFailures());
            spec.commandLine().getErr().println("error: no candidate was scored: "
                    + String.join("; ", reasons.stream().limit(5).toList()) + (reasons.size() > 5 ? "; ..." : ""));
            return picocli.CommandLine.ExitCode.SOFTWARE;
        }
        return 0;
    }

    /** Refuses an output folder that is a file, or not empty without --overwrite (before any work). */
    private void checkOutput(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--out " + dir
                    + " is a file; expected a folder for results.csv and summary.md");
        }
        if (Files.isDirectory(dir) && !overwrite) {
            try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
                List<String> names = entries.map(p -> p.getFileName().toString()).sorted().limit(5).toList();
                if (!names.isEmpty()) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--out " + dir
                            + " is not empty (" + String.join(", ", names) + "): a tuning run never overwrites "
                            + "another; choose a new folder, or add --overwrite");
                }
            }
        }
    }

    private ExampleSet examples(Split split) throws IOException {
        return ExampleBuilder.build(data == null ? BundledData.load(split) : BundledData.load(data, split)).examples();
    }

    /** The train command's defaults with this command's step limit and batch size. */
    MultiResolutionOptions baseOptions() {
        return MultiResolutionOptions.builder().batchSize(batch).maxStepsPerStage(maxStepsPerStage).build();
    }
}
