package io.github.finegrain.train;

import io.github.finegrain.model.ModelKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.grid.GridSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class MultiResolutionTrainerTest {
    static ExampleSet train;
    static ExampleSet val;

    @BeforeAll
    static void data() throws Exception {
        train = slice(ExampleBuilder.build(BundledData.load(Split.TRAIN)).examples(), 3000);
        val = slice(ExampleBuilder.build(BundledData.load(Split.VAL)).examples(), 800);
    }

    static ExampleSet slice(ExampleSet ex, int n) {
        return ex.subset(IntStream.range(0, n).toArray());
    }

    /** A small ladder through every kind of transition, each stage exactly 12 minibatches (steps rule). */
    static MultiResolutionOptions options() {
        GridSpec d3 = GridSpec.defenderBox(3, 3);
        GridSpec d6 = GridSpec.defenderBox(6, 6);
        List<StageSpec> ladder = List.of(
                new StageSpec(ModelKind.FULL_RANK, GridSpec.court(4, 5), d3),
                new StageSpec(ModelKind.FULL_RANK, GridSpec.court(8, 10), d3),
                new StageSpec(ModelKind.CP, GridSpec.court(8, 10), d3),
                new StageSpec(ModelKind.CP, GridSpec.court(20, 25), d6));
        FineGrainRules.Parameters rules = new FineGrainRules.Parameters(0.005, 0, 0, 3, 0.001, 12, 2);
        return MultiResolutionOptions.builder().ladder(ladder).rank(4).criterion(FineGrainRules.Criterion.STEPS)
                .rules(rules).window(4).batchSize(256).optimizer("adam").learningRate(0.02).cpLearningRate(0.002)
                .l2(1e-4).positiveWeight(1.0).seed(5L).dataType(DataType.DOUBLE).minTaskExamples(1000)
                .validationEvery(5).maxStepsPerStage(100).maxMinutes(10).build();
    }

    /**
     * With a learning-rate decay each fine-graining multiplies the step size, and the row-sparse step trains at the
     * new rate (its optimizer state carries its own learning rate); the hand-off starts the CP stages at the CP rate.
     */
    @Test
    void learningRateDecaysAtEveryFineGrainingIncludingTheRowSparseStep() {
        MultiResolutionOptions o = options().toBuilder().optimizer("lazy-adam").learningRateDecay(0.5).build();
        io.github.finegrain.model.SpatialNetworks.Options net = new io.github.finegrain.model.SpatialNetworks.Options(
                o.updater(), o.l2(), 1.0, 5L, DataType.DOUBLE);
        DefaultStageTransition t = new DefaultStageTransition();
        List<StageSpec> l = o.ladder();
        TrainingStep step = TrainingSteps.forOptimizer("lazy-adam", o.l2()).apply(t.create(l.get(0), 3, 0.0, 4, net));
        SwapStep swap = new SwapStep(t, o);
        TrainingStep s1 = swap.next(step, l.get(0), l.get(1)).step();
        assertThat(TrainingSteps.learningRate(s1.network())).isCloseTo(0.01, within(1e-12));
        assertThat(((SparseTrainingStep) s1).state().config().learningRate()).isCloseTo(0.01, within(1e-12));
        TrainingStep s2 = swap.next(s1, l.get(1), l.get(2)).step();
        assertThat(((SparseTrainingStep) s2).state().config().learningRate()).isCloseTo(0.002, within(1e-12));
        TrainingStep s3 = swap.next(s2, l.get(2), l.get(3)).step();
        assertThat(TrainingSteps.learningRate(s3.network())).isCloseTo(0.001, within(1e-12));
        assertThat(((SparseTrainingStep) s3).state().config().learningRate()).isCloseTo(0.001, within(1e-12));
    }

    @Test
    void runPassesThroughEveryStageWithItsEvents() {
        MultiResolutionTrainer.Result r = new MultiResolutionTrainer(options(), new DefaultStageTransition())
                .fit(train, val);
        assertThat(r.stages()).extracting(StageRecord::kind).containsExactly("full-rank", "full-rank", "cp", "cp");
        assertThat(r.stages()).extracting(StageRecord::court).containsExactly("4x5", "8x10", "8x10", "20x25");
        assertThat(r.stages()).extracting(StageRecord::iterations).containsOnly(12);
        assertThat(r.stages()).extracting(StageRecord::endReason).containsOnly("rule:steps");
        assertThat(r.stages().get(2).handOffFit()).isBetween(0.0, 1.0);
        assertThat(r.trace()).hasSize(48);
        assertThat(r.trace()).extracting(TraceRow::event).filteredOn(e -> !e.isEmpty())
                .containsExactly("fine-grain", "hand-off", "fine-grain", "stop");
        // the final model is the stage with the lowest best validation loss, and it is that stage's network
        StageRecord chosen = r.finalRecord();
        assertThat(chosen.bestValidationLoss()).isEqualTo(
                r.stages().stream().mapToDouble(StageRecord::bestValidationLoss).min().orElseThrow());
        assertThat(r.model().layerConf().kind().label()).isEqualTo(chosen.kind());
        assertThat(r.model().spec().court().label()).isEqualTo(chosen.court());
        assertThat(ValidationLoss.of(r.model().network(), ExampleRows.scoring(val, r.model().tasks(),
                DataType.DOUBLE), val.labels())).isCloseTo(chosen.bestValidationLoss(), within(1e-12));
        for (StageRecord s : r.stages()) {
            assertThat(s.checkpoint()).startsWith("best-validation@");
            // the stage hands on its best-validation parameters: never worse than where the stage began
            assertThat(s.bestValidationLoss()).isLessThanOrEqualTo(s.startValidationLoss());
            assertThat(s.validationSeconds()).isPositive();
            assertThat(s.stepSeconds()).isPositive();
        }
        assertThat(r.validationSeconds()).isCloseTo(
                r.stages().stream().mapToDouble(StageRecord::validationSeconds).sum(), within(1e-9));
        assertThat(r.stepSeconds() + r.validationSeconds()).isLessThan(r.seconds());
    }

    @Test
    void fitsOnDataSetIteratorsOfInputRowsThroughAStream() {
        io.github.finegrain.model.TaskIndex tasks = io.github.finegrain.data.TaskIndexes.fromTraining(train, 1000);
        var rows = ExampleRows.training(train, tasks, DataType.DOUBLE);
        var valRows = ExampleRows.scoring(val, tasks, DataType.DOUBLE);
        var it = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(rows.batchBy(500), 500);
        var vit = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(valRows.batchBy(500), 500);
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options(), new DefaultStageTransition());
        MultiResolutionTrainer.Result fromIterators = trainer.fit(it, vit, tasks);
        MultiResolutionTrainer.Result fromExamples = trainer.fit(train, val);
        assertThat(fromIterators.stages()).hasSize(4);
        assertThat(fromIterators.model().tasks().size()).isEqualTo(tasks.size());
        // the rows are streamed (spilled and block-shuffled: another order than in memory); the same data, so the
        // stages learn about as much: a wrong row or label would not
        for (int s = 0; s < 4; s++) {
            assertThat(fromIterators.stages().get(s).bestValidationLoss())
                    .isCloseTo(fromExamples.stages().get(s).bestValidationLoss(), org.assertj.core.data.Offset.offset(0.01));
        }
        assertThat(fromIterators.stages().get(3).bestValidationLoss())
                .isLessThan(fromIterators.stages().get(0).startValidationLoss());
    }

    /** train as the train split and val as the val split of an example file; task keys become its task table. */
    static Path exampleFile(Path out, ExampleSet tr, ExampleSet va) throws java.io.IOException {
        java.util.List<String> keys = new java.util.ArrayList<>(new java.util.TreeSet<>(java.util.Arrays.asList(
                tr.taskKeys())));
        for (String k : va.taskKeys()) {
            if (!keys.contains(k)) {
                keys.add(k);
            }
        }
        int[][] counts = new int[keys.size()][3];
        try (io.github.finegrain.data.ExampleFile.Writer w = new io.github.finegrain.data.ExampleFile.Writer(out)) {
            ExampleSet[] sets = {tr, va};
            java.util.List<io.github.finegrain.data.ExampleFile.Game> games = new java.util.ArrayList<>();
            for (int g = 0; g < 2; g++) {
                ExampleSet ex = sets[g];
                double[] f = new double[ExampleSet.FEATURES];
                for (int i = 0; i < ex.size(); i++) {
                    System.arraycopy(ex.features(), i * ExampleSet.FEATURES, f, 0, f.length);
                    int t = keys.indexOf(ex.taskKeys()[i]);
                    counts[t][g]++;
                    w.row(g, t, i, 100, 1, ex.labels()[i] == 1, f);
                }
                games.add(new io.github.finegrain.data.ExampleFile.Game("g" + g, "2099-01-01", "H", "V", "t",
                        Split.values()[g], g == 0 ? 0 : tr.size(), ex.size(), ex.positives()));
            }
            java.util.List<io.github.finegrain.data.ExampleFile.Task> t = new java.util.ArrayList<>();
            for (int k = 0; k < keys.size(); k++) {
                t.add(new io.github.finegrain.data.ExampleFile.Task(keys.get(k), "", counts[k]));
            }
            w.finish("{}", games, t);
        }
        return out;
    }

    @Test
    void trainsFromABlockShuffledFileStreamAndResumesIt(@TempDir Path dir) throws Exception {
        var file = io.github.finegrain.data.ExampleFile.open(exampleFile(dir.resolve("t.fgex"), train, val));
        ExampleFileRows rows = ExampleFileRows.scan(file, Split.TRAIN, Long.MAX_VALUE);
        io.github.finegrain.model.TaskIndex tasks = io.github.finegrain.model.TaskIndex.fromCounts(rows.taskCounts(),
                1000);
        assertThat(tasks.keys()).isEqualTo(io.github.finegrain.data.TaskIndexes.fromTraining(train, 1000).keys());
        // 6 blocks of 500 examples, 2 in the buffer: a real block shuffle; 48 minibatches of 256 cross epochs
        java.util.List<int[]> opened = new java.util.ArrayList<>();
        StreamedTrainingData data = new StreamedTrainingData(tasks, (e, p) -> {
            opened.add(new int[] {e, p});
            return new BlockShuffledStream(rows.blocks(tasks, 500), 256, 2, 5, DataType.DOUBLE, e, p);
        }, rows.trainingRows(tasks), rows.positiveRate(tasks), rows.fingerprint(),
                ExampleRows.scoring(val, tasks, DataType.DOUBLE));
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options(), new DefaultStageTransition());
        MultiResolutionTrainer.Result whole = trainer.fit(data, null, Integer.MAX_VALUE);
        assertThat(whole.stages()).extracting(StageRecord::iterations).containsOnly(12);
        assertThat(whole.trace().get(47).epoch()).isGreaterThan(1);
        assertThat(whole.stages().get(3).bestValidationLoss()).isLessThan(whole.stages().get(0).startValidationLoss());

        MultiResolutionTrainer.Result first = trainer.fit(data, dir.resolve("run"), 1);
        RunCheckpoint cp = RunCheckpoint.read(dir.resolve("run"));
        int batches = (int) Math.ceil(rows.trainingRows(tasks) / 256.0);
        assertThat(cp.epoch()).isEqualTo((24 - 1) / batches + 1);
        assertThat(cp.position()).isEqualTo((24 - 1) % batches + 1);
        MultiResolutionTrainer.Result resumed = new MultiResolutionTrainer(options(), new DefaultStageTransition())
                .resume(data, dir.resolve("run"));
        assertThat(opened.get(opened.size() - 1)).containsExactly(cp.epoch(), cp.position());
        assertThat(first.stages()).hasSize(2);
        assertThat(resumed.stages()).hasSize(4);
        INDArray p = resumed.model().network().params();
        INDArray q = whole.model().network().params();
        assertThat(p.sub(q).norm2Number().doubleValue() / q.norm2Number().doubleValue()).isLessThan(1e-6);
        assertThat(resumed.model().dataFingerprint()).isEqualTo(rows.fingerprint());
    }

    @Test
    void resumeFromAStageBoundaryReachesTheSameParameters(@TempDir Path root) throws Exception {
        Path dir = root.resolve("checkpoint");
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options(), new DefaultStageTransition());
        MultiResolutionTrainer.Result full = trainer.fit(train, val);
        INDArray uninterrupted = full.model().network().params();

        MultiResolutionTrainer.Result first = trainer.fit(train, val, dir, 1);
        assertThat(first.stages()).hasSize(2);
        assertThat(RunCheckpoint.read(dir).nextStage()).isEqualTo(2);
        MultiResolutionTrainer.Result resumed = new MultiResolutionTrainer(options(), new DefaultStageTransition())
                .resume(train, val, dir);
        assertThat(resumed.stages()).hasSize(4);
        assertThat(resumed.trace()).hasSize(48);
        assertThat(resumed.trace().get(0).reading().minibatchLoss())
                .isEqualTo(first.trace().get(0).reading().minibatchLoss());
        INDArray p = resumed.model().network().params();
        double rel = p.sub(uninterrupted).norm2Number().doubleValue() / uninterrupted.norm2Number().doubleValue();
        assertThat(rel).isLessThan(1e-6);
        assertThat(resumed.finalStage()).isEqualTo(full.finalStage());
    }

    @Test
    void resumeRejectsOtherData(@TempDir Path root) throws Exception {
        Path dir = root.resolve("checkpoint");
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options(), new DefaultStageTransition());
        trainer.fit(train, val, dir, 0);
        ExampleSet other = slice(train, 2000);
        assertThatThrownBy(() -> trainer.resume(other, val, dir))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("other training data");
        assertThatThrownBy(() -> trainer.resume(train, val, dir.resolve("missing")))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("no checkpoint state");
    }

    /**
     * A transition whose fine-graining adds noise to the spatial weights: the swap costs validation loss, as the
     * non-nested 8x10 → 20x25 step of the paper's ladder can.
     */
    static final class CostlySwap implements StageTransition {
        private final DefaultStageTransition d = new DefaultStageTransition();

        @Override
        public org.deeplearning4j.nn.multilayer.MultiLayerNetwork create(StageSpec stage, int tasks, double biasInit,
                int rank, io.github.finegrain.model.SpatialNetworks.Options options) {
            return d.create(stage, tasks, biasInit, rank, options);
        }

        @Override
        public org.deeplearning4j.nn.multilayer.MultiLayerNetwork fineGrain(
                org.deeplearning4j.nn.multilayer.MultiLayerNetwork from, GridSpec court, GridSpec defenderBox) {
            var net = d.fineGrain(from, court, defenderBox);
            INDArray w = net.getLayer(0).getParam(io.github.finegrain.model.FullRankSpatialParamInitializer.WEIGHT_KEY);
            java.util.Random rnd = new java.util.Random(3);
            double[] noise = new double[(int) w.length()];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = 6 * (rnd.nextDouble() - 0.5);
            }
            w.addi(org.nd4j.linalg.factory.Nd4j.createFromArray(noise).reshape(w.shape()).castTo(w.dataType()));
            return net;
        }

        @Override
        public HandOff handOff(org.deeplearning4j.nn.multilayer.MultiLayerNetwork fullRank, int rank, long seed) {
            return d.handOff(fullRank, rank, seed);
        }
    }

    @Test
    void finalModelIsTheBestStageWhenALaterSwapCostsMoreThanTheStageWinsBack() {
        GridSpec d3 = GridSpec.defenderBox(3, 3);
        MultiResolutionOptions o = options().toBuilder()
                .ladder(List.of(new StageSpec(ModelKind.FULL_RANK, GridSpec.court(4, 5), d3),
                        new StageSpec(ModelKind.FULL_RANK, GridSpec.court(8, 10), d3)))
                .rules(new FineGrainRules.Parameters(0.005, 0, 0, 3, 0.001, 3, 2)).build();
        MultiResolutionTrainer.Result r = new MultiResolutionTrainer(o, new CostlySwap()).fit(train, val);
        assertThat(r.stages()).hasSize(2);
        // the noisy swap: stage 1 starts far worse than stage 0's best and three minibatches do not win it back
        assertThat(r.stages().get(1).bestValidationLoss()).isGreaterThan(r.stages().get(0).bestValidationLoss());
        assertThat(r.finalStage()).isZero();
        assertThat(r.model().spec().court()).isEqualTo(GridSpec.court(4, 5));
        assertThat(ValidationLoss.of(r.model().network(), ExampleRows.scoring(val, r.model().tasks(),
                DataType.DOUBLE), val.labels())).isCloseTo(r.stages().get(0).bestValidationLoss(), within(1e-12));
    }

    @Test
    void finalModelChoiceSurvivesResume(@TempDir Path root) throws Exception {
        Path dir = root.resolve("checkpoint");
        GridSpec d3 = GridSpec.defenderBox(3, 3);
        MultiResolutionOptions o = options().toBuilder()
                .ladder(List.of(new StageSpec(ModelKind.FULL_RANK, GridSpec.court(4, 5), d3),
                        new StageSpec(ModelKind.FULL_RANK, GridSpec.court(8, 10), d3)))
                .rules(new FineGrainRules.Parameters(0.005, 0, 0, 3, 0.001, 3, 2)).build();
        MultiResolutionTrainer.Result full = new MultiResolutionTrainer(o, new CostlySwap()).fit(train, val);
        new MultiResolutionTrainer(o, new CostlySwap()).fit(train, val, dir, 0);
        assertThat(dir.resolve(RunCheckpoint.BEST)).isRegularFile();
        MultiResolutionTrainer.Result resumed = new MultiResolutionTrainer(o, new CostlySwap()).resume(train, val,
                dir);
        assertThat(resumed.finalStage()).isZero();
        assertThat(resumed.model().network().params().equalsWithEps(full.model().network().params(), 1e-9))
                .isTrue();
    }

    @Test
    void divergenceStopsTheStageAndKeepsTheLastGoodParameters() {
        GridSpec d3 = GridSpec.defenderBox(3, 3);
        MultiResolutionOptions o = options().toBuilder()
                .ladder(List.of(new StageSpec(ModelKind.FULL_RANK, GridSpec.court(4, 5), d3),
                        new StageSpec(ModelKind.FULL_RANK, GridSpec.court(8, 10), d3)))
                .optimizer("sgd").learningRate(1e4).build();
        MultiResolutionTrainer.Result r = new MultiResolutionTrainer(o, new DefaultStageTransition()).fit(train, val);
        assertThat(r.stages()).hasSize(2);
        for (StageRecord s : r.stages()) {
            assertThat(s.endReason()).startsWith("diverged: ");
            assertThat(s.iterations()).isLessThan(12);
            // nothing better was validated before the divergence: the stage hands on its starting parameters
            assertThat(s.checkpoint()).isEqualTo("best-validation@0");
            assertThat(s.bestValidationLoss()).isEqualTo(s.startValidationLoss());
        }
        INDArray p = r.model().network().params();
        assertThat(org.nd4j.linalg.indexing.BooleanIndexing.and(p, org.nd4j.linalg.indexing.conditions.Conditions
                .isFinite())).isTrue();
        assertThat(ValidationLoss.of(r.model().network(), ExampleRows.scoring(val, r.model().tasks(),
                DataType.DOUBLE), val.labels())).isCloseTo(r.stages().get(0).startValidationLoss(), within(1e-12));
    }

    @Test
    void aRankThatCannotFitTheHandOffIsRejectedBeforeTraining() {
        // 300 examples give no player his own task (1000 needed): hand-off tensor 1 x 80 x 10, rank at most 10
        MultiResolutionOptions o = options().withRank(11);
        ExampleSet few = slice(train, 300);
        assertThatThrownBy(() -> new MultiResolutionTrainer(o, new DefaultStageTransition()).fit(few, val))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank 11 is too large for the hand-off tensor 1 x 80 x 10");
        // beyond the bound of any task count (80 court cells x 10): rejected where the options are built
        assertThatThrownBy(() -> options().withRank(801)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank 801 is too large for the hand-off tensor tasks x 80 x 10");
    }

    /** A progress listener that stops the run (as a crash would) after minibatch {@code step} of stage {@code stage}. */
    static MultiResolutionTrainer.Progress killAt(int stage, int step) {
        return new MultiResolutionTrainer.Progress() {
            @Override
            public void stageStarted(int s, StageSpec spec, int maxSteps) {
            }

            @Override
            public void step(int s, int st, double minibatchLoss) {
                if (s == stage && st == step) {
                    throw new IllegalStateException("killed");
                }
            }

            @Override
            public void stageEnded(StageRecord record) {
            }
        };
    }

    /** The resumed run equals the uninterrupted one: parameters to 1e-6, the same stage records and trace. */
    static void assertSameRun(MultiResolutionTrainer.Result resumed, MultiResolutionTrainer.Result full) {
        assertThat(resumed.stages()).hasSameSizeAs(full.stages());
        for (int i = 0; i < full.stages().size(); i++) {
            StageRecord a = resumed.stages().get(i);
            StageRecord b = full.stages().get(i);
            assertThat(List.of(a.index(), a.kind(), a.court(), a.defender(), a.iterations(), a.endReason(),
                    a.checkpoint())).as("stage " + i).isEqualTo(List.of(b.index(), b.kind(), b.court(), b.defender(),
                    b.iterations(), b.endReason(), b.checkpoint()));
            assertThat(a.startValidationLoss()).as("stage " + i).isCloseTo(b.startValidationLoss(), within(1e-9));
            assertThat(a.bestValidationLoss()).as("stage " + i).isCloseTo(b.bestValidationLoss(), within(1e-9));
            if (Double.isNaN(b.handOffFit())) {
                assertThat(a.handOffFit()).isNaN();
            } else {
                assertThat(a.handOffFit()).isCloseTo(b.handOffFit(), within(1e-9));
            }
        }
        assertThat(resumed.trace()).hasSameSizeAs(full.trace());
        for (int i = 0; i < full.trace().size(); i++) {
            TraceRow a = resumed.trace().get(i);
            TraceRow b = full.trace().get(i);
            assertThat(List.of(a.iteration(), a.epoch(), a.stage(), a.event()))
                    .isEqualTo(List.of(b.iteration(), b.epoch(), b.stage(), b.event()));
            assertThat(a.reading().minibatchLoss()).as("trace row " + i).isCloseTo(b.reading().minibatchLoss(),
                    within(1e-9));
            // the listener's window restarts where the uninterrupted run's completed: the same window statistics
            assertThat(List.of(a.reading().iteration(), a.reading().windowCompleted()))
                    .as("trace row " + i).isEqualTo(List.of(b.reading().iteration(), b.reading().windowCompleted()));
            if (b.reading().windowCompleted()) {
                assertThat(a.reading().windowNormalized()).as("trace row " + i)
                        .isCloseTo(b.reading().windowNormalized(), within(1e-9));
            }
            if (!Double.isNaN(b.validationLoss())) {
                assertThat(a.validationLoss()).as("trace row " + i).isCloseTo(b.validationLoss(), within(1e-9));
            } else {
                assertThat(a.validationLoss()).as("trace row " + i).isNaN();
            }
        }
        assertThat(resumed.finalStage()).isEqualTo(full.finalStage());
        INDArray p = resumed.model().network().params();
        INDArray q = full.model().network().params();
        double rel = p.sub(q).norm2Number().doubleValue() / q.norm2Number().doubleValue();
        assertThat(rel).isLessThan(1e-6);
    }

    /**
     * Runs until killed at (stage, step) with a mid-stage checkpoint at every completed window, resumes, and compares
     * with the uninterrupted run.
     */
    private static RunCheckpoint killAndResume(MultiResolutionOptions o, Path dir, int stage, int step)
            throws Exception {
        MultiResolutionTrainer.Result full = new MultiResolutionTrainer(o, new DefaultStageTransition())
                .fit(train, val);
        assertThatThrownBy(() -> new MultiResolutionTrainer(o, new DefaultStageTransition())
                .withProgress(killAt(stage, step)).fit(train, val, dir, Integer.MAX_VALUE)).hasMessage("killed");
        RunCheckpoint cp = RunCheckpoint.read(dir);
        MultiResolutionTrainer.Result resumed = new MultiResolutionTrainer(o, new DefaultStageTransition())
                .resume(train, val, dir);
        assertSameRun(resumed, full);
        return cp;
    }

    @Test
    void aRunKilledInsideAStageResumesToTheUninterruptedRunWithDenseAdam(@TempDir Path root) throws Exception {
        Path dir = root.resolve("checkpoint");
        // window 4: a mid-stage checkpoint after steps 4 and 8 of each stage; validation at steps 5 and 10. At this
        // learning rate stage 1 never beats its start (its final parameters are best-validation@0): the resumed stage
        // must hand on the saved best parameters, not the ones it was killed with
        MultiResolutionOptions o = options().toBuilder().learningRate(0.2).cpLearningRate(0.02)
                .checkpointMinutes(1e-9).build();
        RunCheckpoint cp = killAndResume(o, dir, 1, 10);
        assertThat(cp.nextStage()).isEqualTo(1);
        assertThat(cp.midStage()).isNotNull();
        assertThat(cp.midStage().steps()).isEqualTo(8);
        assertThat(cp.iteration()).isEqualTo(12 + 8);
        assertThat(cp.midStage().bestStep()).isZero();
        assertThat(cp.midStage().hasStageBest()).isTrue(); // read() checked that stage-best.bin was there
        assertThat(cp.stages()).hasSize(1);
    }

    @Test
    void aKilledRunResumesItsRuleState(@TempDir Path root) throws Exception {
        Path dir = root.resolve("checkpoint");
        // val-loss rule (state: the last validation loss); at this learning rate stage 0 ends at step 15 because
        // validation rose since step 10: killed at step 14, the checkpoint of step 12 must carry step 10's loss
        MultiResolutionOptions o = options().toBuilder().criterion(FineGrainRules.Criterion.VAL_LOSS)
                .maxStepsPerStage(30).learningRate(0.2).cpLearningRate(0.02).checkpointMinutes(1e-9).build();
        RunCheckpoint cp = killAndResume(o, dir, 0, 14);
        assertThat(cp.midStage().steps()).isEqualTo(12);
        assertThat(cp.midStage().rule()).containsOnlyKeys("previous");
        assertThat(cp.midStage().rule().get("previous")).isFinite().isPositive();
    }

    @Test
    void aRunKilledInsideAStageResumesToTheUninterruptedRunWithLazyAdam(@TempDir Path root) throws Exception {
        Path dir = root.resolve("checkpoint");
        // killed inside the first CP stage after the hand-off; validation every 4 steps: the best can be the current
        MultiResolutionOptions o = options().toBuilder().optimizer("lazy-adam").validationEvery(4)
                .checkpointMinutes(1e-9).build();
        RunCheckpoint cp = killAndResume(o, dir, 2, 11);
        assertThat(cp.nextStage()).isEqualTo(2);
        assertThat(cp.midStage().steps()).isEqualTo(8);
        assertThat(cp.handOffFit()).isBetween(0.0, 1.0);
        assertThat(dir.resolve(RunCheckpoint.OPTIMIZER)).isRegularFile();
    }

    @Test
    void aLazyAdamRunResumedAtAStageBoundaryContinuesItsOptimizerState(@TempDir Path root) throws Exception {
        Path dir = root.resolve("checkpoint");
        MultiResolutionOptions o = options().toBuilder().optimizer("lazy-adam").build();
        MultiResolutionTrainer.Result full = new MultiResolutionTrainer(o, new DefaultStageTransition())
                .fit(train, val);
        // after stage 0: the fine-grained moments of stage 1 are in the checkpoint
        new MultiResolutionTrainer(o, new DefaultStageTransition()).fit(train, val, dir, 0);
        assertThat(dir.resolve(RunCheckpoint.OPTIMIZER)).isRegularFile();
        assertThat(RunCheckpoint.read(dir).midStage()).isNull();
        MultiResolutionTrainer.Result resumed = new MultiResolutionTrainer(o, new DefaultStageTransition())
                .resume(train, val, dir);
        assertSameRun(resumed, full);
        // the same checkpoint resumed by a dense run is refused: its optimizer state belongs to another run
        Path other = root.resolve("other");
        new MultiResolutionTrainer(o, new DefaultStageTransition()).fit(train, val, other, 0);
        assertThatThrownBy(() -> new MultiResolutionTrainer(options(), new DefaultStageTransition())
                .resume(train, val, other))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(other.resolve(RunCheckpoint.OPTIMIZER) + ": a lazy-adam optimizer state, but "
                        + "this run's optimizer is adam");
    }

    @Test
    void aMismatchedOrTruncatedCheckpointIsRefusedNamingTheFileAndACrashBetweenTheRenamesIsRecovered(
            @TempDir Path root) throws Exception {
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options(), new DefaultStageTransition());
        MultiResolutionTrainer.Result full = trainer.fit(train, val);
        Path a = root.resolve("a/checkpoint");
        Path b = root.resolve("b/checkpoint");
        trainer.fit(train, val, a, 0);
        trainer.fit(train, val, b, 1);

        // a file from another checkpoint: refused before any training, naming it
        Path mixed = root.resolve("mixed/checkpoint");
        copyFolder(a, mixed);
        Files.copy(b.resolve(RunCheckpoint.NETWORK), mixed.resolve(RunCheckpoint.NETWORK),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> trainer.resume(train, val, mixed))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(mixed.resolve(RunCheckpoint.NETWORK) + ": ")
                .hasMessageContaining("manifest");

        // truncated files are named, by the manifest ...
        for (String name : List.of(RunCheckpoint.NETWORK, RunCheckpoint.TRACE)) {
            Path t = root.resolve("truncated-" + name + "/checkpoint");
            copyFolder(a, t);
            truncate(t.resolve(name));
            assertThatThrownBy(() -> trainer.resume(train, val, t))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageStartingWith(t.resolve(name) + ": ")
                    .hasMessageContaining("bytes, the checkpoint's manifest says");
            // ... and by the readers when the manifest itself was written after the truncation
            CheckpointFolder.seal(t);
            assertThatThrownBy(() -> trainer.resume(train, val, t))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageStartingWith(t.resolve(name) + ": ")
                    .hasMessageNotContaining("Unexpected end of ZLIB");
        }

        // a crash between the renames: checkpoint/ moved to checkpoint.old, checkpoint.new complete
        Path crashed = root.resolve("crashed/checkpoint");
        copyFolder(a, CheckpointFolder.previous(crashed));
        copyFolder(b, CheckpointFolder.fresh(crashed));
        MultiResolutionTrainer.Result resumed = trainer.resume(train, val, crashed);
        assertThat(crashed.resolve(RunCheckpoint.STATE)).isRegularFile();
        assertThat(CheckpointFolder.previous(crashed)).doesNotExist();
        assertSameRun(resumed, full);
    }

    static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path f : s.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    static void truncate(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
    }

    @Test
    void aRunWhoseTrainingIsCompleteButNotMarkedFinishedGivesItsResultAgain(@TempDir Path root) throws Exception {
        Path dir = root.resolve("checkpoint");
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options(), new DefaultStageTransition());
        MultiResolutionTrainer.Result full = trainer.fit(train, val, dir, Integer.MAX_VALUE);
        RunCheckpoint cp = RunCheckpoint.read(dir);
        assertThat(cp.nextStage()).isEqualTo(4);
        assertThat(cp.finished()).isFalse();
        MultiResolutionTrainer.Result again = trainer.resume(train, val, dir);
        assertSameRun(again, full);
        RunCheckpoint.markFinished(dir);
        assertThat(RunCheckpoint.read(dir).finished()).isTrue();
        assertThatThrownBy(() -> trainer.resume(train, val, dir))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("the run already finished");
    }
}
