package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J configuration of the <b>full-rank</b> spatial layer (paper, Sec. 2, Eq. 1 with F unfactorized):
 *
 * <pre>
 *   logit(x) = Σ_b Σ_c ψ_b(x) φ_c(x) F[a, b, c] + bias[a]
 * </pre>
 * with φ extended by a constant entry (see {@link SpatialLayerSpec}).
 *
 * <p>Input: {@link InputRow} rows {@code [batch, 13]} of raw coordinates in feet; the layer discretizes them at its
 * own grids ({@link #spec()}). Output: {@code [batch, 1]} logits (identity activation; put a sigmoid
 * {@code LossLayer} with binary cross-entropy on top). Parameters: {@code F [tasks, courtCells, defenderCells + 1]},
 * {@code b [1, tasks]} (see {@link FullRankSpatialParamInitializer}). L2 regularization, when configured, applies
 * to F only (bias excluded).
 *
 * <p>A thin, Jackson-friendly adapter over the validated {@link SpatialLayerSpec}: build it with
 * {@link #FullRankSpatialLayer(SpatialLayerSpec)}; the no-argument constructor and setters exist for DL4J's JSON/YAML
 * serialization only.
 */
public class FullRankSpatialLayer extends FeedForwardLayer implements SpatialLayerConf {
    private static final long serialVersionUID = 1L;

    private int tasks;
    private GridFields courtGrid;
    private GridFields defenderGrid;

    /** For Jackson only. */
    public FullRankSpatialLayer() {
    }

    /** A layer for {@code spec}; nIn = 13, nOut = 1. */
    public FullRankSpatialLayer(SpatialLayerSpec spec) {
        this.tasks = spec.tasks();
        this.courtGrid = new GridFields(spec.court());
        this.defenderGrid = new GridFields(spec.defenderBox());
        this.nIn = InputRow.WIDTH;
        this.nOut = 1;
        this.activationFn = new org.nd4j.linalg.activations.impl.ActivationIdentity();
    }

    @Override
    public SpatialLayerSpec spatialSpec() {
        return spec();
    }

    @Override
    public String kind() {
        return "full-rank";
    }

    @Override
    public Integer rank() {
        return null;
    }

    @Override
    public String courtModeParam() {
        return FullRankSpatialParamInitializer.WEIGHT_KEY;
    }

    @Override
    public int courtAxis() {
        return 1;
    }

    /** The validated spec of this layer. */
    public SpatialLayerSpec spec() {
        return new SpatialLayerSpec(tasks, courtGrid.toSpec(), defenderGrid.toSpec());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        FullRankSpatialLayerImpl layer = new FullRankSpatialLayerImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return FullRankSpatialParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(1);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // The input width is fixed by InputRow.
        this.nIn = InputRow.WIDTH;
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        return new LayerMemoryReport.Builder(layerName, FullRankSpatialLayer.class, inputType, getOutputType(0, inputType))
                .standardMemory(params, 0).workingMemory(0, 0, 0, 1).cacheMemory(0, 0).build();
    }

    public int getTasks() {
        return tasks;
    }

    public void setTasks(int tasks) {
        this.tasks = tasks;
    }

    public GridFields getCourtGrid() {
        return courtGrid;
    }

    public void setCourtGrid(GridFields courtGrid) {
        this.courtGrid = courtGrid;
    }

    public GridFields getDefenderGrid() {
        return defenderGrid;
    }

    public void setDefenderGrid(GridFields defenderGrid) {
        this.defenderGrid = defenderGrid;
    }

    /** Court grid, convenience for {@code spec().court()}. */
    public GridSpec court() {
        return courtGrid.toSpec();
    }

    /** Defender grid, convenience for {@code spec().defenderBox()}. */
    public GridSpec defenderBox() {
        return defenderGrid.toSpec();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FullRankSpatialLayer other && super.equals(o) && tasks == other.tasks
                && Objects.equals(courtGrid, other.courtGrid) && Objects.equals(defenderGrid, other.defenderGrid);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), tasks, courtGrid, defenderGrid);
    }

    @Override
    public String toString() {
        return "FullRankSpatialLayer(tasks=" + tasks + ", court=" + courtGrid.toSpec().label() + ", defender="
                + defenderGrid.toSpec().label() + ")";
    }
}
