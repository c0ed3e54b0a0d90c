package io.github.finegrain.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J configuration of the <b>full-rank</b> spatial layer (paper, Sec. 2, Eq. 1 with F unfactorized):
 *
 * <pre>
 *   logit(x) = Σ_b Σ_c ψ_b(x) φ_c(x) F[a, b, c] + bias[a]
 * </pre>
 * with φ extended by a constant entry (see {@link SpatialLayerSpec}).
 *
 * <p>Input: raw rows {@code [batch, width]} laid out as its {@link InputLayout} ({@link InputRow}'s basketball rows
 * {@code [batch, 13]}, coordinates in feet, by default); the layer discretizes them at its own grids
 * ({@link #spec()}), so it is the first layer of a network. Output: {@code [batch, 1]} logits (identity activation; put a sigmoid
 * {@code LossLayer} with binary cross-entropy on top). Parameters: {@code F [tasks, courtCells, defenderCells + 1]},
 * {@code b [1, tasks]} (see {@link FullRankSpatialParamInitializer}). L2 regularization, when configured, applies
 * to F only (bias excluded). The spatial smoothness penalty ({@link SpatialSmoothness}; off by default) applies to F
 * along the court mode ({@code F[:, i, :]}) and along the defender mode ({@code F[:, :, c]}, the constant entry
 * excluded); {@link #getRegularizationByParam} adds it to F's regularization after DL4J's L2.
 *
 * <p>A thin, Jackson-friendly adapter over the validated {@link SpatialLayerSpec}: build it the DL4J way,
 * <pre>{@code
 *   new FullRankSpatialLayer.Builder().tasks(440).court(GridSpec.court(8, 10)).defenderBox(GridSpec.defenderBox(6, 6))
 *           .biasInit(-1.2).build()
 * }</pre>
 * or with {@link #FullRankSpatialLayer(SpatialLayerSpec)}; the no-argument constructor and setters exist for DL4J's
 * JSON/YAML serialization only.
 */
public class FullRankSpatialLayer extends SpatialLayerBase {
    private static final long serialVersionUID = 1L;


    /** For Jackson only. */
    public FullRankSpatialLayer() {
    }

    /** A layer for {@code spec} without smoothness penalty; nIn = 13, nOut = 1. */
    public FullRankSpatialLayer(SpatialLayerSpec spec) {
        this(spec, SpatialSmoothness.NONE);
    }

    /** A layer for {@code spec} with the smoothness penalty {@code smoothness}; nIn = 13, nOut = 1. */
    public FullRankSpatialLayer(SpatialLayerSpec spec, SpatialSmoothness smoothness) {
        super(spec, smoothness);
        checkSize(spec);
    }

    /** @throws IllegalArgumentException if a full-rank layer of {@code spec} has more than {@link #MAX_PARAMETERS} */
    static void checkSize(SpatialLayerSpec spec) {
        if (spec != null && spec.fullRankSize() + spec.tasks() > MAX_PARAMETERS) {
            throw new IllegalArgumentException("a full-rank layer of " + spec.tasks() + " tasks x "
                    + spec.court().cellCount() + " court cells x " + spec.defenderModeSize() + " defender entries has "
                    + (spec.fullRankSize() + spec.tasks()) + " parameters; at most " + MAX_PARAMETERS
                    + " (2^28, what finegrain's model reader accepts): use coarser grids, or a CP layer");
        }
    }

    /**
     * Most parameters a full-rank layer may have: 2^28 (1 GiB of floats; the paper's finest full-rank model has 127 M),
     * the bound of finegrain's model reader ({@code bundle.NetworkZip.MAX_PARAMETERS}). A larger F would need several
     * GiB for the parameters, their gradient and the optimizer state before the first step.
     */
    public static final long MAX_PARAMETERS = 1L << 28;

    private FullRankSpatialLayer(Builder builder) {
        super(builder, builder.spatialSpec());
    }

    /** DL4J-style builder: tasks, court and defender grids (required), smoothness, input layout, DL4J's settings. */
    public static class Builder extends SpatialLayerBase.Builder<Builder> {
        /**
         * The layer.
         *
         * @throws IllegalArgumentException if tasks or a grid is missing or invalid (see {@link SpatialLayerSpec}), or
         *                                  nIn/nOut disagree with the layout
         */
        @Override
        @SuppressWarnings("unchecked")
        public FullRankSpatialLayer build() {
            FullRankSpatialLayer layer = new FullRankSpatialLayer(this);
            checkSize(layer.spec());
            return layer;
        }
    }

    @Override
    public ModelKind kind() {
        return ModelKind.FULL_RANK;
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
        return spatialSpec();
    }

    @Override
    public FullRankSpatialLayer clone() {
        return (FullRankSpatialLayer) super.clone();
    }

    @Override
    protected SmoothnessTerms buildSmoothnessTerms(SpatialLayerSpec s, SpatialSmoothness sm) {
        return SmoothnessTerms.fullRank(s, sm);
    }

    @Override
    protected BaseLayer<?> createImpl(NeuralNetConfiguration conf, DataType networkDataType) {
        return new FullRankSpatialLayerImpl(conf, networkDataType);
    }

    @Override
    public ParamInitializer initializer() {
        return FullRankSpatialParamInitializer.getInstance();
    }

}
