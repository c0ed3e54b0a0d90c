package io.github.finegrain.data;

import io.github.finegrain.model.TaskIndex;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.train.ExampleRows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.split.FileSplit;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/** The DataVec route: record readers → RecordReaderDataSetIterator → a plain DL4J network with the spatial layer. */
class ExampleRecordReaderTest {
    @TempDir
    Path dir;

    static final int N = 3000;

    /**
     * A planted example file: one train game of N rows for players 7, 8, 9 (9 has only 40 rows), handler anywhere
     * in the zone, label 1 exactly when the handler is within 10 ft of x = 0 (near the basket).
     */
    private Path planted() throws IOException {
        Path out = dir.resolve("planted.fgex");
        Random rnd = new Random(3);
        int[] counts = new int[3];
        try (ExampleFile.Writer w = new ExampleFile.Writer(out)) {
            double[] f = new double[12];
            int positives = 0;
            for (int i = 0; i < N; i++) {
                int task = i < 40 ? 2 : rnd.nextInt(2);
                counts[task]++;
                f[0] = rnd.nextDouble() * 40;
                f[1] = rnd.nextDouble() * 50;
                for (int k = 2; k < 12; k++) {
                    f[k] = rnd.nextDouble() * 30 - 15;
                }
                boolean label = f[0] < 10;
                positives += label ? 1 : 0;
                w.row(0, task, i, 700 - i * 0.2, 1, label, f);
            }
            w.finish("{}", List.of(new ExampleFile.Game("g", "2099-01-01", "SYH", "SYV", "g.json", Split.TRAIN, 0, N,
                    positives)), List.of(new ExampleFile.Task("7", "A", new int[] {counts[0], 0, 0}),
                    new ExampleFile.Task("8", "B", new int[] {counts[1], 0, 0}),
                    new ExampleFile.Task("9", "C", new int[] {counts[2], 0, 0})));
        }
        return out;
    }

    @Test
    void recordsAreInputRowsWithTheTaskMappedThroughTheTaskIndexAndOneLabelColumn() throws Exception {
        Path p = planted();
        ExampleFile file = ExampleFile.open(p);
        TaskIndex tasks = TaskIndex.fromCounts(file.taskCounts(Split.TRAIN), 100); // player 9 (40 rows): league
        assertThat(tasks.keys()).containsExactly(TaskIndex.LEAGUE, "7", "8");
        ExampleSet ex = file.read(Split.TRAIN);

        RecordReader scoring = new ExampleFileRecordReader(Split.TRAIN, tasks, TaskRows.SCORING);
        scoring.initialize(new FileSplit(p.toFile()));
        DataSetIterator it = new RecordReaderDataSetIterator(scoring, 100, ExampleRecordReader.LABEL_INDEX,
                ExampleRecordReader.LABEL_INDEX, true);
        DataSet first = it.next();
        assertThat(first.getFeatures().shape()).containsExactly(100, InputRow.WIDTH);
        assertThat(first.getLabels().shape()).containsExactly(100, 1);
        DataSet expected = ExampleRows.scoring(ex, tasks, DataType.FLOAT);
        INDArray want = expected.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 100),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertThat(first.getFeatures().castTo(DataType.FLOAT).equalsWithEps(want, 1e-6)).isTrue();
        assertThat(first.getFeatures().getDouble(0, InputRow.TASK)).isEqualTo(0.0); // player 9 -> league
        assertThat(first.getFeatures().getDouble(50, InputRow.TASK)).isIn(1.0, 2.0);
        int rows = 100;
        while (it.hasNext()) {
            rows += it.next().numExamples();
        }
        assertThat(rows).isEqualTo(N);
        it.reset();
        assertThat(it.next().getFeatures().equalsWithEps(first.getFeatures(), 0)).isTrue();

