package io.github.finegrain.bench;

import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.PlantedData;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.factor.Congruence;
import io.github.finegrain.grid.FineGraining;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.CpSpatialLayer;
import io.github.finegrain.model.CpSpatialParamInitializer;
import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.FineGrainRules;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.StageRecord;
import io.github.finegrain.train.StageSpec;
import io.github.finegrain.train.TraceRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ejml.data.DMatrixRMaj;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The numbers behind the paper's Fig. 3 (speed of multi-resolution training with entropy control) and Fig. 1
 * (interpretability of the full-rank initialization), on planted synthetic data ({@link PlantedData}) so that the
 * learned factors can be compared with the true ones.
 *
 * <p>One <em>method</em> is one training run ({@link #runMethod}); {@code bench fig3} runs each in its own JVM so that
 * its peak memory is its own, and {@link Fig3Report} combines their JSON results. Methods:
 * <table>
 * <caption>Methods</caption>
 * <tr><th>name</th><th>ladder</th><th>stage rule</th></tr>
 * <tr><td>entropy</td><td>full-rank 4x5/6x6 → 8x10/6x6 → 8x10/12x12 → 20x25/12x12 → 40x50/12x12</td>
 *     <td>the default rule, entropy-validation (window entropy stable and validation on its plateau)</td></tr>
 * <tr><td>literal</td><td>same</td><td>literal (per-minibatch S_t − S_{t−1} &gt; Δ)</td></tr>
 * <tr><td>loss</td><td>same</td><td>loss (EMA training loss converged)</td></tr>
 * <tr><td>finest</td><td>full-rank 40x50/12x12 only</td><td>never: it trains until the budget ends it</td></tr>
 * <tr><td>mmtse</td><td>the default ladder with the CP hand-off at 8x10/12x12</td><td>the default rule</td></tr>
 * <tr><td>fixed</td><td>full-rank 40x50/12x12 → CP 40x50/12x12 (hand-off at the finest grid)</td>
 *     <td>the default rule</td></tr>
 * <tr><td>random</td><td>CP 40x50/12x12 from random factors</td><td>the default rule</td></tr>
 * </table>
 * Every run uses the product's defaults ({@link MultiResolutionOptions#defaults()}: optimizer, learning rates, L2,
 * batch, the rules' parameters), validation every {@link #VALIDATION_EVERY} minibatches, and stops at the per-method
 * time budget. {@code seconds} include the validation passes and transitions; each trace entry's
 * {@code trainingSeconds} excludes the validation passes (what time to target counts).
 */
public final class Fig3Benchmark {
    /** The Fig. 3 panel methods (full-rank models). */
    public static final List<String> PANEL = List.of("entropy", "literal", "loss", "finest");
    /** The pipeline methods (CP models at the end). */
    public static final List<String> PIPELINE = List.of("mmtse", "fixed", "random");

    /**
     * The scale of a run.
     *
     * @param players       planted players (tasks)
     * @param frames        training examples; validation and test get {@code frames / 8} each, at most 50,000
     * @param rank          planted and learned CP rank
     * @param positiveRate  planted rate of positives
     * @param signal        planted loading scale ({@link PlantedData#generate(int, int, int, double, double, long)})
     * @param dataSeed      seed of the planted data (the same for every method and seed)
     * @param budgetMinutes time budget of one method's training
     */
    public record Scale(int players, int frames, int rank, double positiveRate, double signal, long dataSeed,
            double budgetMinutes) {
        /** Validates the scale. */
        public Scale {
            if (players < 1 || frames < 64 || rank < 1 || !(budgetMinutes > 0) || !(signal > 0)
                    || !Double.isFinite(budgetMinutes) || !Double.isFinite(signal)) {
                throw new IllegalArgumentException("players >= 1, frames >= 64, rank >= 1, finite signal > 0 and "
                        + "finite budget > 0 required; found players " + players + ", frames " + frames + ", rank "
                        + rank + ", signal " + signal + ", budget " + budgetMinutes + " min");
            }
        }

        /** Validation and test size. */
        public int holdOut() {
            return Math.max(Math.min(frames / 8, 50_000), 16);
        }
    }

    /**
     * Train, validation and test examples with the planted answer.
     *
     * @param train             the training examples, or null when they are streamed from an example file
     * @param trainPositiveRate share of positives among the training examples
     */
    public record Data(PlantedData planted, ExampleSet train, ExampleSet val, ExampleSet test,
            double trainPositiveRate) {
    }

    /**
     * The planted model and the validation and test examples of a run: {@link #data} when {@code examples} is
     * null, else read from the example file and its planted-model sidecar ({@code train} null).
     *
     * @throws IllegalArgumentException if the file does not match the scale
     */
    public static Data heldOut(Scale s, Path examples) throws IOException {
        if (examples == null) {
            return data(s);
        }
        io.github.finegrain.data.ExampleFile file = io.github.finegrain.data.ExampleFile.open(examples);
        PlantedData p = readPlantedModel(plantedModelFile(examples), s);
        long positives = 0;
        long count = 0;
        for (io.github.finegrain.data.ExampleFile.Game g : file.games()) {
            if (g.split() == io.github.finegrain.data.Split.TRAIN) {
                positives += g.positives();
                count += g.rows();
            }
        }
        return new Data(p, null, file.read(io.github.finegrain.data.Split.VAL),
                file.read(io.github.finegrain.data.Split.TEST), (double) positives / count);
    }

    private Fig3Benchmark() {
    }

    /** The planted data of a scale (deterministic). */
    public static Data data(Scale s) {
        int h = s.holdOut();
        PlantedData p = PlantedData.generate(s.players(), s.frames() + 2 * h, s.rank(), s.positiveRate(), s.signal(),
                s.dataSeed());
        ExampleSet all = p.examples();
        ExampleSet train = all.subset(IntStream.range(0, s.frames()).toArray());
        return new Data(p, train, all.subset(IntStream.range(s.frames(), s.frames() + h).toArray()),
                all.subset(IntStream.range(s.frames() + h, s.frames() + 2 * h).toArray()),
                (double) train.positives() / train.size());
    }

    /**
     * Writes the scale's planted data ({@link #data}: the same draws, features as float32) to an example file without
     * holding it: train, val and test are the file's splits ({@link PlantedData#write}); the metadata records the
     * scale. The heap needs about 9 bytes an example (15.7 M examples: 140 MB).
     *
     * @return the planted model
     */
    public static PlantedData writeExamples(Scale s, Path out) throws IOException {
        int h = s.holdOut();
        String meta = Fig3Report.JSON.writeValueAsString(Map.of("producer", "finegrain bench fig3 --write-examples",
                "planted", true, "scale", s));
        PlantedData p = PlantedData.write(s.players(), new int[] {s.frames(), h, h}, s.rank(), s.positiveRate(),
                s.signal(), s.dataSeed(), out, meta);
        writePlantedModel(p, s, plantedModelFile(out));
        return p;
    }

    /** Format version of the planted-model sidecar ({@link #plantedModelFile}). */
    public static final int PLANTED_MODEL_FORMAT_VERSION = 1;

    private static void compare(List<String> differ, String option, Object written, Object wanted) {
        if (!written.equals(wanted)) {
            differ.add(option + " " + written + " in the file, " + wanted + " asked");
        }
    }

    /**
     * The planted model's parameters beside an example file written by {@link #writeExamples}:
     * {@code FILE.planted.json}.
     */
    public static Path plantedModelFile(Path examples) {
        return examples.resolveSibling(examples.getFileName() + ".planted.json");
    }

    static void writePlantedModel(PlantedData p, Scale s, Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("formatVersion", PLANTED_MODEL_FORMAT_VERSION);
        m.put("scale", s);
        m.put("bumpsCourt", p.bumpsCourt());
        m.put("bumpsBox", p.bumpsBox());
        m.put("c0", p.c0());
        m.put("loadings", p.loadings());
        m.put("bias", p.bias());
        Fig3Report.JSON.writeValue(file.toFile(), m);
    }

    /**
     * Reads the planted model written beside an example file (its {@code examples} empty).
     *
     * @throws io.github.finegrain.data.DataFormatException if the file is missing or of another format version
     * @throws IllegalArgumentException if it was written for another scale (naming the options that differ)
     */
    static PlantedData readPlantedModel(Path file, Scale s) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new io.github.finegrain.data.DataFormatException(file + ": the planted model beside the example file "
                    + "is missing; write the examples with bench fig3 --write-examples (or --examples FILE for a file "
                    + "that does not exist yet)");
        }
        com.fasterxml.jackson.databind.JsonNode n = io.github.finegrain.data.JsonFiles.readTree(file,
                "the planted model");
        if (n.path("formatVersion").asInt(-1) != PLANTED_MODEL_FORMAT_VERSION) {
            throw new io.github.finegrain.data.DataFormatException(file + ": expected formatVersion "
                    + PLANTED_MODEL_FORMAT_VERSION + ", found " + n.path("formatVersion"));
        }
        Scale written = Fig3Report.JSON.treeToValue(n.get("scale"), Scale.class);
        List<String> differ = new ArrayList<>();
        compare(differ, "--players", written.players(), s.players());
        compare(differ, "--frames", written.frames(), s.frames());
        compare(differ, "--rank", written.rank(), s.rank());
        compare(differ, "--data-seed", written.dataSeed(), s.dataSeed());
        compare(differ, "--signal", written.signal(), s.signal());
        compare(differ, "--positive-rate", written.positiveRate(), s.positiveRate());
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException(file + ": the examples were written for another scale: "
                    + String.join(", ", differ));
        }
        com.fasterxml.jackson.databind.ObjectMapper j = Fig3Report.JSON;
        return new PlantedData(new ExampleSet(new String[0], new double[0], new byte[0], new int[0], new int[0]),
                j.treeToValue(n.get("bumpsCourt"), double[][].class), j.treeToValue(n.get("bumpsBox"), double[][].class),
                j.treeToValue(n.get("c0"), double[].class), j.treeToValue(n.get("loadings"), double[][].class),
                n.get("bias").asDouble());
    }

    /**
     * Trains the first stage of the ladder (full-rank 4x5/6x6 at the default learning rate, as the methods; minibatches
     * of {@code batch} rows, the methods' 1024 by default) for {@code epochs} epochs streamed from the train split of an example file, validating on its val split every
     * {@code validationEvery} minibatches; nothing of the training split is held in memory (see
     * {@link io.github.finegrain.train.BlockShuffledStream}). Result fields: {@code trainingRows},
     * {@code minibatches}, {@code seconds} (training, validation included), {@code validationSeconds},
     * {@code startValidationLoss}, {@code bestValidationLoss}, {@code vmHwmBytes} (the process's peak resident
     * memory), {@code maxHeapBytes}.
     */
    public static Map<String, Object> streamFirstStage(Path examples, int epochs, int batch, int validationEvery,
            long seed) throws IOException {
        PeakSampler sampler = PeakSampler.start();
        io.github.finegrain.data.ExampleFile file = io.github.finegrain.data.ExampleFile.open(examples);
        io.github.finegrain.train.ExampleFileRows rows = io.github.finegrain.train.ExampleFileRows.scan(file,
                io.github.finegrain.data.Split.TRAIN, Long.MAX_VALUE);
        TaskIndex tasks = TaskIndex.fromCounts(rows.taskCounts(), 1);
        ExampleSet val = file.read(io.github.finegrain.data.Split.VAL);
        GridSpec[] g = MultiResolutionOptions.paperGrids().get(0);
        int batches = (int) ((rows.trainingRows(tasks) + batch - 1) / batch);
        MultiResolutionOptions o = MultiResolutionOptions.builder()
                .ladder(List.of(new StageSpec(ModelKind.FULL_RANK, g[0], g[1]))).rank(1)
                .criterion(FineGrainRules.Criterion.NEVER).batchSize(batch).positiveWeight(1.0).seed(seed)
                .dataType(DataType.FLOAT).minTaskExamples(1).validationEvery(validationEvery)
                .maxStepsPerStage(epochs * batches).maxMinutes(1e6).build();
        io.github.finegrain.train.StreamedTrainingData data = new io.github.finegrain.train.StreamedTrainingData(
                tasks, (e, p) -> rows.stream(tasks, batch, seed, DataType.FLOAT, e, p), rows.trainingRows(tasks),
                rows.positiveRate(tasks),
                rows.fingerprint(), io.github.finegrain.train.ExampleRows.scoring(val, tasks, DataType.FLOAT));
        long t0 = System.nanoTime();
        MultiResolutionTrainer.Result r = new MultiResolutionTrainer(o, new DefaultStageTransition())
                .fit(data, null, Integer.MAX_VALUE);
        double wall = (System.nanoTime() - t0) / 1e9;
        StageRecord st = r.stages().get(0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("examples", examples.toString());
        out.put("trainExamples", rows.examples());
        out.put("trainingRows", rows.trainingRows(tasks));
        out.put("tasks", tasks.size());
        out.put("batch", batch);
        out.put("minibatches", st.iterations());
        out.put("epochs", r.trace().get(r.trace().size() - 1).epoch());
        out.put("seconds", r.seconds());
        out.put("wallSeconds", wall);
        out.put("validations", r.trace().stream().filter(t -> !Double.isNaN(t.validationLoss())).count() + 1);
        out.put("startValidationLoss", st.startValidationLoss());
        out.put("bestValidationLoss", st.bestValidationLoss());
        out.putAll(sampler.stop());
        out.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        return out;
    }

    /** The finest grids: court 40x50, defender 12x12. */
    static GridSpec[] finest() {
        List<GridSpec[]> g = MultiResolutionOptions.paperGrids();
        return g.get(g.size() - 1);
    }

    /**
     * Checks a method name.
     *
     * @throws IllegalArgumentException if it is not one of {@link #PANEL} or {@link #PIPELINE}
     */
    public static void checkMethod(String method) {
        if (!PANEL.contains(method) && !PIPELINE.contains(method)) {
            throw unknownMethod(method);
        }
    }

    private static IllegalArgumentException unknownMethod(String method) {
        return new IllegalArgumentException("unknown method '" + method + "'; expected one of " + PANEL + " or "
                + PIPELINE);
    }

    /**
     * Validation interval of every method, minibatches: a validation pass over the 50,000 held-out frames costs
     * about as much as 10–20 row-sparse minibatch steps here, and the rules need a reading every few hundred steps;
     * the time to target counts training seconds only (validation excluded), so the interval does not bias it.
     */
    public static final int VALIDATION_EVERY = 50;

    /**
     * The ladder and rule of a method; everything else is the product's defaults ({@link
     * MultiResolutionOptions#defaults()}: optimizer, learning rates, L2, batch, rule parameters), the same for every
     * method, baselines included. Every method has the same budget, {@link Scale#budgetMinutes()} of wall time; a
     * stage ends by its rule (the finest method has none: it trains at 40x50/12x12 until the budget ends it).
     */
    static MultiResolutionOptions options(String method, Scale s, long seed) {
        List<StageSpec> ladder;
        FineGrainRules.Criterion c = MultiResolutionOptions.DEFAULT_CRITERION;
        GridSpec[] f = finest();
        switch (method) {
            case "entropy", "literal", "loss" -> {
                ladder = new ArrayList<>();
                for (GridSpec[] g : MultiResolutionOptions.paperGrids()) {
                    ladder.add(new StageSpec(ModelKind.FULL_RANK, g[0], g[1]));
                }
                c = method.equals("entropy") ? c : FineGrainRules.Criterion.parse(method);
            }
            case "finest" -> {
                ladder = List.of(new StageSpec(ModelKind.FULL_RANK, f[0], f[1]));
                c = FineGrainRules.Criterion.NEVER;
            }
            case "mmtse" -> ladder = MultiResolutionOptions.paperLadder();
            case "fixed" -> ladder = List.of(new StageSpec(ModelKind.FULL_RANK, f[0], f[1]),
                    new StageSpec(ModelKind.CP, f[0], f[1]));
            case "random" -> ladder = List.of(new StageSpec(ModelKind.CP, f[0], f[1]));
            default -> throw unknownMethod(method);
        }
        return MultiResolutionOptions.builder().ladder(ladder).rank(s.rank()).criterion(c).seed(seed)
                .dataType(DataType.FLOAT).minTaskExamples(1).validationEvery(VALIDATION_EVERY)
                .maxStepsPerStage(Integer.MAX_VALUE).maxMinutes(s.budgetMinutes()).build();
    }

    /**
     * Trains one method on the scale's data and returns its result (also written as JSON to {@code outJson}, with the
     * learned CP factors as {@code <stem>-A.npy}, {@code -B.npy}, {@code -C.npy} next to it when the model is CP).
     *
     * <p>Result fields: {@code method}, {@code seed}, {@code seconds} (training), {@code steps}, {@code trace}
     * (one entry per validated minibatch: seconds, iteration, validation loss, stage), {@code stages}, {@code test}
     * (log loss, ROC AUC on the test examples), {@code peak} (VmHWM bytes, ND4J physical and total bytes, sampled
     * every 50 ms), and for CP models {@code interpretability} (congruence with the planted factors, smoothness).
     */
    public static Map<String, Object> runMethod(Scale s, String method, long seed, Path outJson) throws IOException {
        return runMethod(s, method, seed, outJson, null);
    }

    /**
     * As {@link #runMethod(Scale, String, long, Path)}; with {@code examples} (an example file written by
     * {@link #writeExamples} for the same scale) the training split is streamed from the file (nothing of it held in
     * memory, {@link io.github.finegrain.train.BlockShuffledStream}), the validation and test splits are read from
     * it, and the planted model from its sidecar ({@link #plantedModelFile}).
     *
     * @throws IllegalArgumentException if the example file or its planted model does not match the scale
     */
    public static Map<String, Object> runMethod(Scale s, String method, long seed, Path outJson, Path examples)
            throws IOException {
        PeakSampler sampler = PeakSampler.start();
        MultiResolutionOptions o = options(method, s, seed);
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(o, new DefaultStageTransition());
        PlantedData planted;
        ExampleSet test;
        long trainRows;
        MultiResolutionTrainer.Result r;
        if (examples == null) {
            Data data = data(s);
            planted = data.planted();
            test = data.test();
            trainRows = trainRows(data.train());
            r = trainer.fit(data.train(), data.val());
        } else {
            io.github.finegrain.data.ExampleFile file = io.github.finegrain.data.ExampleFile.open(examples);
            planted = readPlantedModel(plantedModelFile(examples), s);
            io.github.finegrain.train.ExampleFileRows rows = io.github.finegrain.train.ExampleFileRows.scan(file,
                    io.github.finegrain.data.Split.TRAIN, Long.MAX_VALUE);
            if (rows.examples() != s.frames()) {
                throw new IllegalArgumentException(examples + ": " + rows.examples() + " training examples, expected "
                        + s.frames() + " (--frames)");
            }
            TaskIndex tasks = TaskIndex.fromCounts(rows.taskCounts(), o.minTaskExamples());
            ExampleSet val = file.read(io.github.finegrain.data.Split.VAL);
            test = file.read(io.github.finegrain.data.Split.TEST);
            trainRows = rows.trainingRows(tasks);
            int batch = o.batchSize();
            r = trainer.fit(new io.github.finegrain.train.StreamedTrainingData(tasks,
                    (e, p) -> rows.stream(tasks, batch, seed, DataType.FLOAT, e, p), trainRows,
                    rows.positiveRate(tasks), rows.fingerprint(),
                    io.github.finegrain.train.ExampleRows.scoring(val, tasks, DataType.FLOAT)), null, Integer.MAX_VALUE);
        }
        double[] p = r.model().predict(test);
        BinaryMetrics m = BinaryMetrics.of(p, test.labels(), 0.5);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", method);
        out.put("seed", seed);
        out.put("scale", s);
        out.put("criterion", o.criterion().cliName());
        out.put("ladder", o.ladder().stream().map(StageSpec::label).toList());
        out.put("trainRows", trainRows);
        out.put("streamedFrom", examples == null ? null : examples.toString());
        out.put("seconds", r.seconds());
        out.put("validationSeconds", r.validationSeconds());
        out.put("finalStage", r.finalStage());
        out.put("steps", r.trace().isEmpty() ? 0 : r.trace().get(r.trace().size() - 1).iteration());
        out.put("epochs", r.trace().isEmpty() ? 0 : r.trace().get(r.trace().size() - 1).epoch());
        List<Map<String, Object>> trace = new ArrayList<>();
        for (TraceRow t : r.trace()) {
            if (!Double.isNaN(t.validationLoss())) {
                trace.add(Map.of("seconds", t.seconds(), "trainingSeconds", t.trainingSeconds(), "iteration", t.iteration(), "validationLoss",
                        t.validationLoss(), "stage", t.stage()));
            }
        }
        out.put("trace", trace);
        List<Map<String, Object>> stages = new ArrayList<>();
        for (StageRecord st : r.stages()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("stage", st.kind() + " " + st.court() + "/" + st.defender());
            e.put("iterations", st.iterations());
            e.put("seconds", st.seconds());
            e.put("endReason", st.endReason());
            e.put("startValidationLoss", st.startValidationLoss());
            e.put("bestValidationLoss", st.bestValidationLoss());
            e.put("handOffFit", Double.isNaN(st.handOffFit()) ? null : st.handOffFit());
            stages.add(e);
        }
        out.put("stages", stages);
        out.put("test", Map.of("logLoss", m.logLoss(), "rocAuc", m.rocAuc(), "examples", m.examples()));
        MultiLayerNetwork net = r.model().network();
        if (net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof CpSpatialLayer) {
            DMatrixRMaj[] learned = learnedFactors(net, r.model().tasks(), s.players());
            DMatrixRMaj[] plantedF = plantedFactors(planted);
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("plantedCongruence", Congruence.coefficient(plantedF, learned));
            in.put("courtDirichletEnergy", FactorSmoothness.meanDirichlet(learned[1], finest()[0]));
            in.put("courtMoransI", FactorSmoothness.meanMoransI(learned[1], finest()[0]));
            in.put("plantedCourtDirichletEnergy", FactorSmoothness.meanDirichlet(plantedF[1], finest()[0]));
            in.put("plantedCourtMoransI", FactorSmoothness.meanMoransI(plantedF[1], finest()[0]));
            out.put("interpretability", in);
            if (outJson != null) {
                String stem = stem(outJson);
                String[] names = {"A", "B", "C"};
                for (int i = 0; i < 3; i++) {
                    writeMatrix(outJson.resolveSibling(stem + "-" + names[i] + ".npy"), learned[i]);
                }
            }
        }
        Map<String, Object> peak = sampler.stop();
        long state = 0;
        for (int i = 0; i < r.stages().size(); i++) {
            state = Math.max(state, modelStateBytes(o.ladder().get(i), r.model().tasks().size(), s.rank()));
        }
        peak.put("modelStateBytes", state);
        out.put("peak", peak);
        if (outJson != null) {
            Fig3Report.JSON.writeValue(outJson.toFile(), out);
        }
        return out;
    }

    /**
     * Bytes the training of one stage keeps for its model in float: the parameters, their gradient and Adam's two
     * moment estimates, 4 values of 4 bytes per parameter. Full rank: {@code tasks × courtCells × (defenderCells + 1)
     * + tasks} parameters (F and the biases); CP: {@code (tasks + courtCells + defenderCells + 1) × rank + tasks}. This
     * is the memory the paper's claim is about (the finest full-rank F is never allocated by MMT-SE); the process's
     * VmHWM adds the JVM, ND4J's native libraries, the data and garbage not yet collected.
     */
    static long modelStateBytes(StageSpec stage, int tasks, int rank) {
        long court = stage.court().cellCount();
        long def = stage.defenderBox().cellCount() + 1L;
        long params = stage.kind() == ModelKind.FULL_RANK ? tasks * court * def + tasks
                : (tasks + court + def) * rank + tasks;
        return params * Float.BYTES * 4;
    }

    static String stem(Path json) {
        String n = json.getFileName().toString();
        return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
    }

    private static long trainRows(ExampleSet train) {
        TaskIndex t = TaskIndexes.fromTraining(train, 1);
        long rows = 0;
        for (String k : train.taskKeys()) {
            rows += t.indexOf(k) > 0 ? 2 : 1;
        }
        return rows;
    }

    /**
     * The learned CP factors in the planted layout: A {@code [players, K]} (row p = task of player {@code P%03d}, zero
     * if he has no task), B {@code [courtCells, K]}, C {@code [defenderCells + 1, K]}.
     */
    static DMatrixRMaj[] learnedFactors(MultiLayerNetwork net, TaskIndex tasks, int players) {
        double[][] a = net.getLayer(0).getParam(CpSpatialParamInitializer.TASK_KEY).toDoubleMatrix();
        double[][] b = net.getLayer(0).getParam(CpSpatialParamInitializer.COURT_KEY).toDoubleMatrix();
        double[][] c = net.getLayer(0).getParam(CpSpatialParamInitializer.DEFENDER_KEY).toDoubleMatrix();
        int k = b[0].length;
        CpSpatialLayer conf = (CpSpatialLayer) net.getLayerWiseConfigurations().getConf(0).getLayer();
        b = toFinest(b, conf.court(), finest()[0], false);
        c = toFinest(c, conf.defenderBox(), finest()[1], true);
        double[][] ap = new double[players][k];
        for (int p = 0; p < players; p++) {
            int t = tasks.indexOf(String.format("P%03d", p));
            if (t > 0) {
                ap[p] = a[t].clone();
            }
        }
        return new DMatrixRMaj[] {new DMatrixRMaj(ap), new DMatrixRMaj(b), new DMatrixRMaj(c)};
    }

    /**
     * Rows of a factor on {@code grid} carried to the finer {@code fine} grid by {@link FineGraining}, the model's own
     * operator (on the nested ladder grids each fine cell inherits its parent's row, so the function is unchanged); with {@code constantRow} the
     * last row (the constant defender entry) is kept last. A run stopped by its time budget before the finest stage
     * ends on a coarser grid.
     */
    static double[][] toFinest(double[][] f, GridSpec grid, GridSpec fine, boolean constantRow) {
        if (grid.equals(fine)) {
            return f;
        }
        int k = f[0].length;
        double[] flat = new double[f.length * k];
        for (int i = 0; i < f.length; i++) {
            System.arraycopy(f[i], 0, flat, i * k, k);
        }
        FineGraining fg = FineGraining.between(grid, fine);
        int[] dims = {f.length, k};
        double[] out = constantRow ? fg.applyAlongDefenderAxis(flat, dims, 0) : fg.applyAlongAxis(flat, dims, 0);
        double[][] rows = new double[out.length / k][k];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(out, i * k, rows[i], 0, k);
        }
        return rows;
    }

    /**
     * The planted factors at the finest grids: A {@code [players, K]}, B {@code [2000, K]} (court bump with its sign at
     * the 40x50 cell centres, rows over x), C {@code [145, K]} (minus the defender bump at the 12x12 cell centres, last
     * row c0): the same layout as the CP layer's, so that {@code logit = b + Σ_k A B (C·φ)}.
     */
    public static DMatrixRMaj[] plantedFactors(PlantedData p) {
        GridSpec court = finest()[0];
        GridSpec box = finest()[1];
        int k = p.c0().length;
        DMatrixRMaj b = new DMatrixRMaj(court.cellCount(), k);
        DMatrixRMaj c = new DMatrixRMaj(box.cellCount() + 1, k);
        for (int r = 0; r < k; r++) {
            double[] bc = p.bumpsCourt()[r];
            for (int i = 0; i < court.cellCount(); i++) {
                double dx = court.centerX(i) - bc[0];
                double dy = court.centerY(i) - bc[1];
                b.set(i, r, bc[3] * Math.exp(-(dx * dx + dy * dy) / (2 * bc[2] * bc[2])));
            }
            double[] bb = p.bumpsBox()[r];
            for (int i = 0; i < box.cellCount(); i++) {
                double dx = box.centerX(i) - bb[0];
                double dy = box.centerY(i) - bb[1];
                c.set(i, r, -Math.exp(-(dx * dx + dy * dy) / (2 * bb[2] * bb[2])));
            }
            c.set(box.cellCount(), r, p.c0()[r]);
        }
        return new DMatrixRMaj[] {new DMatrixRMaj(p.loadings()), b, c};
    }

    /**
     * Probabilities of the planted model itself for {@code examples} (the generator's formula with the true
     * parameters): the oracle that bounds what any learned model can reach on this data.
     */
    public static double[] oracleProbabilities(PlantedData p, ExampleSet examples) {
        int k = p.c0().length;
        double[] out = new double[examples.size()];
        for (int i = 0; i < out.length; i++) {
            int player = Integer.parseInt(examples.taskKeys()[i].substring(1));
            double x = examples.feature(i, 0);
            double y = examples.feature(i, 1);
            double z = p.bias();
            for (int r = 0; r < k; r++) {
                double[] bc = p.bumpsCourt()[r];
                double b = bc[3] * Math.exp(-((x - bc[0]) * (x - bc[0]) + (y - bc[1]) * (y - bc[1]))
                        / (2 * bc[2] * bc[2]));
                double c = p.c0()[r];
                double[] bb = p.bumpsBox()[r];
                for (int d = 0; d < 5; d++) {
                    double dx = examples.feature(i, 2 + 2 * d);
                    double dy = examples.feature(i, 3 + 2 * d);
                    if (dx >= -6 && dx < 6 && dy >= -2 && dy < 10) {
                        c -= Math.exp(-((dx - bb[0]) * (dx - bb[0]) + (dy - bb[1]) * (dy - bb[1]))
                                / (2 * bb[2] * bb[2]));
                    }
                }
                z += p.loadings()[player][r] * b * c;
            }
            out[i] = 1 / (1 + Math.exp(-z));
        }
        return out;
    }

    /** Writes a matrix as a 2-D float64 .npy file. */
    public static void writeMatrix(Path file, DMatrixRMaj m) throws IOException {
        Npy.writeDoubles(file, new NpyArray(new int[] {m.numRows, m.numCols}, m.data.clone()));
    }

    /** Reads a 2-D .npy file written by {@link #writeMatrix}. */
    static DMatrixRMaj readMatrix(Path file) throws IOException {
        NpyArray a = Npy.read(file);
        DMatrixRMaj m = new DMatrixRMaj(a.dim(0), a.dim(1));
        System.arraycopy(a.data(), 0, m.data, 0, a.data().length);
        return m;
    }

    /** Writes the planted factors (see {@link #plantedFactors}) and the bump parameters as .npy files. */
    public static void writePlanted(PlantedData p, Path dir) throws IOException {
        Files.createDirectories(dir);
        DMatrixRMaj[] f = plantedFactors(p);
        writeMatrix(dir.resolve("planted-A-loadings.npy"), f[0]);
        writeMatrix(dir.resolve("planted-B-court-40x50.npy"), f[1]);
        writeMatrix(dir.resolve("planted-C-defender-12x12-plus-constant.npy"), f[2]);
        writeMatrix(dir.resolve("planted-bumps-court.npy"), new DMatrixRMaj(p.bumpsCourt()));
        writeMatrix(dir.resolve("planted-bumps-box.npy"), new DMatrixRMaj(p.bumpsBox()));
    }

    /** Peak memory of this JVM: VmHWM and the maximum of JavaCPP's physical and total bytes, sampled. */
    static final class PeakSampler {
        private volatile boolean running = true;
        private volatile long physical;
        private volatile long total;
        private final Thread thread;

        private PeakSampler() {
            thread = new Thread(() -> {
                while (running) {
                    sample();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "fig3-peak-sampler");
            thread.setDaemon(true);
        }

        static PeakSampler start() {
            PeakSampler s = new PeakSampler();
            s.thread.start();
            return s;
        }

        private void sample() {
            physical = Math.max(physical, org.bytedeco.javacpp.Pointer.physicalBytes());
            total = Math.max(total, org.bytedeco.javacpp.Pointer.totalBytes());
        }

        Map<String, Object> stop() {
            running = false;
            thread.interrupt();
            sample();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vmHwmBytes", vmHwm());
            m.put("javacppPhysicalBytes", physical);
            m.put("javacppTotalBytes", total);
            return m;
        }

        /** VmHWM of /proc/self/status in bytes, or -1 where there is none. */
        static long vmHwm() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return 1024L * Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
            return -1;
        }
    }
}
