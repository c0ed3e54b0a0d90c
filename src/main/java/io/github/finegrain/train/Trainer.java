package io.github.finegrain.train;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.TaskIndex;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialNetworks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-resolution training of the full-rank model: minibatch Adam or SGD over shuffled training rows
 * ({@link ExampleRows#training}), validation log loss after every epoch, the best-validation parameters kept, and
 * early stopping after {@code patience} epochs without improvement. The per-task bias starts at the logit of the
 * training positive rate. Returns an immutable {@link TrainedModel}.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** Progress of one epoch. */
    public record EpochRecord(int epoch, double validationLogLoss, double seconds) {
    }

    /** A trained model and how training went. */
    public record Result(TrainedModel model, List<EpochRecord> epochs, int bestEpoch, double seconds) {
    }

    private final TrainingOptions options;

    /** A trainer with {@code options}. */
    public Trainer(TrainingOptions options) {
        this.options = options;
    }

    /** Trains on {@code train}, selecting the epoch by log loss on {@code validation}. */
    public Result fit(ExampleSet train, ExampleSet validation) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("no training examples");
        }
        long t0 = System.nanoTime();
        TaskIndex tasks = TaskIndex.fromTraining(train, options.minTaskExamples());
        SpatialLayerSpec spec = new SpatialLayerSpec(tasks.size(), options.court(), options.defenderBox());
        FullRankSpatialLayer layer = new FullRankSpatialLayer(spec);
        double rate = Math.min(Math.max((double) train.positives() / train.size(), 1e-4), 1 - 1e-4);
        layer.setBiasInit(Math.log(rate / (1 - rate)));
        MultiLayerNetwork net = SpatialNetworks.network(layer, new SpatialNetworks.Options(options.updater(),
                options.l2(), options.positiveWeight(), options.seed(), options.dataType()));
        DataSet rows = ExampleRows.training(train, tasks, options.dataType());
        DataSet val = ExampleRows.scoring(validation, tasks, options.dataType());
        Random rnd = new Random(options.seed());
        List<EpochRecord> history = new ArrayList<>();
        INDArray best = net.params().dup();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            for (DataSet batch : shuffledBatches(rows, options.batchSize(), rnd)) {
                net.fit(batch);
            }
            double loss = validationLogLoss(net, val, validation.labels());
            history.add(new EpochRecord(epoch, loss, (System.nanoTime() - t0) / 1e9));
            LOG.info("epoch {}: validation log loss {}", epoch, String.format("%.5f", loss));
            if (loss < bestLoss - 1e-6) {
                bestLoss = loss;
                bestEpoch = epoch;
                best = net.params().dup();
            } else if (epoch - bestEpoch >= options.patience()) {
                break;
            }
        }
        net.setParams(best);
        TrainedModel model = new TrainedModel(net, tasks, options.seed(), fingerprint(train));
        return new Result(model, history, bestEpoch, (System.nanoTime() - t0) / 1e9);
    }

    /** Mean log loss of {@code net}'s probabilities on the rows of {@code val} against {@code labels}, nats. */
    public static double validationLogLoss(MultiLayerNetwork net, DataSet val, byte[] labels) {
        double[] p = net.output(val.getFeatures(), false).reshape(labels.length).toDoubleVector();
        return BinaryMetrics.of(p, labels, 0.5).logLoss();
    }

    /** The rows of {@code all} in a fresh random order, cut into minibatches of {@code size}. */
    public static List<DataSet> shuffledBatches(DataSet all, int size, Random rnd) {
        int n = all.numExamples();
        int[] perm = permutation(n, rnd);
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < n; from += size) {
            batches.add(batch(all, perm, from, Math.min(n, from + size)));
        }
        return batches;
    }

    /** A random permutation of {@code 0..n-1} (Fisher–Yates from the last position, the order of {@link #shuffledBatches}). */
    static int[] permutation(int n, Random rnd) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        return perm;
    }

    /** The minibatch of rows {@code perm[from..to)} of {@code all} (a copy; ND4J's native row gather). */
    static DataSet batch(DataSet all, int[] perm, int from, int to) {
        int[] rows = java.util.Arrays.copyOfRange(perm, from, to);
        return new DataSet(Nd4j.pullRows(all.getFeatures(), 1, rows), Nd4j.pullRows(all.getLabels(), 1, rows));
    }

    /** SHA-256 over the examples' task keys, features and labels, hex. */
    public static String fingerprint(ExampleSet ex) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(8);
            for (int i = 0; i < ex.size(); i++) {
                md.update(ex.taskKeys()[i].getBytes(StandardCharsets.UTF_8));
                md.update(ex.labels()[i]);
            }
            for (double v : ex.features()) {
                buf.clear();
                buf.putDouble(v);
                md.update(buf.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