        // TRAINING rows: the player's row, then the league row, like ExampleRows.training
        RecordReader training = new ExampleFileRecordReader(Split.TRAIN, tasks, TaskRows.TRAINING);
        training.initialize(new FileSplit(p.toFile()));
        List<double[]> all = new ArrayList<>();
        while (training.hasNext()) {
            all.add(training.next().stream().mapToDouble(w -> w.toDouble()).toArray());
        }
        DataSet trainRows = ExampleRows.training(ex, tasks, DataType.DOUBLE);
        assertThat(all).hasSize(trainRows.numExamples()).hasSize(2 * N - 40);
        for (int r : new int[] {0, 39, 40, 41, 500, all.size() - 1}) {
            for (int c = 0; c < InputRow.WIDTH; c++) {
                assertThat(all.get(r)[c]).isCloseTo(trainRows.getFeatures().getDouble(r, c),
                        org.assertj.core.api.Assertions.within(1e-5));
            }
            assertThat(all.get(r)[InputRow.WIDTH]).isEqualTo(trainRows.getLabels().getDouble(r, 0));
        }
    }

    @Test
    void aPlainDl4jProgramTrainsTheSpatialLayerThroughTheIterator() throws Exception {
        Path p = planted();
        // --- the program shown in the README ---
        ExampleFile file = ExampleFile.open(p);
        TaskIndex tasks = TaskIndex.fromCounts(file.taskCounts(Split.TRAIN), 100);
        RecordReader reader = new ExampleFileRecordReader(Split.TRAIN, tasks, TaskRows.TRAINING);
        reader.initialize(new FileSplit(p.toFile()));
        DataSetIterator train = new RecordReaderDataSetIterator(reader, 256, ExampleRecordReader.LABEL_INDEX,
                ExampleRecordReader.LABEL_INDEX, true);
        SpatialLayerSpec spec = new SpatialLayerSpec(tasks.size(), GridSpec.court(4, 5), GridSpec.defenderBox(3, 3));
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1).updater(new Adam(0.05)).list()
                .layer(new FullRankSpatialLayer(spec))
                .layer(new LossLayer.Builder().lossFunction(new LossBinaryXENT()).activation(Activation.SIGMOID).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // ---
        RecordReader all = new ExampleFileRecordReader(Split.TRAIN, tasks, TaskRows.SCORING);
        all.initialize(new FileSplit(p.toFile()));
        DataSet everything = new RecordReaderDataSetIterator(all, N, ExampleRecordReader.LABEL_INDEX,
                ExampleRecordReader.LABEL_INDEX, true).next();
        double before = net.score(everything);
        net.fit(train, 3);
        double after = net.score(everything);
        assertThat(before).isCloseTo(Math.log(2), org.assertj.core.api.Assertions.within(0.05)); // F = 0, b = 0
        assertThat(after).isLessThan(0.5 * before);
        // the planted rule is learned: near the basket (court column 0 of 4, x < 10 ft) p > 0.5, elsewhere < 0.5
        INDArray out = net.output(everything.getFeatures(), false);
        int right = 0;
        for (int i = 0; i < N; i++) {
            boolean near = everything.getFeatures().getDouble(i, InputRow.BALL_HANDLER_X) < 10;
            right += (out.getDouble(i, 0) > 0.5) == near ? 1 : 0;
        }
        assertThat(right).isGreaterThan((int) (0.98 * N));
    }

    @Test
    void theBundledDataHasARecordReaderToo() throws Exception {
        ExampleSet train = ExampleBuilder.build(BundledData.load(Split.TRAIN)).examples();
        TaskIndex tasks = TaskIndexes.fromTraining(train, 1000);
        ExampleSetRecordReader rr = ExampleSetRecordReader.bundled(Split.TRAIN, tasks, TaskRows.SCORING);
        assertThat(rr.examples().size()).isEqualTo(9_908);
        DataSet batch = new RecordReaderDataSetIterator(rr, 9_908, ExampleRecordReader.LABEL_INDEX,
                ExampleRecordReader.LABEL_INDEX, true).next();
        DataSet expected = ExampleRows.scoring(train, tasks, DataType.FLOAT);
        assertThat(batch.getFeatures().castTo(DataType.FLOAT).equalsWithEps(expected.getFeatures(), 1e-6)).isTrue();
        assertThat(batch.getLabels().sumNumber().intValue()).isEqualTo(1_251);
    }
}
