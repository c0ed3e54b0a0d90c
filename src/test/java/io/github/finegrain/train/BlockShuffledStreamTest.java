package io.github.finegrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.InputRow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

class BlockShuffledStreamTest {
    @TempDir
    static Path dir;
    static ExampleFile file;
    static ExampleFileRows rows;
    static TaskIndex tasks;

    /**
     * 5 games (train, val, train, test, train) of 83, 10, 61, 7, 59 examples; 4 players of which "P3" has only 5
     * training examples (below the threshold of 10: league row only). Feature column 0 is the example's row index in
     * the file, so every training row is unique (task column + feature 0).
     */
    @BeforeAll
    static void write() throws IOException {
        Path out = dir.resolve("s.fgex");
        int[] sizes = {83, 10, 61, 7, 59};
        Split[] splits = {Split.TRAIN, Split.VAL, Split.TRAIN, Split.TEST, Split.TRAIN};
        int[][] counts = new int[4][3];
        List<ExampleFile.Game> games = new ArrayList<>();
        Random rnd = new Random(3);
        int p3 = 0;
        try (ExampleFile.Writer w = new ExampleFile.Writer(out)) {
            long row = 0;
            for (int g = 0; g < sizes.length; g++) {
                int pos = 0;
                for (int i = 0; i < sizes[g]; i++) {
                    int task = rnd.nextInt(3);
                    if (splits[g] == Split.TRAIN && p3 < 5 && i % 20 == 0) {
                        task = 3;
                        p3++;
                    }
                    double[] f = new double[ExampleSet.FEATURES];
                    f[0] = row;
                    for (int k = 1; k < f.length; k++) {
                        f[k] = rnd.nextGaussian();
                    }
                    boolean label = rnd.nextDouble() < 0.3;
                    pos += label ? 1 : 0;
                    counts[task][splits[g].ordinal()]++;
                    w.row(g, task, i, 600 - i, 1, label, f);
                    row++;
                }
                games.add(new ExampleFile.Game("g" + g, "2099-01-0" + (g + 1), "H", "V", "g" + g, splits[g],
                        row - sizes[g], sizes[g], pos));
            }
            List<ExampleFile.Task> t = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                t.add(new ExampleFile.Task("P" + k, "Player " + k, counts[k]));
            }
            w.finish("{\"producer\":\"test\"}", games, t);
        }
        file = ExampleFile.open(out);
        rows = ExampleFileRows.scan(file, Split.TRAIN, Long.MAX_VALUE);
        tasks = TaskIndex.fromCounts(rows.taskCounts(), 10);
    }

    private static BlockShuffledStream stream(int blockExamples, int bufferBlocks, int batch, long seed, int epoch,
            int position) {
        return new BlockShuffledStream(rows.blocks(tasks, blockExamples), batch, bufferBlocks, seed, DataType.FLOAT,
                epoch, position);
    }

    /** Rows as strings "task|f0|...|label" in the order given. */
    private static List<String> keys(List<DataSet> batches) {
        List<String> out = new ArrayList<>();
        for (DataSet d : batches) {
            float[][] x = d.getFeatures().toFloatMatrix();
            float[] y = d.getLabels().reshape(d.numExamples()).toFloatVector();
            for (int i = 0; i < x.length; i++) {
                out.add(Arrays.toString(x[i]) + "|" + y[i]);
            }
        }
        return out;
    }

    private static List<DataSet> take(MinibatchStream s, int n) {
        List<DataSet> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.next());
        }
        return out;
    }

    @Test
    void scanCountsTheTrainingRowsWithTheirLeagueCopies() throws IOException {
        ExampleSet train = file.read(Split.TRAIN);
        DataSet expected = ExampleRows.training(train, tasks, DataType.FLOAT);
        assertThat(rows.examples()).isEqualTo(203);
        assertThat(tasks.keys()).containsExactly(TaskIndex.LEAGUE, "P0", "P1", "P2");
        assertThat(rows.trainingRows(tasks)).isEqualTo(expected.numExamples()).isEqualTo(2 * 203 - 5);
        assertThat(rows.positiveRate(tasks)).isEqualTo(expected.getLabels().sumNumber().doubleValue()
                / expected.numExamples());
        assertThat(rows.fingerprint()).hasSize(64).isNotEqualTo(ExampleFileRows.scan(file, Split.TRAIN, 100)
                .fingerprint());
    }

    @Test
    void anEpochVisitsEveryTrainingRowExactlyOnce() throws IOException {
        List<String> expected = keys(List.of(ExampleRows.training(file.read(Split.TRAIN), tasks, DataType.FLOAT)));
        // block shuffle (13 blocks of 16 examples, 3 in the buffer), then a full shuffle (everything in one group)
        for (int[] layout : new int[][] {{16, 3}, {16, 100}, {1, 1}}) {
            try (BlockShuffledStream s = stream(layout[0], layout[1], 32, 9, 0, 0)) {
                assertThat(s.rowsPerEpoch()).isEqualTo(401);
                assertThat(s.batchesPerEpoch()).isEqualTo(13);
                List<DataSet> epoch1 = take(s, 13);
                assertThat(s.epoch()).isEqualTo(1);
                assertThat(s.position()).isEqualTo(13);
                assertThat(epoch1).extracting(DataSet::numExamples).endsWith(32, 17);
                List<String> seen = keys(epoch1);
                assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(seen).doesNotHaveDuplicates();
                assertThat(seen).isNotEqualTo(expected); // shuffled
                List<String> epoch2 = keys(take(s, 13));
                assertThat(s.epoch()).isEqualTo(2);
                assertThat(epoch2).containsExactlyInAnyOrderElementsOf(expected).isNotEqualTo(seen);
            }
        }
    }

    @Test
    void theLeagueCopyFollowsEveryPlayerRowWithTheSameFeaturesAndLabel() {
        try (BlockShuffledStream s = stream(16, 3, 401, 1, 0, 0)) {
            float[][] x = s.next().getFeatures().toFloatMatrix();
            long players = Arrays.stream(x).filter(r -> r[InputRow.TASK] > 0).count();
            long league = Arrays.stream(x).filter(r -> r[InputRow.TASK] == 0).count();
            assertThat(players).isEqualTo(203 - 5);
            assertThat(league).isEqualTo(203);
        }
    }

    @Test
    void theSameSeedGivesTheSameOrderAndAnotherSeedAnother() {
        List<String> a;
        List<String> b;
        List<String> c;
        try (BlockShuffledStream s = stream(16, 3, 32, 9, 0, 0)) {
            a = keys(take(s, 30));
        }
        try (BlockShuffledStream s = stream(16, 3, 32, 9, 0, 0)) {
            b = keys(take(s, 30));
        }
        try (BlockShuffledStream s = stream(16, 3, 32, 10, 0, 0)) {
            c = keys(take(s, 30));
        }
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void aStreamOpenedAtAnEpochAndPositionContinuesTheSameSequence() {
        List<DataSet> all;
        try (BlockShuffledStream s = stream(16, 3, 32, 9, 0, 0)) {
            all = take(s, 40); // 3 epochs of 13 and one more
        }
        List<String> full = keys(all);
        // (epoch, position) after minibatch k of the fresh stream: k = 0 (start), 5 (inside a group), 13 (epoch end),
        // 20, 39
        for (int k : new int[] {5, 13, 20, 26, 39}) {
            int epoch = (k - 1) / 13 + 1;
            int position = k - (epoch - 1) * 13;
            try (BlockShuffledStream s = stream(16, 3, 32, 9, epoch, position)) {
                assertThat(s.epoch()).isEqualTo(epoch);
                assertThat(s.position()).isEqualTo(position);
                List<String> rest = keys(take(s, 40 - k));
                assertThat(rest).isEqualTo(keys(all.subList(k, 40)));
            }
        }
        assertThat(full).hasSize(3 * 401 + 32);
    }

    @Test
    void aLimitUsesTheFirstExamplesOfTheSplit() throws IOException {
        ExampleFileRows first = ExampleFileRows.scan(file, Split.TRAIN, 90);
        TaskIndex t = TaskIndex.fromCounts(first.taskCounts(), 1);
        ExampleSet train = file.read(Split.TRAIN);
        ExampleSet expected = train.subset(java.util.stream.IntStream.range(0, 90).toArray());
        try (BlockShuffledStream s = new BlockShuffledStream(first.blocks(t, 7), 1000, 2, 4, DataType.FLOAT, 0, 0)) {
            assertThat(keys(List.of(s.next())))
                    .containsExactlyInAnyOrderElementsOf(keys(List.of(ExampleRows.training(expected, t,
                            DataType.FLOAT))));
        }
    }

    @Test
    void spilledIteratorRowsStreamEveryRowOnceAndTheSpillFileIsDeleted() throws IOException {
        DataSet all = ExampleRows.training(file.read(Split.TRAIN), tasks, DataType.DOUBLE);
        SpilledRows spilled = SpilledRows.spill(new ListDataSetIterator<>(all.batchBy(50), 50), dir);
        assertThat(spilled.rows()).isEqualTo(401);
        assertThat(spilled.positiveRate()).isEqualTo(all.getLabels().sumNumber().doubleValue() / 401);
        List<String> expected = keys(List.of(new DataSet(all.getFeatures().castTo(DataType.FLOAT),
                all.getLabels().castTo(DataType.FLOAT))));
        BlockShuffledStream.Blocks blocks = spilled.blocks();
        try (BlockShuffledStream s = new BlockShuffledStream(blocks, 64, 1, 3, DataType.DOUBLE, 0, 0)) {
            List<DataSet> epoch = take(s, s.batchesPerEpoch());
            assertThat(epoch.get(0).getFeatures().dataType()).isEqualTo(DataType.DOUBLE);
            assertThat(keys(epoch.stream().map(d -> new DataSet(d.getFeatures().castTo(DataType.FLOAT),
                    d.getLabels().castTo(DataType.FLOAT))).toList())).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(spilled.file()).doesNotExist();
    }

    @Test
    void aSourceThatGivesFewerRowsThanItAnnouncedFailsClearly() {
        BlockShuffledStream.Blocks lying = new BlockShuffledStream.Blocks() {
            @Override
            public int count() {
                return 2;
            }

            @Override
            public int maxRows() {
                return 4;
            }

            @Override
            public long rows() {
                return 9;
            }

            @Override
            public int read(int block, float[] x, float[] y, int offset) {
                return 4;
            }

            @Override
            public void close() {
            }
        };
        try (BlockShuffledStream s = new BlockShuffledStream(lying, 5, 1, 1, DataType.FLOAT, 0, 0)) {
            s.next();
            assertThatThrownBy(s::next).hasCauseInstanceOf(DataFormatException.class)
                    .hasMessageContaining("fewer than the 9 rows");
        }
        assertThatThrownBy(() -> new BlockShuffledStream(lying, 5, 1, 1, DataType.FLOAT, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch 0, minibatch 3");
    }
}
