package io.github.finegrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.finegrain.eval.ModelFigures;
import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.report.RunReport;
import io.github.finegrain.train.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finegrain plot}: heat maps of a model's factors over a drawn half court and defender box, its task
 * loadings, the training curves when the run's {@code trace.csv} is next to the model, and {@code report.html}.
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draw a model's factors (court, defender box, loadings), its training curves and report.html.")
public final class PlotCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "A model bundle written by train.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the PNGs and report.html.")
    Path out;

    @Option(names = "--components", defaultValue = "6",
            description = "Components (CP) or tasks (full-rank) to draw (default: ${DEFAULT-VALUE}).")
    int components;

    @Override
    public Integer call() throws Exception {
        if (components < 1) {
            throw new IllegalArgumentException("--components must be >= 1, found " + components);
        }
        CliFiles.inputFile(model, "a model bundle (.zip)");
        CliFiles.outputFolder(out, "the pictures and report.html");
        TrainedModel m = ModelBundle.load(model);
        Path runDir = model.toAbsolutePath().getParent();
        Path report = writeReport(m, runDir.resolve("trace.csv"), runDir.resolve("metrics.json"), out, components);
        spec.commandLine().getOut().println("Wrote " + report + " and its pictures");
        return 0;
    }

    /**
     * Writes the model's figures and {@code report.html} into {@code dir}; metrics and stages come from
     * {@code metricsJson} when it exists.
     */
    static Path writeReport(TrainedModel m, Path traceCsv, Path metricsJson, Path dir, int components)
            throws IOException {
        // read metrics.json before drawing anything: a bad file fails the command with its name and no pictures
        JsonNode metricsTree = metricsJson != null && Files.exists(metricsJson)
                ? io.github.finegrain.data.JsonFiles.readTree(metricsJson, "metrics") : null;
        if (metricsTree != null && !metricsTree.isObject()) {
            throw new io.github.finegrain.data.DataFormatException(metricsJson + ": bad metrics: expected a JSON object");
        }
        List<RunReport.Figure> figures = ModelFigures.write(m, traceCsv, dir, components);
        Map<String, Object> metrics = new LinkedHashMap<>();
        List<Map<String, Object>> stages = new ArrayList<>();
        metrics.put("model", m.layerConf().kind() + (m.layerConf().rank() == null ? "" : " rank " + m.layerConf().rank())
                + ", court " + m.spec().court().label() + ", defender " + m.spec().defenderBox().label());
        metrics.put("tasks", m.tasks().size());
        if (metricsTree != null) {
            JsonNode j = metricsTree;
            for (String split : List.of("test", "val")) {
                JsonNode s = j.path(split);
                if (!s.isMissingNode()) {
                    metrics.put(split + " log loss", s.path("logLoss").asDouble());
                    metrics.put(split + " ROC AUC", s.path("rocAuc").asDouble());
                    metrics.put(split + " average precision", s.path("averagePrecision").asDouble());
                    metrics.put(split + " F1", s.path("f1").asDouble());
                }
            }
            JsonNode b = j.path("baseline").path("test");
            if (!b.isMissingNode()) {
                metrics.put("distance baseline, test log loss", b.path("logLoss").asDouble());
                metrics.put("distance baseline, test ROC AUC", b.path("rocAuc").asDouble());
            }
            if (j.has("trainSeconds")) {
                metrics.put("training seconds", j.path("trainSeconds").asDouble());
            }
            for (JsonNode st : j.path("stages")) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String f : List.of("index", "kind", "court", "defender", "iterations", "seconds", "endReason",
                        "startValidationLoss", "bestValidationLoss", "handOffFit")) {
                    JsonNode v = st.path(f);
                    row.put(f, v.isNumber() ? (Object) v.asDouble() : "NaN".equals(v.asText()) ? "-" : v.asText());
                }
                stages.add(row);
            }
        }
        return new RunReport("finegrain model: " + m.layerConf().kind(), metrics, stages, figures).write(dir);
    }
}
