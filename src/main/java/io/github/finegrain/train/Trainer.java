package io.github.finegrain.train;

import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialNetworks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-resolution training of the full-rank model: minibatch steps ({@link TrainingSteps#forOptimizer}: lazy Adam
 * or Adagrad row-sparse, Adam or SGD dense) over shuffled training rows
 * ({@link ExampleRows#training}), validation log loss after every epoch, the best-validation parameters kept, and
 * early stopping after {@code patience} epochs without improvement. The per-task bias starts at the logit of the
 * training positive rate. Returns an immutable {@link TrainedModel}.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** Progress of one epoch. */
    public record EpochRecord(int epoch, double validationLogLoss, double seconds) {
    }

    /**
     * A trained model and how training went.
     *
     * @param seconds           wall seconds of the whole fit
     * @param validationSeconds the part of {@code seconds} spent computing validation losses
     */
    public record Result(TrainedModel model, List<EpochRecord> epochs, int bestEpoch, double seconds,
            double validationSeconds) {
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
        TaskIndex tasks = TaskIndexes.fromTraining(train, options.minTaskExamples());
        SpatialLayerSpec spec = new SpatialLayerSpec(tasks.size(), options.court(), options.defenderBox());
        FullRankSpatialLayer layer = new FullRankSpatialLayer(spec);
        double rate = Math.min(Math.max((double) train.positives() / train.size(), 1e-4), 1 - 1e-4);
        layer.setBiasInit(Math.log(rate / (1 - rate)));
        DataSet rows = ExampleRows.training(train, tasks, options.dataType());
        double l2 = options.l2() + options.l2Prior() / rows.numExamples();
        MultiLayerNetwork net = SpatialNetworks.network(layer, new SpatialNetworks.Options(options.updater(),
                l2, options.positiveWeight(), options.seed(), options.dataType()));
        TrainingStep step = TrainingSteps.forOptimizer(options.optimizer(), l2).apply(net);
        DataSet val = ExampleRows.scoring(validation, tasks, options.dataType());
        Random rnd = new Random(options.seed());
        List<EpochRecord> history = new ArrayList<>();
        INDArray best = net.params().dup();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        long validationNanos = 0;
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            for (DataSet batch : Minibatches.shuffled(rows, options.batchSize(), rnd)) {
                step.fit(batch);
            }
            long v0 = System.nanoTime();
            double loss = ValidationLoss.of(net, val, validation.labels());
            validationNanos += System.nanoTime() - v0;
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
        TrainedModel model = new TrainedModel(net, tasks, options.seed(), ExampleRows.fingerprint(train));
        return new Result(model, history, bestEpoch, (System.nanoTime() - t0) / 1e9, validationNanos / 1e9);
    }
}
