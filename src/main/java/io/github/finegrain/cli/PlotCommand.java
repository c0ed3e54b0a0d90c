package io.github.finegrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.finegrain.eval.ModelReport;
import io.github.finegrain.eval.PlayerComparison;
import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.train.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finegrain plot}: the analyst's report of a model ({@code report.html}: probability maps with and without a
 * defender, defender effects, the CP components in canonical form, data, training and test metrics) with its
 * pictures and the {@code export/} folder of CSV / .npy files; the training curves and the data and test numbers
 * come from the run's {@code trace.csv} and {@code metrics.json} when they are next to the model. With
 * {@code --compare "A,B"} it also writes a page comparing two players.
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Write a model's report (report.html, its pictures and export/), optionally a two-player "
                + "comparison page.")
public final class PlotCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "A model bundle written by train.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the PNGs, report.html "
            + "and export/.")
    Path out;

    @Option(names = "--components", defaultValue = "6",
            description = "Components (CP) or tasks (full-rank) to draw (default: ${DEFAULT-VALUE}).")
    int components;

    @Option(names = "--compare", paramLabel = "A,B",
            description = "Also write compare_<A>_vs_<B>.html: two players' maps side by side and their difference "
                    + "(\"league\" for the league task; a player without a task of his own gets the league task).")
    String compare;

    @Override
    public Integer call() throws Exception {
        if (components < 1) {
            throw new IllegalArgumentException("--components must be >= 1, found " + components);
        }
        String[] pair = null;
        if (compare != null) {
            pair = compare.split(",", -1);
            if (pair.length != 2 || pair[0].isBlank() || pair[1].isBlank()) {
                throw new IllegalArgumentException("--compare: expected two names separated by one comma, e.g. "
                        + "\"LeBron James,league\", found '" + compare + "'");
            }
        }
        CliFiles.inputFile(model, "a model bundle (.zip)");
        CliFiles.outputFolder(out, "the pictures and report.html");
        TrainedModel m = ModelBundle.load(model);
        Path runDir = model.toAbsolutePath().getParent();
        Path report = writeReport(m, runDir.resolve("trace.csv"), runDir.resolve("metrics.json"), out, components);
        spec.commandLine().getOut().println("Wrote " + report + ", its pictures and " + out.resolve(ModelReport.EXPORT));
        if (pair != null) {
            for (String name : pair) {
                if (!PlayerComparison.hasOwnTask(m, name)) {
                    spec.commandLine().getErr().println("note: '" + name.strip() + "' has no task of his own in this "
                            + "model (" + (m.tasks().size() - 1) + " players have one); he is drawn with the league task");
                }
            }
            Path page = PlayerComparison.write(m, pair[0].strip(), pair[1].strip(), out);
            spec.commandLine().getOut().println("Wrote " + page);
        }
        return 0;
    }

    /**
     * Writes the model's report ({@link ModelReport}) into {@code dir}; data, stages and test metrics come from
     * {@code metricsJson} when it exists, the training curves from {@code traceCsv} when it exists.
     *
     * @return the path of {@code report.html}
     */
    static Path writeReport(TrainedModel m, Path traceCsv, Path metricsJson, Path dir, int components)
            throws IOException {
        // read metrics.json before drawing anything: a bad file fails the command with its name and no pictures
        JsonNode metrics = metricsJson != null && Files.exists(metricsJson)
                ? io.github.finegrain.data.JsonFiles.readTree(metricsJson, "metrics") : null;
        if (metrics != null && !metrics.isObject()) {
            throw new io.github.finegrain.data.DataFormatException(metricsJson + ": bad metrics: expected a JSON object");
        }
        CliFiles.noSymbolicLinksInside(dir);
        return ModelReport.write(m, traceCsv, metrics, dir, components);
    }
}
