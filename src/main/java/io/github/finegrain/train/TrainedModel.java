package io.github.finegrain.train;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.SpatialLayerSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained spatial model: its DL4J network and the task map it was trained with. Immutable to its users: the
 * network is copied on the way in and on the way out, so nothing can train or change this model after it is made.
 */
public final class TrainedModel {
    private final MultiLayerNetwork network;
    private final TaskIndex tasks;
    private final long seed;
    private final String dataFingerprint;

    /**
     * @param network         the trained network (copied)
     * @param tasks           task index ↔ key map (index 0 = league)
     * @param seed            training seed
     * @param dataFingerprint SHA-256 of the training examples
     */
    public TrainedModel(MultiLayerNetwork network, TaskIndex tasks, long seed, String dataFingerprint) {
        this.network = network.clone();
        this.tasks = tasks;
        this.seed = seed;
        this.dataFingerprint = dataFingerprint;
        int layerTasks = spec().tasks();
        if (layerTasks != tasks.size()) {
            throw new IllegalArgumentException("network has " + layerTasks + " tasks but the task index has "
                    + tasks.size());
        }
    }

    /** A copy of the network (safe to train or modify). */
    public MultiLayerNetwork network() {
        return network.clone();
    }

    /** The task map. */
    public TaskIndex tasks() {
        return tasks;
    }

    /** Training seed. */
    public long seed() {
        return seed;
    }

    /** SHA-256 of the training examples. */
    public String dataFingerprint() {
        return dataFingerprint;
    }

    /** The spatial layer's spec (tasks and grids). */
    public SpatialLayerSpec spec() {
        return layerConf().spatialSpec();
    }

    /** The spatial layer's configuration (full-rank or CP). */
    public SpatialLayerConf layerConf() {
        return (SpatialLayerConf) network.getLayerWiseConfigurations().getConf(0).getLayer();
    }

    /**
     * Probabilities for {@code examples}, each scored on its ball handler's task if seen in training, else on the
     * league task.
     */
    public double[] predict(ExampleSet examples) {
        return predictRows(ExampleRows.scoring(examples, tasks, network.getLayerWiseConfigurations()
                .getDataType()).getFeatures());
    }

    /** Probabilities for input rows {@code [n, 13]} (see {@link io.github.finegrain.model.InputRow}). */
    public double[] predictRows(INDArray rows) {
        synchronized (network) {
            return network.output(rows, false).reshape(rows.size(0)).toDoubleVector();
        }
    }
}
