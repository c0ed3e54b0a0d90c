package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;
import java.util.Collection;
import java.util.List;
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
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

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
 * to F only (bias excluded). The spatial smoothness penalty ({@link SpatialSmoothness}; off by default) applies to F
 * along the court mode ({@code F[:, i, :]}) and along the defender mode ({@code F[:, :, c]}, the constant entry
 * excluded); {@link #getRegularizationByParam} adds it to F's regularization after DL4J's L2.
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
    private double courtSmoothness;
    private double defenderSmoothness;
    private double smoothnessSigma = SpatialSmoothness.DEFAULT_SIGMA;
    private int smoothnessEvery = 1;
    /** The smoothness regularizations of the current spec and weights, rebuilt when they change; never saved. */
    @JsonIgnore
    private transient SmoothnessTerms smoothnessTerms;

    /** For Jackson only. */
    public FullRankSpatialLayer() {
    }

    /** A layer for {@code spec} without smoothness penalty; nIn = 13, nOut = 1. */
    public FullRankSpatialLayer(SpatialLayerSpec spec) {
        this(spec, SpatialSmoothness.NONE);
    }

    /** A layer for {@code spec} with the smoothness penalty {@code smoothness}; nIn = 13, nOut = 1. */
    public FullRankSpatialLayer(SpatialLayerSpec spec, SpatialSmoothness smoothness) {
        if (smoothness == null) {
            throw new IllegalArgumentException("a smoothness setting is required (SpatialSmoothness.NONE for none)");
        }
        this.courtSmoothness = smoothness.court();
        this.defenderSmoothness = smoothness.defender();
        this.smoothnessSigma = smoothness.sigma();
        this.smoothnessEvery = smoothness.every();
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

    /** The validated smoothness penalty of this layer. */
    @Override
    public SpatialSmoothness smoothness() {
        return new SpatialSmoothness(courtSmoothness, defenderSmoothness, smoothnessSigma, smoothnessEvery);
    }

    /**
     * {@inheritDoc}
     *
     * <p>F: DL4J's regularization (L2, L1, weight decay as configured) followed by the smoothness terms with a
     * non-zero weight ({@link SpatialSmoothnessRegularization}, court mode then defender mode); b: DL4J's bias
     * regularization.
     */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return smoothnessTerms().with(paramName, super.getRegularizationByParam(paramName));
    }

    private SmoothnessTerms smoothnessTerms() {
        SpatialLayerSpec s = spec();
        SpatialSmoothness sm = smoothness();
        SmoothnessTerms t = smoothnessTerms;
        if (t == null || !t.isFor(s, sm)) {
            t = SmoothnessTerms.fullRank(s, sm);
            smoothnessTerms = t;
        }
        return t;
    }

    /** A copy as DL4J's {@code BaseLayer.clone()}; the copy builds its own smoothness terms. */
    @Override
    public FullRankSpatialLayer clone() {
        FullRankSpatialLayer c = (FullRankSpatialLayer) super.clone();
        c.smoothnessTerms = null;
        return c;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        smoothness(); // fail fast on invalid deserialized weights
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

    public double getCourtSmoothness() {
        return courtSmoothness;
    }

    public void setCourtSmoothness(double courtSmoothness) {
        this.courtSmoothness = courtSmoothness;
    }

    public double getDefenderSmoothness() {
        return defenderSmoothness;
    }

    public void setDefenderSmoothness(double defenderSmoothness) {
        this.defenderSmoothness = defenderSmoothness;
    }

    public double getSmoothnessSigma() {
        return smoothnessSigma;
    }

    public void setSmoothnessSigma(double smoothnessSigma) {
        this.smoothnessSigma = smoothnessSigma;
    }

    public int getSmoothnessEvery() {
        return smoothnessEvery;
    }

    public void setSmoothnessEvery(int smoothnessEvery) {
        this.smoothnessEvery = smoothnessEvery;
    }

    /** Sets all four smoothness fields from {@code s}. */
    public void setSmoothness(SpatialSmoothness s) {
        courtSmoothness = s.court();
        defenderSmoothness = s.defender();
        smoothnessSigma = s.sigma();
        smoothnessEvery = s.every();
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
                && Objects.equals(courtGrid, other.courtGrid) && Objects.equals(defenderGrid, other.defenderGrid)
                && Double.compare(courtSmoothness, other.courtSmoothness) == 0
                && Double.compare(defenderSmoothness, other.defenderSmoothness) == 0
                && Double.compare(smoothnessSigma, other.smoothnessSigma) == 0
                && smoothnessEvery == other.smoothnessEvery;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), tasks, courtGrid, defenderGrid, courtSmoothness, defenderSmoothness,
                smoothnessSigma, smoothnessEvery);
    }

    @Override
    public String toString() {
        return "FullRankSpatialLayer(tasks=" + tasks + ", court=" + courtGrid.toSpec().label() + ", defender="
                + defenderGrid.toSpec().label() + ", smoothness court=" + courtSmoothness + " defender="
                + defenderSmoothness + " sigma=" + smoothnessSigma + " every=" + smoothnessEvery + ")";
    }
}
