package io.github.finegrain.cli;

import io.github.finegrain.bench.CriteriaBenchmark;
import io.github.finegrain.bench.Fig3Benchmark;
import io.github.finegrain.bench.Fig3Report;
import io.github.finegrain.bench.RealDataPipelines;
import io.github.finegrain.bench.StepBenchmark;
import io.github.finegrain.bench.SweepBenchmark;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.optim.SparseOptimizer;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.PlantedData;
import io.github.finegrain.data.Split;
import io.github.finegrain.train.FineGrainRules;
import java.io.IOException;
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
        subcommands = {BenchCommand.Criteria.class, BenchCommand.Sweep.class, BenchCommand.Fig3.class,
                BenchCommand.Fig3Method.class, BenchCommand.Fig3Real.class, BenchCommand.Step.class,
                BenchCommand.Fig3Stream.class})
public final class BenchCommand {

    /**
     * {@code bench criteria}: the fine-graining criteria replayed on recorded trajectories of the product's default
     * training (issue 12 §4): planted data at {@code bench fig3}'s scale and, unless {@code --bundled-steps 0}, the
     * bundled real data.
     */
    @Command(name = "criteria", mixinStandardHelpOptions = true,
            description = "Train the full-rank stages of the default ladder with the product's default training step "
                    + "for a fixed number of minibatches each, replay every fine-graining criterion on the recorded "
                    + "trajectory and print when each fires and how much of the stage's validation gain it had then "
                    + "(Markdown; optionally JSON).")
    static final class Criteria implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--steps", defaultValue = "6000",
                description = "Minibatches per stage on the planted data (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--bundled-steps", defaultValue = "3000",
                description = "Minibatches per stage on the bundled real data; 0 skips it (default: ${DEFAULT-VALUE}).")
        int bundledSteps;

        @Option(names = "--validation-every", defaultValue = "50",
                description = "Validation interval, minibatches (default: ${DEFAULT-VALUE}).")
        int validationEvery;

        @Option(names = "--players", defaultValue = "439", description = "Planted players (default: ${DEFAULT-VALUE}).")
        int players;

        @Option(names = "--frames", defaultValue = "2000000",
                description = "Planted training examples; validation gets 1/8, at most 50,000 (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(names = "--rank", defaultValue = "20", description = "Planted rank (default: ${DEFAULT-VALUE}).")
        int rank;

        @Option(names = "--positive-rate", defaultValue = "0.08",
                description = "Planted positive rate (default: ${DEFAULT-VALUE}).")
        double positiveRate;

        @Option(names = "--signal", defaultValue = "2.0",
                description = "Planted loading scale, as bench fig3 (default: ${DEFAULT-VALUE}).")
        double signal;

        @Option(names = "--data-seed", defaultValue = "7",
                description = "Seed of the planted data, bench fig3's (default: ${DEFAULT-VALUE}).")
        long dataSeed;

        @Option(names = "--seed", defaultValue = "1", description = "Training seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--learning-rate", paramLabel = "RATE",
                description = "Full-rank learning rate instead of the product default (for comparisons).")
        Double learningRate;

        @Option(names = "--l2", paramLabel = "L2", description = "A fixed L2 on the mean loss instead of the product's "
                + "default (its L2 prior is then 0; for comparisons).")
        Double l2;

        @Option(names = "--out", paramLabel = "FILE", description = "Also write the Markdown to FILE.")
        Path out;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
        Path json;

        @Override
        public Integer call() throws Exception {
            PrintWriter w = spec.commandLine().getOut();
            if (steps < 1 || bundledSteps < 0 || validationEvery < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--steps and "
                        + "--validation-every must be >= 1 and --bundled-steps >= 0, found " + steps + ", "
                        + validationEvery + ", " + bundledSteps);
            }
            if (out != null) {
                CliFiles.outputFile(out, "the criteria table");
            }
            if (json != null) {
                CliFiles.outputFile(json, "the criteria JSON");
            }
            MultiResolutionOptions.Builder b = MultiResolutionOptions.builder().seed(seed);
            if (learningRate != null) {
                b.learningRate(learningRate);
            }
            if (l2 != null) {
                b.l2(l2).l2Prior(0); // a fixed L2 on the mean loss, as the option says: no prior on top
            }
            MultiResolutionOptions defaults = b.build();
            Fig3Benchmark.Scale scale = new Fig3Benchmark.Scale(players, frames, rank, positiveRate, signal, dataSeed,
                    1);
            Fig3Benchmark.Data planted = Fig3Benchmark.data(scale);
            List<CriteriaBenchmark.Stage> stages = new ArrayList<>(CriteriaBenchmark.record("planted",
                    planted.train(), planted.val(), defaults.toBuilder().minTaskExamples(1).build(), steps,
                    validationEvery));
            List<CriteriaBenchmark.Reference> refs = new ArrayList<>();
            refs.add(new CriteriaBenchmark.Reference("planted", CriteriaBenchmark.constantLoss(planted.train(),
                    planted.val()), io.github.finegrain.train.ValidationLoss.of(
                            Fig3Benchmark.oracleProbabilities(planted.planted(), planted.val()),
                            planted.val().labels())));
            planted = null;
            if (bundledSteps > 0) {
                ExampleSet train = ExampleBuilder.build(BundledData.load(Split.TRAIN)).examples();
                ExampleSet val = ExampleBuilder.build(BundledData.load(Split.VAL)).examples();
                stages.addAll(CriteriaBenchmark.record("bundled", train, val, defaults, bundledSteps,
                        validationEvery));
                refs.add(new CriteriaBenchmark.Reference("bundled", CriteriaBenchmark.constantLoss(train, val),
                        Double.NaN));
            }
            CriteriaBenchmark.Result r = CriteriaBenchmark.evaluate(stages, refs, defaults.rules(), defaults.window(),
                    validationEvery);
            String table = String.format(java.util.Locale.ROOT, "Training: %s (optimizer %s, "
                    + "learning rate %s, L2 %s + %s / training rows, batch %d, W %d), seed %d. Planted: %d players, %d "
                    + "training and %d "
                    + "validation frames, rank %d, positive rate %s, signal %s, data seed %d, %d minibatches per "
                    + "stage; bundled: %s.%n%n", learningRate == null && l2 == null ? "the product defaults"
                    : "the product defaults except the overridden", defaults.optimizer(), defaults.learningRate(), defaults.l2(),
                    defaults.l2Prior(), defaults.batchSize(), defaults.window(), seed, players, frames, scale.holdOut(), rank,
                    positiveRate, signal, dataSeed, steps,
                    bundledSteps > 0 ? bundledSteps + " minibatches per stage" : "skipped")
                    + CriteriaBenchmark.markdown(r);
            w.print(table);
            w.flush();
            if (out != null) {
                Files.writeString(out, table);
            }
            if (json != null) {
                java.util.Map<String, Object> sc = new java.util.LinkedHashMap<>();
                sc.put("planted", scale);
                sc.put("plantedSteps", steps);
                sc.put("bundledSteps", bundledSteps);
                sc.put("seed", seed);
                sc.put("optimizer", defaults.optimizer());
                sc.put("learningRate", defaults.learningRate());
                sc.put("l2", defaults.l2());
                sc.put("l2Prior", defaults.l2Prior());
                sc.put("batchSize", defaults.batchSize());
                CriteriaBenchmark.writeJson(r, sc, json);
            }
            return 0;
        }
    }
    /**
     * {@code bench sweep}: the sweep that chose the training defaults (issue 12 §1), on planted data with another
     * data seed than {@code bench fig3}'s.
     */
    @Command(name = "sweep", mixinStandardHelpOptions = true,
            description = "Score optimizer, learning rates, batch size and L2 by the validation log loss the MMT-SE "
                    + "pipeline reaches within a fixed number of training seconds on planted data (another data seed "
                    + "than bench fig3's); writes sweep.json and sweep.md.")
    static final class Sweep implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--players", defaultValue = "439", description = "Planted players (default: ${DEFAULT-VALUE}).")
        int players;

        @Option(names = "--frames", defaultValue = "2000000",
                description = "Training examples (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(names = "--data-seed", defaultValue = "8",
                description = "Seed of the planted data; bench fig3 uses 7 (default: ${DEFAULT-VALUE}).")
        long dataSeed;

        @Option(names = "--budget-minutes", defaultValue = "3",
                description = "Wall-time budget of one configuration (default: ${DEFAULT-VALUE}).")
        double budgetMinutes;

        @Option(names = "--score-seconds", defaultValue = "60",
                description = "Training seconds (validation excluded) at which a run is scored (default: "
                        + "${DEFAULT-VALUE}).")
        double scoreSeconds;

        @Option(names = "--config", paramLabel = "K=V,...",
                description = "A configuration such as optimizer=lazy-adam,lr=0.01,cp-lr=0.003,l2=0,batch=1024,decay=1 "
                        + "(repeatable, at most 24; default: the built-in grid of 16).")
        List<String> configs;

        @Option(names = "--out", defaultValue = "sweep", paramLabel = "DIR",
                description = "Output folder (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            PrintWriter w = spec.commandLine().getOut();
            if (!(scoreSeconds > 0)) {
                throw new IllegalArgumentException("--score-seconds must be > 0, found " + scoreSeconds);
            }
            List<SweepBenchmark.Config> grid = configs == null ? SweepBenchmark.defaultGrid()
                    : configs.stream().map(SweepBenchmark.Config::parse).toList();
            if (grid.size() > 24) {
                throw new IllegalArgumentException("at most 24 configurations, found " + grid.size());
            }
            Fig3Benchmark.Scale s = new Fig3Benchmark.Scale(players, frames, 20, 0.08, 2.0, dataSeed, budgetMinutes);
            CliFiles.outputFolder(out, "the sweep results");
            java.util.Map<String, Object> sweep = SweepBenchmark.run(s, scoreSeconds, grid, line -> {
                w.println(line);
                w.flush();
            });
            SweepBenchmark.writeJson(out.resolve("sweep.json"), sweep);
            String md = SweepBenchmark.markdown(sweep);
            Files.writeString(out.resolve("sweep.md"), md);
            w.print(md);
            w.flush();
            return 0;
        }
    }

    /** Options shared by {@code fig3} and {@code fig3-method}: the scale of the planted data and the budget. */
    static final class ScaleOptions {
        @Option(names = "--players", defaultValue = "439", description = "Planted players (default: ${DEFAULT-VALUE}).")
        int players;

        @Option(names = "--frames", defaultValue = "2000000",
                description = "Training examples; validation and test get 1/8 each, at most 50,000 (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(names = "--rank", defaultValue = "20", description = "Planted and learned rank (default: ${DEFAULT-VALUE}).")
        int rank;

        @Option(names = "--positive-rate", defaultValue = "0.08",
                description = "Planted positive rate (default: ${DEFAULT-VALUE}).")
        double positiveRate;

        @Option(names = "--signal", defaultValue = "2.0",
                description = "Planted loading scale; 2 makes the planted model's own ROC AUC ~0.80, the bundled real "
                        + "data's (default: ${DEFAULT-VALUE}).")
        double signal;

        @Option(names = "--data-seed", defaultValue = "7", description = "Seed of the planted data (default: ${DEFAULT-VALUE}).")
        long dataSeed;

        @Option(names = "--budget-minutes", defaultValue = "8",
                description = "Training time budget of each method (default: ${DEFAULT-VALUE}).")
        double budgetMinutes;

        @Option(names = "--examples", paramLabel = "FILE",
                description = "Stream each method's training split from the example file FILE (with FILE.planted.json "
                        + "beside it) instead of holding it in memory; bench fig3 writes it first when it does not "
                        + "exist (as --write-examples).")
        Path examples;

        Fig3Benchmark.Scale scale() {
            return new Fig3Benchmark.Scale(players, frames, rank, positiveRate, signal, dataSeed, budgetMinutes);
        }

        List<String> args() {
            List<String> a = new ArrayList<>(List.of("--players", Integer.toString(players), "--frames",
                    Integer.toString(frames), "--rank", Integer.toString(rank), "--positive-rate",
                    Double.toString(positiveRate), "--signal", Double.toString(signal), "--data-seed",
                    Long.toString(dataSeed), "--budget-minutes", Double.toString(budgetMinutes)));
            if (examples != null) {
                a.addAll(List.of("--examples", examples.toAbsolutePath().toString()));
            }
            return a;
        }
    }

    /** {@code bench fig3}: the paper's Fig. 3 and Fig. 1 claims measured, each method in its own JVM. */
    @Command(name = "fig3", mixinStandardHelpOptions = true,
            description = "Time to target, pipeline speed, peak memory and factor interpretability on planted data "
                    + "(each method in its own JVM, and an idle JVM for the memory baseline), then the three pipelines "
                    + "on the bundled real data; writes fig3.json, fig3.md and PNG plots.")
    static final class Fig3 implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @picocli.CommandLine.Mixin
        ScaleOptions scale = new ScaleOptions();

        @Option(names = "--seeds", defaultValue = "3",
                description = "Seeds of the MMT-SE and random-init pipelines (default: ${DEFAULT-VALUE}).")
        int seeds;

        @Option(names = "--out", defaultValue = "fig3", paramLabel = "DIR",
                description = "Output folder (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--child-jvm-options", defaultValue = "-Xmx6g -Dorg.bytedeco.javacpp.maxbytes=10G "
                + "-Dorg.bytedeco.javacpp.maxphysicalbytes=18G",
                description = "JVM options of each method's JVM (default: ${DEFAULT-VALUE}).")
        String childJvmOptions;

        @Option(names = "--in-process", description = "Run the methods in this JVM (peak memory is then shared).")
        boolean inProcess;

        @Option(names = "--resume", description = "Keep the method results already in DIR/methods (same scale) and "
                + "DIR/real-data.json (same --real-data-seeds), and run only the missing ones.")
        boolean resume;

        @Option(names = "--no-real-data", description = "Skip the pipelines on the bundled real data.")
        boolean noRealData;

        @Option(names = "--real-data-seeds", defaultValue = "5",
                description = "Seeds of each pipeline on the bundled real data (default: ${DEFAULT-VALUE}).")
        int realDataSeeds;

        @Option(names = "--write-examples", paramLabel = "FILE",
                description = "Only write the planted train/val/test examples of this scale to the example file FILE "
                        + "(streamed: about 9 heap bytes an example) and exit; train from it with train --examples "
                        + "or bench fig3-stream.")
        Path writeExamples;

        @Override
        public Integer call() throws Exception {
            PrintWriter w = spec.commandLine().getOut();
            if (seeds < 1) {
                throw new IllegalArgumentException("--seeds must be >= 1, found " + seeds);
            }
            if (realDataSeeds < 1) {
                throw new IllegalArgumentException("--real-data-seeds must be >= 1, found " + realDataSeeds);
            }
            Fig3Benchmark.Scale s = scale.scale();
            if (writeExamples != null) {
                long t0 = System.nanoTime();
                Fig3Benchmark.writeExamples(s, writeExamples);
                w.printf("Wrote %s: %d train, %d val, %d test planted examples of %d players in %.1f s (peak RSS %d "
                        + "MB)%n", writeExamples, s.frames(), s.holdOut(), s.holdOut(), s.players(),
                        (System.nanoTime() - t0) / 1e9, vmHwmMb());
                w.flush();
                return 0;
            }
            if (resume) {
                Fig3Report.checkResumable(s, out);
            }
            CliFiles.outputFolder(out, "the benchmark results");
            Path examples = scale.examples;
            if (examples != null && !Files.exists(examples)) {
                long t0 = System.nanoTime();
                Fig3Benchmark.writeExamples(s, examples);
                w.printf("Wrote %s (%d training frames) in %.1f s%n", examples, s.frames(),
                        (System.nanoTime() - t0) / 1e9);
                w.flush();
            }
            Fig3Report.MethodRunner fresh = inProcess
                    ? (m, seed, json) -> {
                        if (m.equals(Fig3Report.IDLE)) {
                            Fig3Report.idleJvm(s, json); // in process: this JVM's peak, not an idle one's
                        } else {
                            Fig3Benchmark.runMethod(s, m, seed, json, examples);
                        }
                    }
                    : (m, seed, json) -> spawn(m, seed, json);
            Fig3Report.MethodRunner runner = (m, seed, json) -> {
                if (!resume || !Files.exists(json)) {
                    fresh.run(m, seed, json);
                }
            };
            java.util.function.Consumer<String> progress = line -> {
                w.println(line);
                w.flush();
            };
            Path realJson = out.resolve("real-data.json");
            Fig3Report.RealDataRunner real = noRealData ? null : () -> {
                if (resume && Files.exists(realJson)) {
                    // kept when it is of the same number of seeds
                    var kept = new com.fasterxml.jackson.databind.ObjectMapper().readTree(realJson.toFile());
                    if (kept instanceof com.fasterxml.jackson.databind.node.ObjectNode o
                            && o.path("mmtse").path("seeds").asInt() == realDataSeeds) {
                        progress.accept("real data: kept " + realJson);
                        return o;
                    }
                }
                return RealDataPipelines.run(RealDataPipelines.bundled(), realDataSeeds,
                        java.util.function.UnaryOperator.identity(), progress);
            };
            var fig = Fig3Report.run(s, seeds, out, runner, real, progress, examples);
            w.print(Fig3Report.markdown(fig));
            w.flush();
            return 0;
        }

        private void spawn(String method, long seed, Path json) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String o : childJvmOptions.trim().split("\\s+")) {
                if (!o.isEmpty()) {
                    cmd.add(o);
                }
            }
            cmd.add("-Djava.awt.headless=true");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(FinegrainCli.class.getName());
            cmd.addAll(List.of("bench", "fig3-method", "--method", method, "--seed", Long.toString(seed), "--out",
                    json.toString()));
            cmd.addAll(scale.args());
            Path log = json.resolveSibling(json.getFileName().toString().replace(".json", ".log"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("method " + method + " seed " + seed + " exited with " + rc
                        + "; see " + log);
            }
        }
    }

    /** {@code bench fig3-method}: one method of {@code bench fig3} (the driver runs each in its own JVM). */
    @Command(name = "fig3-method", mixinStandardHelpOptions = true,
            description = "Train one bench-fig3 method (entropy, literal, loss, finest, mmtse, fixed, random) and "
                    + "write its JSON result; --method idle only loads ND4J and writes the JVM's peak resident memory "
                    + "(bench fig3's memory baseline).")
    static final class Fig3Method implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ScaleOptions scale = new ScaleOptions();

        @Option(names = "--method", required = true, description = "The method.")
        String method;

        @Option(names = "--seed", defaultValue = "1", description = "Training seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Result JSON.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Fig3Benchmark.Scale s = scale.scale();
            if (method.equals(Fig3Report.IDLE)) {
                CliFiles.outputFile(out, "result JSON (--out)");
                Fig3Report.idleJvm(s, out);
                return 0;
            }
            Fig3Benchmark.checkMethod(method); // before any training, as is the output path
            CliFiles.outputFile(out, "result JSON (--out)");
            Fig3Benchmark.runMethod(s, method, seed, out, scale.examples);
            return 0;
        }
    }

    /** {@code bench fig3-real}: the three pipelines of {@code bench fig3} on the bundled real data alone. */
    @Command(name = "fig3-real", mixinStandardHelpOptions = true,
            description = "Train the MMT-SE, fixed-resolution and random-init CP pipelines on the bundled real data "
                    + "(the product's default options, seeds 1..N, in this JVM) and print test log loss and ROC AUC, "
                    + "mean ± sample sd; the same numbers as fig3.json's realData.")
    static final class Fig3Real implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--seeds", defaultValue = "5", description = "Seeds per pipeline (default: ${DEFAULT-VALUE}).")
        int seeds;

        @Option(names = "--out", paramLabel = "FILE", description = "Also write the result JSON to FILE.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (seeds < 1) {
                throw new IllegalArgumentException("--seeds must be >= 1, found " + seeds);
            }
            if (out != null) {
                CliFiles.outputFile(out, "the real-data result JSON");
            }
            PrintWriter w = spec.commandLine().getOut();
            var r = RealDataPipelines.run(RealDataPipelines.bundled(), seeds,
                    java.util.function.UnaryOperator.identity(), line -> {
                        w.println(line);
                        w.flush();
                    });
            if (out != null) {
                io.github.finegrain.data.JsonFiles.mapper().writerWithDefaultPrettyPrinter()
                        .writeValue(out.toFile(), r);
            }
            w.print(RealDataPipelines.markdown(r));
            w.flush();
            return 0;
        }
    }

    /** {@code bench step}: one training step, DL4J's dense path against the row-sparse step, per grid and layer. */
    @Command(name = "step", mixinStandardHelpOptions = true,
            description = "Median training-step time of DL4J's dense net.fit (Adam + L2) and of the row-sparse step, "
                    + "side by side for every (court, defender) grid and both layers, with each path's model-state "
                    + "bytes; writes DIR/step.json and DIR/step.md.")
    static final class Step implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--tasks", defaultValue = "439", description = "Tasks (default: ${DEFAULT-VALUE}).")
        int tasks;

        @Option(names = "--batch", defaultValue = "1024", description = "Rows per minibatch (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--rank", defaultValue = "20", description = "CP rank (default: ${DEFAULT-VALUE}).")
        int rank;

        @Option(names = "--grids", split = ",", paramLabel = "COURT/DEFENDER",
                description = "Grid pairs such as 40x50/12x12 (default: the paper's ladder).")
        List<String> grids;

        @Option(names = "--steps", defaultValue = "50", description = "Timed steps per path (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup", defaultValue = "10",
                description = "Untimed steps before timing (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--optimizer", defaultValue = "lazy-adam",
                description = "Row-sparse optimizer: lazy-adam, sgd or adagrad (default: ${DEFAULT-VALUE}).")
        String optimizer;

        @Option(names = "--out", defaultValue = "step", paramLabel = "DIR",
                description = "Output folder (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            PrintWriter w = spec.commandLine().getOut();
            List<GridSpec[]> pairs = new ArrayList<>();
            if (grids == null || grids.isEmpty()) {
                pairs.addAll(MultiResolutionOptions.paperGrids());
            } else {
                for (String g : grids) {
                    String[] p = g.split("/");
                    if (p.length != 2) {
                        throw new IllegalArgumentException("--grids: expected COURT/DEFENDER such as 40x50/12x12, found '"
                                + g + "'");
                    }
                    int[] c = GridSpec.parseRowsCols(p[0]);
                    int[] d = GridSpec.parseRowsCols(p[1]);
                    pairs.add(new GridSpec[] {GridSpec.court(c[0], c[1]), GridSpec.defenderBox(d[0], d[1])});
                }
            }
            MultiResolutionOptions defaults = MultiResolutionOptions.defaults();
            SparseOptimizer o = SparseOptimizer.named(optimizer, defaults.learningRate(), defaults.l2());
            StepBenchmark.Settings s = new StepBenchmark.Settings(tasks, batch, rank, pairs, steps, warmup, o, 1);
            CliFiles.outputFolder(out, "step.json and step.md");
            StepBenchmark.Result r = StepBenchmark.run(s, line -> {
                w.println(line);
                w.flush();
            });
            StepBenchmark.write(r, s, out);
            w.print(StepBenchmark.markdown(r, s));
            w.flush();
            return 0;
        }
    }

    /** Peak resident memory of this process, MB (-1 where /proc/self/status has none). */
    static long vmHwmMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** {@code bench fig3-stream}: the first stage trained from an example file, streamed. */
    @Command(name = "fig3-stream", mixinStandardHelpOptions = true,
            description = "Train the first stage of bench fig3 (full-rank 4x5/6x6) for --epochs epochs streamed from "
                    + "an example file (e.g. written by bench fig3 --write-examples) and print the seconds and the "
                    + "peak resident memory as JSON.")
    static final class Fig3Stream implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--examples", required = true, paramLabel = "FILE", description = "The example file.")
        Path examples;

        @Option(names = "--epochs", defaultValue = "1", description = "Epochs (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--batch", defaultValue = "1024",
                description = "Rows per minibatch (default: ${DEFAULT-VALUE}, the methods').")
        int batch;

        @Option(names = "--validation-every", defaultValue = "1000",
                description = "Validate every N minibatches (default: ${DEFAULT-VALUE}).")
        int validationEvery;

        @Option(names = "--seed", defaultValue = "1", description = "Training seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws Exception {
            if (epochs < 1 || validationEvery < 1 || batch < 1) {
                throw new IllegalArgumentException("--epochs, --batch and --validation-every must be >= 1, found "
                        + epochs + ", " + batch + " and " + validationEvery);
            }
            CliFiles.inputFile(examples, "an example file");
            var r = Fig3Benchmark.streamFirstStage(examples, epochs, batch, validationEvery, seed);
            PrintWriter w = spec.commandLine().getOut();
            w.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(r));
            w.flush();
            return 0;
        }
    }
}
