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
 * DL4J configuration of the <b>CP-factored</b> spatial layer (paper, Sec. 2, Eq. 1 with F = A ⊗ B ⊗ C):
 *
 * <pre>
 *   logit(x) = Σ_k A[a, k] · (Σ_b ψ_b(x) B[b, k]) · (Σ_c φ_c(x) C[c, k]) + bias[a]
 *            = Σ_k A[a, k] · B[b(x), k] · (C[C_const, k] + Σ_defenders C[c_d(x), k]) + bias[a]
 * </pre>
 * with ψ the one-hot court cell b(x) of the ball handler (no spatial term when he is outside the court grid) and φ the
 * defender occupancy counts extended by the constant entry φ_C = 1 (see {@link SpatialLayerSpec}). It equals the
 * {@link FullRankSpatialLayer} holding {@code F[a, b, c] = Σ_k A[a, k] B[b, k] C[c, k]}.
 *
 * <p>Input: {@link InputRow} rows {@code [batch, 13]} of raw coordinates in feet (as the full-rank layer). Output:
 * {@code [batch, 1]} logits (identity activation; put a sigmoid {@code LossLayer} with binary cross-entropy on top).
 * Parameters: {@code A [tasks, K]}, {@code B [courtCells, K]}, {@code C [defenderCells + 1, K]}, {@code b [1, tasks]}
 * (see {@link CpSpatialParamInitializer}). L2 regularization, when configured, applies to A, B and C (bias excluded),
 * as the paper's "L2 regularization on all factors" (Sec. 2). The spatial smoothness penalty
 * ({@link SpatialSmoothness}; off by default) applies to the rows of B (court) and to the rows of C of the defender
 * grid's cells (the constant row excluded); {@link #getRegularizationByParam} adds it to B's and C's regularization after DL4J's L2.
 *
 * <p>A thin, Jackson-friendly adapter over the validated {@link CpLayerSpec}: build it with
 * {@link #CpSpatialLayer(CpLayerSpec)}; the no-argument constructor and setters exist for DL4J's JSON/YAML
 * serialization only.
 */
public class CpSpatialLayer extends FeedForwardLayer implements SpatialLayerConf {
    private static final long serialVersionUID = 1L;

    private int tasks;
    private int rank;
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
    public CpSpatialLayer() {
    }

    /** A layer for {@code spec} without smoothness penalty; nIn = 13, nOut = 1. */
    public CpSpatialLayer(CpLayerSpec spec) {
        this(spec, SpatialSmoothness.NONE);
    }

    /** A layer for {@code spec} with the smoothness penalty {@code smoothness}; nIn = 13, nOut = 1. */
    public CpSpatialLayer(CpLayerSpec spec, SpatialSmoothness smoothness) {
        if (smoothness == null) {
            throw new IllegalArgumentException("a smoothness setting is required (SpatialSmoothness.NONE for none)");
        }
        this.courtSmoothness = smoothness.court();
        this.defenderSmoothness = smoothness.defender();
        this.smoothnessSigma = smoothness.sigma();
        this.smoothnessEvery = smoothness.every();
        this.tasks = spec.tasks();
        this.rank = spec.rank();
        this.courtGrid = new GridFields(spec.court());
        this.defenderGrid = new GridFields(spec.defenderBox());
        this.nIn = InputRow.WIDTH;
        this.nOut = 1;
        this.activationFn = new org.nd4j.linalg.activations.impl.ActivationIdentity();
    }

    /** The validated spec of this layer. */
    public CpLayerSpec spec() {
        return new CpLayerSpec(new SpatialLayerSpec(tasks, courtGrid.toSpec(), defenderGrid.toSpec()), rank);
    }

    /** The validated smoothness penalty of this layer. */
    @Override
    public SpatialSmoothness smoothness() {
        return new SpatialSmoothness(courtSmoothness, defenderSmoothness, smoothnessSigma, smoothnessEvery);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A, B, C: DL4J's regularization (L2, L1, weight decay as configured), followed for B by the court smoothness
     * term and for C by the defender smoothness term when their weight is non-zero
     * ({@link SpatialSmoothnessRegularization}); b: DL4J's bias regularization.
     */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return smoothnessTerms().with(paramName, super.getRegularizationByParam(paramName));
    }

    private SmoothnessTerms smoothnessTerms() {
        CpLayerSpec s = spec();
        SpatialSmoothness sm = smoothness();
        SmoothnessTerms t = smoothnessTerms;
        if (t == null || !t.isFor(s, sm)) {
            t = SmoothnessTerms.cp(s, sm);
            smoothnessTerms = t;
        }
        return t;
    }

    /** A copy as DL4J's {@code BaseLayer.clone()}; the copy builds its own smoothness terms. */
    @Override
    public CpSpatialLayer clone() {
        CpSpatialLayer c = (CpSpatialLayer) super.clone();
        c.smoothnessTerms = null;
        return c;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        smoothness(); // fail fast on invalid deserialized weights
        CpSpatialLayerImpl layer = new CpSpatialLayerImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public SpatialLayerSpec spatialSpec() {
        return spec().spatial();
    }

    @Override
    public String kind() {
        return "cp";
    }

    @Override
    public Integer rank() {
        return getRank();
    }

    @Override
    public String courtModeParam() {
        return CpSpatialParamInitializer.COURT_KEY;
    }

    @Override
    public int courtAxis() {
        return 0;
    }

    @Override
    public ParamInitializer initializer() {
        return CpSpatialParamInitializer.getInstance();
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
        return new LayerMemoryReport.Builder(layerName, CpSpatialLayer.class, inputType, getOutputType(0, inputType))
                .standardMemory(params, 0).workingMemory(0, 0, 0, 1).cacheMemory(0, 0).build();
    }

    public int getTasks() {
        return tasks;
    }

    public void setTasks(int tasks) {
        this.tasks = tasks;
    }

    public int getRank() {
        return rank;
    }

    public void setRank(int rank) {
        this.rank = rank;
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
        return o instanceof CpSpatialLayer other && super.equals(o) && tasks == other.tasks && rank == other.rank
                && Objects.equals(courtGrid, other.courtGrid) && Objects.equals(defenderGrid, other.defenderGrid)
                && Double.compare(courtSmoothness, other.courtSmoothness) == 0
                && Double.compare(defenderSmoothness, other.defenderSmoothness) == 0
                && Double.compare(smoothnessSigma, other.smoothnessSigma) == 0
                && smoothnessEvery == other.smoothnessEvery;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), tasks, rank, courtGrid, defenderGrid, courtSmoothness,
                defenderSmoothness, smoothnessSigma, smoothnessEvery);
    }

    @Override
    public String toString() {
        return "CpSpatialLayer(tasks=" + tasks + ", rank=" + rank + ", court=" + courtGrid.toSpec().label()
                + ", defender=" + defenderGrid.toSpec().label() + ", smoothness court=" + courtSmoothness
                + " defender=" + defenderSmoothness + " sigma=" + smoothnessSigma + " every=" + smoothnessEvery + ")";
    }
}
