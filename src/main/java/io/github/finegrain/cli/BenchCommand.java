package io.github.finegrain.cli;

import io.github.finegrain.bench.CriteriaBenchmark;
import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.PlantedData;
import io.github.finegrain.data.Split;
import io.github.finegrain.train.FineGrainRules;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finegrain bench}: benchmarks that print their numbers. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print their numbers.",
        subcommands = {BenchCommand.Criteria.class})
public final class BenchCommand {

    /** {@code bench criteria}: the fine-graining criteria on recorded trajectories (bundled and planted data). */
    @Command(name = "criteria", mixinStandardHelpOptions = true,
            description = "Compare the fine-graining criteria on the same training trajectories (bundled real data "
                    + "and a planted synthetic set); prints a Markdown table.")
    static final class Criteria implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--steps", defaultValue = "300", description = "Minibatches per stage (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--window", defaultValue = "20", description = "W (default: ${DEFAULT-VALUE}).")
        int window;

        @Option(names = "--delta", defaultValue = "0.005", description = "Δ (default: ${DEFAULT-VALUE}).")
        double delta;

        @Option(names = "--min-steps", defaultValue = "40", description = "Minimum steps (default: ${DEFAULT-VALUE}).")
        int minSteps;

        @Option(names = "--planted-players", defaultValue = "100",
                description = "Players of the planted set (default: ${DEFAULT-VALUE}).")
        int plantedPlayers;

        @Option(names = "--planted-frames", defaultValue = "40000",
                description = "Training frames of the planted set; validation gets a quarter (default: ${DEFAULT-VALUE}).")
        int plantedFrames;

        @Option(names = "--out", paramLabel = "FILE", description = "Also write the table to FILE.")
        Path out;

        @Override
        public Integer call() throws Exception {
            PrintWriter w = spec.commandLine().getOut();
            FineGrainRules.Parameters rules = FineGrainRules.Parameters.defaults().withDelta(delta)
                    .withMinSteps(minSteps);
            List<CriteriaBenchmark.Row> rows = new ArrayList<>();
            ExampleSet train = ExampleBuilder.build(BundledData.load(Split.TRAIN)).examples();
            ExampleSet val = ExampleBuilder.build(BundledData.load(Split.VAL)).examples();
            rows.addAll(CriteriaBenchmark.run("bundled", train, val, steps, window, rules, 1000, 1));
            PlantedData planted = PlantedData.generate(plantedPlayers, plantedFrames * 5 / 4, 20, 0.08, 7);
            ExampleSet all = planted.examples();
            ExampleSet pTrain = all.subset(IntStream.range(0, plantedFrames).toArray());
            ExampleSet pVal = all.subset(IntStream.range(plantedFrames, all.size()).toArray());
            rows.addAll(CriteriaBenchmark.run("planted", pTrain, pVal, steps, window, rules, 1, 1));
            String table = CriteriaBenchmark.markdown(rows);
            w.print(table);
            w.flush();
            if (out != null) {
                Files.writeString(out, table);
            }
            return 0;
        }
    }
}
