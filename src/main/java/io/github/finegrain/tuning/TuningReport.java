package io.github.finegrain.tuning;

import io.github.finegrain.train.MultiResolutionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The files of a search: {@code results.csv} (one row per candidate, {@link TrialResult#HEADER}) and
 * {@code summary.md} (the setup and the candidates sorted by score).
 */
public final class TuningReport {
    /** Name of the results file in the output directory. */
    public static final String RESULTS = "results.csv";
    /** Name of the summary file in the output directory. */
    public static final String SUMMARY = "summary.md";

    private TuningReport() {
    }

    /**
     * Writes {@code dir/results.csv} with {@code trials} in candidate order (replacing the file).
     *
     * @throws IOException if it cannot be written
     */
    public static void writeResults(Path dir, List<TrialResult> trials) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(TrialResult.HEADER);
        trials.stream().sorted(Comparator.comparingInt(TrialResult::candidate)).forEach(t -> lines.add(t.csv()));
        Files.createDirectories(dir);
        Path tmp = dir.resolve(RESULTS + ".tmp");
        Files.write(tmp, lines);
        Files.move(tmp, dir.resolve(RESULTS), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The summary in Markdown.
     *
     * @param spaceFile where the space came from
     * @param space     the search space
     * @param settings  the search's bounds
     * @param base      the base options of every candidate
     * @param data      one line about the data (examples of each split)
     * @param result    the search's outcome
     */
    public static String summary(String spaceFile, SearchSpace space, Tuner.Settings settings,
            MultiResolutionOptions base, String data, Tuner.Result result) {
        StringBuilder b = new StringBuilder();
        b.append("# Search `").append(space.name()).append("`\n\n");
        long scored = result.trials().stream().filter(TrialResult::scored).count();
        b.append(String.format(Locale.ROOT, "%s search (seed %d) over %s, from `%s`. %d candidates, %d scored, "
                + "in %.0f s%s.%n%n", space.search().fileName(), space.seed(), space.describe(), spaceFile,
                result.trials().size(), scored, result.seconds(),
                result.timeBudgetSpent() ? " (stopped by the search's time budget)" : ""));
        b.append(String.format(Locale.ROOT, "Each candidate runs the whole MMT-SE schedule (%d stages, criterion %s, "
                + "at most %d minibatches of %d per stage, at most %.1f min; everything not searched at the `train` "
                + "defaults, training seed %d). Data: %s. Score: validation log loss (lower is better).%n%n",
                base.ladder().size(), base.criterion().cliName(), base.maxStepsPerStage(), base.batchSize(),
                settings.candidateMinutes(), base.seed(), data));
        b.append("| candidate | rank | Δ | lr | CP lr | val log loss | val ROC AUC | seconds | rule transitions | "
                + "fine-grain events | final model | status |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<TrialResult> sorted = new ArrayList<>(result.trials());
        sorted.sort(Comparator.comparingDouble((TrialResult t) -> t.scored() ? t.score() : Double.MAX_VALUE)
                .thenComparingInt(TrialResult::candidate));
        for (TrialResult t : sorted) {
            TuningPoint p = t.point();
            b.append(String.format(Locale.ROOT, "| %d | %d | %.3g | %.3g | %.3g | %s | %s | %.1f | %d | %d | %s | %s |%n",
                    t.candidate(), p.rank(), p.delta(), p.learningRate(), p.cpLearningRate(), num(t.score()),
                    num(t.rocAuc()), t.seconds(), t.ruleTransitions(), t.fineGrainEvents(), t.finalModel(),
                    t.status()));
        }
        b.append('\n');
        result.best().ifPresentOrElse(t -> b.append(String.format(Locale.ROOT,
                "Best: candidate %d, rank %d, Δ %.3g: validation log loss %.4f, ROC AUC %.4f.%n", t.candidate(),
                t.point().rank(), t.point().delta(), t.score(), t.rocAuc())),
                () -> b.append("No candidate was scored.\n"));
        b.append("\n`rule transitions`: stages before the last ended by the fine-graining rule (the others reached the "
                + "step limit or a time budget; the CP hand-off counts); `fine-grain events`: grid refinements in the "
                + "trace (4 on the full ladder).\n");
        for (String f : result.generationFailures()) {
            b.append("\nCandidate generation failed: ").append(f).append('\n');
        }
        for (TrialResult t : result.trials()) {
            if (!t.message().isEmpty()) {
                b.append("\nCandidate ").append(t.candidate()).append(" failed: ").append(t.message()).append('\n');
            }
        }
        return b.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
    }
}
