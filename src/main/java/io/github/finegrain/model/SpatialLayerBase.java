package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

/**
 * What the two spatial layer configurations share: the task count, the two grids, the smoothness penalty and the
 * input layout ({@link InputLayout}, {@link InputLayout#BASKETBALL} by default and for configurations saved without
 * one) as plain Jackson-friendly fields, the input width (the layout's) and output ({@code [batch, 1]} logits), the
 * regularization of the weight parameters (DL4J's, followed by the smoothness terms of {@link #buildSmoothnessTerms}),
 * the DL4J builder ({@link Builder}) and {@link #instantiate}. Subclasses add their parameters and their
 * implementation class.
 *
 * <p>The layer reads raw rows (task, coordinates): it discretizes them itself, so it is the first layer of a network
 * (its input is the network's input, not another layer's activations).
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
    private int taskColumn = InputLayout.BASKETBALL.taskColumn();
    private int anchorColumn = InputLayout.BASKETBALL.anchorColumn();
    private int firstContextColumn = InputLayout.BASKETBALL.firstContextColumn();
    private int contextPoints = InputLayout.BASKETBALL.contextPoints();
    /** The smoothness regularizations of the current spec and weights, rebuilt when they change; never saved. */
    @JsonIgnore
    private transient SmoothnessTerms smoothnessTerms;

    /** For Jackson only. */
    protected SpatialLayerBase() {
    }

    /** A layer for {@code spec} with the smoothness penalty {@code smoothness}; basketball rows, nIn = 13, nOut = 1. */
    protected SpatialLayerBase(SpatialLayerSpec spec, SpatialSmoothness smoothness) {
        setSpatial(spec, smoothness, InputLayout.BASKETBALL);
    }

    /**
     * A layer with the DL4J settings of {@code builder} (updater, regularization, weight and bias init, name, …)
     * for {@code spec}, the builder's smoothness and input layout.
     *
     * @throws IllegalArgumentException if the builder sets nIn other than the layout's width or nOut other than 1
     */
    protected SpatialLayerBase(Builder<?> builder, SpatialLayerSpec spec) {
        super(builder);
        InputLayout layout = builder.inputLayout;
        if (builder.getNIn() != 0 && builder.getNIn() != layout.width()) {
            throw new IllegalArgumentException("nIn of a spatial layer is its input layout's width " + layout.width()
                    + " (" + layout.describe() + "), found " + builder.getNIn());
        }
        if (builder.getNOut() != 0 && builder.getNOut() != 1) {
            throw new IllegalArgumentException("nOut of a spatial layer is 1 (one logit per row), found "
                    + builder.getNOut());
        }
        setSpatial(spec, builder.smoothness, layout);
    }

    private void setSpatial(SpatialLayerSpec spec, SpatialSmoothness smoothness, InputLayout layout) {
        if (smoothness == null) {
            throw new IllegalArgumentException("a smoothness setting is required (SpatialSmoothness.NONE for none)");
        }
        if (spec == null || layout == null) {
            throw new IllegalArgumentException("a spatial spec and an input layout are required");
        }
        setSmoothness(smoothness);
        setInputLayout(layout);
        this.tasks = spec.tasks();
        this.courtGrid = new GridFields(spec.court());
        this.defenderGrid = new GridFields(spec.defenderBox());
        this.nIn = layout.width();
        this.nOut = 1;
        this.activationFn = new ActivationIdentity();
    }

    /**
     * DL4J-style builder of the settings both spatial layers share; {@code build()} validates them through
     * {@link SpatialLayerSpec} (and {@link CpLayerSpec}), so a built layer is always a valid one. The inherited
     * settings ({@code updater}, {@code l2}, {@code weightInit}, {@code biasInit}, {@code name}, …) are DL4J's; unset
     * ones are taken from the network configuration as for any DL4J layer. nIn and nOut need not be set (the
     * layout's width and 1); the activation is always the identity (the layer outputs logits).
     *
     * @param <T> the concrete builder
     */
    public abstract static class Builder<T extends Builder<T>> extends FeedForwardLayer.Builder<T> {
        protected int tasks;
        protected GridSpec court;
        protected GridSpec defenderBox;
        protected SpatialSmoothness smoothness = SpatialSmoothness.NONE;
        protected InputLayout inputLayout = InputLayout.BASKETBALL;

        /** A builder with nothing set (gain init 0, as the constructors leave it: the spatial layers do not use it). */
        protected Builder() {
            this.gainInit = 0.0;
        }

        /** Number of tasks a (e.g. players plus the league task), &ge; 1. */
        public T tasks(int tasks) {
            this.tasks = tasks;
            return self();
        }

        /** Grid of the anchor (ball handler) point, ψ. */
        public T court(GridSpec court) {
            this.court = court;
            return self();
        }

        /** Grid of the context (defender) points around the anchor, φ (without the constant entry). */
        public T defenderBox(GridSpec defenderBox) {
            this.defenderBox = defenderBox;
            return self();
        }

        /** Tasks and both grids from {@code spec}. */
        public T spec(SpatialLayerSpec spec) {
            return tasks(spec.tasks()).court(spec.court()).defenderBox(spec.defenderBox());
        }

        /** The spatial smoothness penalty ({@link SpatialSmoothness#NONE}, the default, for none). */
        public T smoothness(SpatialSmoothness smoothness) {
            this.smoothness = smoothness;
            return self();
        }

        /** Which columns of a row hold the task, the anchor and the context points ({@link InputLayout#BASKETBALL} by default). */
        public T inputLayout(InputLayout inputLayout) {
            this.inputLayout = inputLayout;
            return self();
        }

        /**
         * The validated spec of the builder's tasks and grids.
         *
         * @throws IllegalArgumentException as {@link SpatialLayerSpec}'s constructor (tasks &lt; 1, a grid not set,
         *                                  a tensor too large)
         */
        protected SpatialLayerSpec spatialSpec() {
            return new SpatialLayerSpec(tasks, court, defenderBox);
        }

        /**
         * The layer, validated.
         *
         * @throws IllegalArgumentException if a required setting is missing or invalid
         */
        @Override
        @SuppressWarnings("unchecked")
        public abstract SpatialLayerBase build();

        @SuppressWarnings("unchecked")
        private T self() {
            return (T) this;
        }
    }

    /** A new implementation layer of this configuration (not yet given its parameters). */
    protected abstract BaseLayer<?> createImpl(NeuralNetConfiguration conf, DataType networkDataType);

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        smoothness(); // fail fast on invalid deserialized weights
        inputLayout(); // and layouts
        BaseLayer<?> layer = createImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** The smoothness regularizations of this layer's parameters for {@code s} and {@code sm}. */
    protected abstract SmoothnessTerms buildSmoothnessTerms(SpatialLayerSpec s, SpatialSmoothness sm);

    @Override
    public SpatialLayerSpec spatialSpec() {
        return new SpatialLayerSpec(tasks, courtGrid.toSpec(), defenderGrid.toSpec());
    }

    /** The validated smoothness penalty of this layer. */
    @Override
    public InputLayout inputLayout() {
        return new InputLayout(taskColumn, anchorColumn, firstContextColumn, contextPoints);
    }

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
        // The input width is fixed by the input layout.
        this.nIn = inputLayout().width();
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

    public int getTaskColumn() {
        return taskColumn;
    }

    public void setTaskColumn(int taskColumn) {
        this.taskColumn = taskColumn;
    }

    public int getAnchorColumn() {
        return anchorColumn;
    }

    public void setAnchorColumn(int anchorColumn) {
        this.anchorColumn = anchorColumn;
    }

    public int getFirstContextColumn() {
        return firstContextColumn;
    }

    public void setFirstContextColumn(int firstContextColumn) {
        this.firstContextColumn = firstContextColumn;
    }

    public int getContextPoints() {
        return contextPoints;
    }

    public void setContextPoints(int contextPoints) {
        this.contextPoints = contextPoints;
    }

    /** Sets the four layout fields and nIn (the layout's width) from {@code layout}. */
    public void setInputLayout(InputLayout layout) {
        nIn = layout.width();
        taskColumn = layout.taskColumn();
        anchorColumn = layout.anchorColumn();
        firstContextColumn = layout.firstContextColumn();
        contextPoints = layout.contextPoints();
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
                && smoothnessEvery == other.smoothnessEvery && taskColumn == other.taskColumn
                && anchorColumn == other.anchorColumn && firstContextColumn == other.firstContextColumn
                && contextPoints == other.contextPoints;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), tasks, courtGrid, defenderGrid, courtSmoothness, defenderSmoothness,
                smoothnessSigma, smoothnessEvery, taskColumn, anchorColumn, firstContextColumn, contextPoints);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(tasks=" + tasks + (rank() == null ? "" : ", rank=" + rank())
                + ", court=" + courtGrid.toSpec().label() + ", defender=" + defenderGrid.toSpec().label()
                + ", smoothness court=" + courtSmoothness + " defender=" + defenderSmoothness + " sigma="
                + smoothnessSigma + " every=" + smoothnessEvery + ", input " + inputLayout().describe() + ")";
    }
}
