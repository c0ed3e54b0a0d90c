package io.github.finegrain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.eval.ModelEvaluation;
import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.train.ExampleRows;
import io.github.finegrain.train.TrainedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finegrain evaluate}: scores a model bundle on the bundled validation and test games (threshold for F1
 * chosen on validation), mapping ball handlers through the model's task map (unseen players: the league task).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a model bundle on the bundled validation and test games.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "A model bundle written by train.")
    Path model;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Directory in the bundled data's layout (default: the data bundled in the jar).")
    Path data;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the metrics as JSON to FILE.")
    Path out;

    @Override
    public Integer call() throws Exception {
        CliFiles.inputFile(model, "a model bundle (.zip)");
        if (data != null) {
            CliFiles.inputFolder(data, "a folder in the bundled data's layout");
        }
        if (out != null) {
            CliFiles.outputFile(out, "the metrics JSON");
        }
        TrainedModel m = ModelBundle.load(model);
        ExampleSet val = ExampleBuilder.build(data == null ? BundledData.load(Split.VAL)
                : BundledData.load(data, Split.VAL)).examples();
        ExampleSet test = ExampleBuilder.build(data == null ? BundledData.load(Split.TEST)
                : BundledData.load(data, Split.TEST)).examples();
        ModelEvaluation e = ModelEvaluation.of(m.predict(val), val.labels(), m.predict(test), test.labels());
        PrintWriter w = spec.commandLine().getOut();
        int fallback = ExampleRows.fallbackCount(test, m.tasks());
        w.printf("Model %s (%s, court %s, defender %s, %d tasks)%n", model, m.layerConf().kind(),
                m.spec().court().label(), m.spec().defenderBox().label(), m.tasks().size());
        w.printf("  val   log loss %.4f  ROC AUC %.4f  AP %.4f  F1 %.4f%n", e.validation().logLoss(),
                e.validation().rocAuc(), e.validation().averagePrecision(), e.validation().f1());
        w.printf("  test  log loss %.4f  ROC AUC %.4f  AP %.4f  F1 %.4f (threshold %.3f; %.1f%% of rows on the "
                + "league task)%n", e.test().logLoss(), e.test().rocAuc(), e.test().averagePrecision(), e.test().f1(),
                e.test().threshold(), 100.0 * fallback / test.size());
        if (out != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("val", e.validation());
            j.put("test", e.test());
            j.put("testFallbackShare", (double) fallback / test.size());
            CliFiles.replace(out, o -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o, j));
        }
        return 0;
    }
}
