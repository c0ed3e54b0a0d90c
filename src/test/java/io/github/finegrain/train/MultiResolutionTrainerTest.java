package io.github.finegrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.grid.GridSpec;
import java.nio.file.Path;
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
                new StageSpec(StageSpec.Kind.FULL_RANK, GridSpec.court(4, 5), d3),
                new StageSpec(StageSpec.Kind.FULL_RANK, GridSpec.court(8, 10), d3),
                new StageSpec(StageSpec.Kind.CP, GridSpec.court(8, 10), d3),
                new StageSpec(StageSpec.Kind.CP, GridSpec.court(20, 25), d6));
        FineGrainRules.Parameters rules = new FineGrainRules.Parameters(0.005, 0, 0, 3, 0.001, 12, 2);
        return new MultiResolutionOptions(ladder, 4, FineGrainRules.Criterion.STEPS, rules, 4, 256, "adam", 0.02,
                0.002, 1e-4, 1.0, 5L, DataType.DOUBLE, 1000, 5, 100, 10);
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
        assertThat(r.model().layerConf().kind()).isEqualTo("cp");
        assertThat(r.model().spec().court()).isEqualTo(GridSpec.court(20, 25));
        // the stage starts from its best-validation checkpoint: never worse than where the stage began
        for (StageRecord s : r.stages()) {
            assertThat(s.checkpoint()).startsWith("best-validation@");
        }
    }

    @Test
    void fitsOnDataSetIteratorsOfInputRowsThroughAStream() {
        io.github.finegrain.data.TaskIndex tasks = io.github.finegrain.data.TaskIndex.fromTraining(train, 1000);
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
        io.github.finegrain.data.TaskIndex tasks = io.github.finegrain.data.TaskIndex.fromCounts(rows.taskCounts(),
                1000);
        assertThat(tasks.keys()).isEqualTo(io.github.finegrain.data.TaskIndex.fromTraining(train, 1000).keys());
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
    void resumeFromAStageBoundaryReachesTheSameParameters(@TempDir Path dir) throws Exception {
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options(), new DefaultStageTransition());
        INDArray uninterrupted = trainer.fit(train, val).model().network().params();

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
    }

    @Test
    void resumeRejectsOtherData(@TempDir Path dir) throws Exception {
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options(), new DefaultStageTransition());
        trainer.fit(train, val, dir, 0);
        ExampleSet other = slice(train, 2000);
        assertThatThrownBy(() -> trainer.resume(other, val, dir))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("other training data");
        assertThatThrownBy(() -> trainer.resume(train, val, dir.resolve("missing")))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("no checkpoint state");
    }
}
