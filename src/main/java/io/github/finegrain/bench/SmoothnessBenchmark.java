package io.github.finegrain.bench;

import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.data.BundledData;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.CpLayerSpec;
import io.github.finegrain.model.CpSpatialLayer;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.model.SpatialSmoothness;
import io.github.finegrain.train.ExampleRows;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Measures the spatial smoothness penalty ({@link SpatialSmoothness}): what one application costs, and whether it
 * helps on the bundled data.
 *
 * <ul>
 *   <li>{@code cost}: milliseconds of one score and one gradient application ({@code Regularization.score} and
 *   {@code apply}, FLOAT parameters) per mode at the paper's sizes: full-rank F of 300 tasks × court × 145 defender
 *   entries at court 40x50 and 8x10 (the finest full-rank stage of the paper's ladder), CP rank 20 (B [2000, 20],
 *   C [145, 20]); and one Adam {@code fit} step of 1024 rows on the 300 × 80 × 145 full-rank network with the
 *   penalty off and on (minimum of repeated runs).</li>
 *   <li>{@code quality}: single-resolution full-rank training on the bundled data (the {@code train --schedule single}
 *   recipe: Adam 0.02, batch 1024, L2 1e-4, minimum 1000 examples per player task, at most 40 epochs, patience 5,
 *   best validation epoch kept) for a list of weights, courts and seeds (defender 6x6); prints the best validation
 *   log loss, its epoch, and the test log loss and ROC AUC of that epoch's parameters.</li>
 * </ul>
 *
 * <p>Usage: {@code java -Dorg.bytedeco.javacpp.maxbytes=6G -Dorg.bytedeco.javacpp.maxphysicalbytes=8G -cp
 * target/finegrain.jar:target/lib/* io.github.finegrain.bench.SmoothnessBenchmark [cost|quality|both] [COURTS]
 * [WEIGHTS] [SEEDS]}, e.g. {@code quality 8x10,20x25 0,1e-6,1e-4/0 12345,1}: courts as RxC, weights as
 * {@code court/defender} or one value for both. Defaults: courts 8x10 and 20x25; weights 0, 1e-6, 1e-5, 1e-4, 1e-3,
 * 1e-2 on both modes, then 1e-4 on each mode alone; seed 12345.
 */
public final class SmoothnessBenchmark {

    private SmoothnessBenchmark() {
    }

    /** Runs the benchmark; see the class comment. */
    public static void main(String[] args) throws IOException {
        String what = args.length > 0 ? args[0] : "both";
        if (what.equals("cost") || what.equals("both")) {
            cost();
        }
        if (what.equals("quality") || what.equals("both")) {
            List<GridSpec> courts = new ArrayList<>();
            for (String c : (args.length > 1 ? args[1] : "8x10,20x25").split(",")) {
                int[] rc = GridSpec.parseRowsCols(c);
                courts.add(GridSpec.court(rc[0], rc[1]));
            }
            List<SpatialSmoothness> settings = new ArrayList<>();
            if (args.length > 2) {
                for (String w : args[2].split(",")) {
                    String[] cd = w.split("/");
                    settings.add(SpatialSmoothness.of(Double.parseDouble(cd[0]),
                            Double.parseDouble(cd.length > 1 ? cd[1] : cd[0])));
                }
            } else {
                for (double w : new double[] {0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2}) {
                    settings.add(SpatialSmoothness.of(w, w));
                }
                settings.add(SpatialSmoothness.of(1e-4, 0));
                settings.add(SpatialSmoothness.of(0, 1e-4));
            }
            long[] seeds = Arrays.stream((args.length > 3 ? args[3] : "12345").split(","))
                    .mapToLong(Long::parseLong).toArray();
            quality(courts, settings, seeds);
        }
    }

    static void cost() {
        GridSpec box = GridSpec.defenderBox(12, 12);
        SpatialSmoothness on = SpatialSmoothness.of(1e-4, 1e-4);
        System.out.println("| parameter | mode | entries | score ms | gradient ms |");
        System.out.println("|---|---|---|---|---|");
        for (GridSpec court : new GridSpec[] {GridSpec.court(8, 10), GridSpec.court(40, 50)}) {
            SpatialLayerSpec s = new SpatialLayerSpec(300, court, box);
            FullRankSpatialLayer conf = new FullRankSpatialLayer(s, on);
            INDArray f = Nd4j.rand(DataType.FLOAT, 300, court.cellCount(), s.defenderModeSize()).subi(0.5);
            int reps = court.cellCount() > 100 ? 2 : 5;
            time("F 300x" + court.label() + "x145", f, conf.getRegularizationByParam("F"), reps);
            f.close();
        }
        CpLayerSpec cp = new CpLayerSpec(300, GridSpec.court(40, 50), box, 20);
        CpSpatialLayer cpConf = new CpSpatialLayer(cp, on);
        time("B 2000x20", Nd4j.rand(DataType.FLOAT, 2000, 20), cpConf.getRegularizationByParam("B"), 20);
        time("C 145x20", Nd4j.rand(DataType.FLOAT, 145, 20), cpConf.getRegularizationByParam("C"), 20);

        SpatialLayerSpec s = new SpatialLayerSpec(300, GridSpec.court(8, 10), box);
        for (SpatialSmoothness sm : new SpatialSmoothness[] {SpatialSmoothness.NONE, on, on.withEvery(10)}) {
            MultiLayerNetwork net = SpatialNetworks.network(new FullRankSpatialLayer(s, sm),
                    new SpatialNetworks.Options(new Adam(0.01), 1e-4, 1, 1, DataType.FLOAT));
            DataSet batch = randomBatch(1024, 300, 7);
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 40; i++) {
                long t0 = System.nanoTime();
                net.fit(batch);
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
            System.out.printf(Locale.ROOT, "Adam fit step, F 300x8x10x145, 1024 rows, smoothness %s: min %.1f ms%n",
                    sm.isOff() ? "off" : "on every " + sm.every(), best);
        }
    }

    private static void time(String name, INDArray param, List<Regularization> terms, int reps) {
        INDArray grad = Nd4j.zeros(param.dataType(), param.length());
        INDArray flat = param.reshape(param.length());
        for (Regularization r : terms) {
            double score = Double.POSITIVE_INFINITY;
            double apply = Double.POSITIVE_INFINITY;
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                r.score(param, 0, 0);
                long t1 = System.nanoTime();
                r.apply(flat, grad, 0.01, 0, 0);
                long t2 = System.nanoTime();
                score = Math.min(score, (t1 - t0) / 1e6);
                apply = Math.min(apply, (t2 - t1) / 1e6);
            }
            String mode = r.toString().contains("court") ? "court" : "defender";
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f |%n", name, mode, param.length(), score,
                    apply);
        }
        grad.close();
    }

    private static DataSet randomBatch(int n, int tasks, long seed) {
        Random rnd = new Random(seed);
        double[][] x = new double[n][13];
        double[][] y = new double[n][1];
        for (int r = 0; r < n; r++) {
            x[r][0] = rnd.nextInt(tasks);
            x[r][1] = rnd.nextDouble() * 40;
            x[r][2] = rnd.nextDouble() * 50;
            for (int k = 0; k < 5; k++) {
                x[r][3 + 2 * k] = -8 + rnd.nextDouble() * 16;
                x[r][4 + 2 * k] = -4 + rnd.nextDouble() * 16;
            }
            y[r][0] = rnd.nextDouble() < 0.15 ? 1 : 0;
        }
        return new DataSet(Nd4j.createFromArray(x).castTo(DataType.FLOAT),
                Nd4j.createFromArray(y).castTo(DataType.FLOAT));
    }

    /** One row of the quality table. */
    record Quality(String court, SpatialSmoothness smoothness, double bestValLoss, int bestEpoch, double testLoss,
            double testAuc, double seconds) {
    }

    static void quality(List<GridSpec> courts, List<SpatialSmoothness> settings, long[] seeds) throws IOException {
        ExampleSet train = ExampleBuilder.build(BundledData.load(Split.TRAIN)).examples();
        ExampleSet val = ExampleBuilder.build(BundledData.load(Split.VAL)).examples();
        ExampleSet test = ExampleBuilder.build(BundledData.load(Split.TEST)).examples();
        TaskIndex tasks = TaskIndexes.fromTraining(train, 1000);
        DataSet rows = ExampleRows.training(train, tasks, DataType.FLOAT);
        DataSet v = ExampleRows.scoring(val, tasks, DataType.FLOAT);
        DataSet t = ExampleRows.scoring(test, tasks, DataType.FLOAT);
        System.out.println("| court | court weight | defender weight | seed | best val log loss | epoch"
                + " | test log loss | test ROC AUC | s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (GridSpec court : courts) {
            for (SpatialSmoothness sm : settings) {
                for (long seed : seeds) {
                    Quality q = train(court, sm, seed, tasks, train, rows, v, val.labels(), t, test.labels());
                    System.out.printf(Locale.ROOT, "| %s | %.0e | %.0e | %d | %.4f | %d | %.4f | %.4f | %.0f |%n",
                            q.court(), sm.court(), sm.defender(), seed, q.bestValLoss(), q.bestEpoch(), q.testLoss(),
                            q.testAuc(), q.seconds());
                }
            }
        }
    }

    static Quality train(GridSpec court, SpatialSmoothness sm, long seed, TaskIndex tasks, ExampleSet train,
            DataSet rows, DataSet val, byte[] valLabels, DataSet test, byte[] testLabels) {
        long t0 = System.nanoTime();
        FullRankSpatialLayer layer = new FullRankSpatialLayer(
                new SpatialLayerSpec(tasks.size(), court, GridSpec.defenderBox(6, 6)), sm);
        double rate = Math.min(Math.max((double) train.positives() / train.size(), 1e-4), 1 - 1e-4);
        layer.setBiasInit(Math.log(rate / (1 - rate)));
        MultiLayerNetwork net = SpatialNetworks.network(layer,
                new SpatialNetworks.Options(new Adam(0.02), 1e-4, 1, seed, DataType.FLOAT));
        Random rnd = new Random(seed);
        INDArray best = net.params().dup();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= 40; epoch++) {
            for (DataSet batch : io.github.finegrain.train.Minibatches.shuffled(rows, 1024, rnd)) {
                net.fit(batch);
            }
            double loss = io.github.finegrain.train.ValidationLoss.of(net, val, valLabels);
            if (loss < bestLoss - 1e-6) {
                bestLoss = loss;
                bestEpoch = epoch;
                best = net.params().dup();
            } else if (epoch - bestEpoch >= 5) {
                break;
            }
        }
        net.setParams(best);
        BinaryMetrics m = metrics(net, test, testLabels);
        return new Quality(court.label(), sm, bestLoss, bestEpoch, m.logLoss(), m.rocAuc(),
                (System.nanoTime() - t0) / 1e9);
    }

    private static BinaryMetrics metrics(MultiLayerNetwork net, DataSet d, byte[] labels) {
        double[] p = net.output(d.getFeatures(), false).reshape(labels.length).toDoubleVector();
        return BinaryMetrics.of(p, labels, 0.5);
    }

}
