package io.github.finegrain.train;

import io.github.finegrain.model.ModelKind;
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
                new StageSpec(ModelKind.FULL_RANK, GridSpec.court(4, 5), d3),
                new StageSpec(ModelKind.FULL_RANK, GridSpec.court(8, 10), d3),
                new StageSpec(ModelKind.CP, GridSpec.court(8, 10), d3),
                new StageSpec(ModelKind.CP, GridSpec.court(20, 25), d6));
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
        assertThat(r.model().layerConf().kind()).isEqualTo(io.github.finegrain.model.ModelKind.CP);
        assertThat(r.model().spec().court()).isEqualTo(GridSpec.court(20, 25));
        // the stage starts from its best-validation checkpoint: never worse than where the stage began
        for (StageRecord s : r.stages()) {
            assertThat(s.checkpoint()).startsWith("best-validation@");
        }
    }

    @Test
    void fitsOnDataSetIteratorsOfInputRowsLikeOnExamples() {
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
        // the same rows in the same order: the same model
        assertThat(fromIterators.model().network().params().equalsWithEps(fromExamples.model().network().params(),
                1e-9)).isTrue();
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
