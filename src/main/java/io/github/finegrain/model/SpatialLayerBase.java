package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * What the two spatial layer configurations share: the task count, the two grids and the smoothness penalty as
 * plain Jackson-friendly fields, the fixed input width ({@link InputRow}) and output ({@code [batch, 1]} logits),
 * and the regularization of the weight parameters (DL4J's, followed by the smoothness terms of
 * {@link #buildSmoothnessTerms}). Subclasses add their parameters and their implementation class.
 */
public abstract class SpatialLayerBase extends FeedForwardLayer implements SpatialLayerConf {
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
    protected SpatialLayerBase() {
    }

    /** A layer for {@code spec} with the smoothness penalty {@code smoothness}; nIn = 13, nOut = 1. */
    protected SpatialLayerBase(SpatialLayerSpec spec, SpatialSmoothness smoothness) {
        if (smoothness == null) {
            throw new IllegalArgumentException("a smoothness setting is required (SpatialSmoothness.NONE for none)");
        }
        setSmoothness(smoothness);
        this.tasks = spec.tasks();
        this.courtGrid = new GridFields(spec.court());
        this.defenderGrid = new GridFields(spec.defenderBox());
        this.nIn = InputRow.WIDTH;
        this.nOut = 1;
        this.activationFn = new org.nd4j.linalg.activations.impl.ActivationIdentity();
    }

    /** The smoothness regularizations of this layer's parameters for {@code s} and {@code sm}. */
    protected abstract SmoothnessTerms buildSmoothnessTerms(SpatialLayerSpec s, SpatialSmoothness sm);

    @Override
    public SpatialLayerSpec spatialSpec() {
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
     * <p>Weight parameters: DL4J's regularization (L2, L1, weight decay as configured) followed by the smoothness
     * terms with a non-zero weight ({@link SpatialSmoothnessRegularization}); bias: DL4J's bias regularization.
     */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return smoothnessTerms().with(paramName, super.getRegularizationByParam(paramName));
    }

    private SmoothnessTerms smoothnessTerms() {
        SpatialLayerSpec s = spatialSpec();
        SpatialSmoothness sm = smoothness();
        SmoothnessTerms t = smoothnessTerms;
        if (t == null || !t.isFor(s, sm)) {
            t = buildSmoothnessTerms(s, sm);
            smoothnessTerms = t;
        }
        return t;
    }

    /** A copy as DL4J's {@code BaseLayer.clone()}; the copy builds its own smoothness terms. */
    @Override
    public SpatialLayerBase clone() {
        SpatialLayerBase c = (SpatialLayerBase) super.clone();
        c.smoothnessTerms = null;
        return c;
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
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, getOutputType(0, inputType))
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

    /** Court grid, convenience for {@code spatialSpec().court()}. */
    public GridSpec court() {
        return courtGrid.toSpec();
    }

    /** Defender grid, convenience for {@code spatialSpec().defenderBox()}. */
    public GridSpec defenderBox() {
        return defenderGrid.toSpec();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpatialLayerBase other && o.getClass() == getClass() && super.equals(o)
                && tasks == other.tasks && Objects.equals(courtGrid, other.courtGrid)
                && Objects.equals(defenderGrid, other.defenderGrid)
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
        return getClass().getSimpleName() + "(tasks=" + tasks + (rank() == null ? "" : ", rank=" + rank())
                + ", court=" + courtGrid.toSpec().label() + ", defender=" + defenderGrid.toSpec().label()
                + ", smoothness court=" + courtSmoothness + " defender=" + defenderSmoothness + " sigma="
                + smoothnessSigma + " every=" + smoothnessEvery + ")";
    }
}
