package io.github.finegrain.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;

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
 * <p>Input: raw rows laid out as its {@link InputLayout} (as the full-rank layer; basketball rows {@code [batch, 13]}
 * by default), so it is the first layer of a network. Output:
 * {@code [batch, 1]} logits (identity activation; put a sigmoid {@code LossLayer} with binary cross-entropy on top).
 * Parameters: {@code A [tasks, K]}, {@code B [courtCells, K]}, {@code C [defenderCells + 1, K]}, {@code b [1, tasks]}
 * (see {@link CpSpatialParamInitializer}). L2 regularization, when configured, applies to A, B and C (bias excluded),
 * as the paper's "L2 regularization on all factors" (Sec. 2). The spatial smoothness penalty
 * ({@link SpatialSmoothness}; off by default) applies to the rows of B (court) and to the rows of C of the defender
 * grid's cells (the constant row excluded); {@link #getRegularizationByParam} adds it to B's and C's regularization after DL4J's L2.
 *
 * <p>A thin, Jackson-friendly adapter over the validated {@link CpLayerSpec}: build it the DL4J way,
 * {@code new CpSpatialLayer.Builder().tasks(440).court(…).defenderBox(…).rank(20).build()}, or with
 * {@link #CpSpatialLayer(CpLayerSpec)}; the no-argument constructor and setters exist for DL4J's JSON/YAML
 * serialization only.
 */
public class CpSpatialLayer extends SpatialLayerBase {
    private static final long serialVersionUID = 1L;

    private int rank;

    /** For Jackson only. */
    public CpSpatialLayer() {
    }

    /** A layer for {@code spec} without smoothness penalty; nIn = 13, nOut = 1. */
    public CpSpatialLayer(CpLayerSpec spec) {
        this(spec, SpatialSmoothness.NONE);
    }

    /** A layer for {@code spec} with the smoothness penalty {@code smoothness}; nIn = 13, nOut = 1. */
    public CpSpatialLayer(CpLayerSpec spec, SpatialSmoothness smoothness) {
        super(spec.spatial(), smoothness);
        this.rank = spec.rank();
    }

    private CpSpatialLayer(Builder builder, CpLayerSpec spec) {
        super(builder, spec.spatial());
        this.rank = spec.rank();
    }

    /** DL4J-style builder: tasks, grids and rank (required), smoothness, input layout, DL4J's settings. */
    public static class Builder extends SpatialLayerBase.Builder<Builder> {
        protected int rank;

        /** CP rank K, &ge; 1. */
        public Builder rank(int rank) {
            this.rank = rank;
            return this;
        }

        /** Tasks, grids and rank from {@code spec}. */
        public Builder spec(CpLayerSpec spec) {
            return spec(spec.spatial()).rank(spec.rank());
        }

        /**
         * The layer.
         *
         * @throws IllegalArgumentException if tasks, a grid or the rank is missing or invalid (see
         *                                  {@link CpLayerSpec}), or nIn/nOut disagree with the layout
         */
        @Override
        @SuppressWarnings("unchecked")
        public CpSpatialLayer build() {
            return new CpSpatialLayer(this, new CpLayerSpec(spatialSpec(), rank));
        }
    }

    /** The validated spec of this layer. */
    public CpLayerSpec spec() {
        return new CpLayerSpec(spatialSpec(), rank);
    }

    @Override
    public CpSpatialLayer clone() {
        return (CpSpatialLayer) super.clone();
    }

    @Override
    protected SmoothnessTerms buildSmoothnessTerms(SpatialLayerSpec s, SpatialSmoothness sm) {
        return SmoothnessTerms.cp(spec(), sm);
    }

    @Override
    protected BaseLayer<?> createImpl(NeuralNetConfiguration conf, DataType networkDataType) {
        return new CpSpatialLayerImpl(conf, networkDataType);
    }

    @Override
    public ModelKind kind() {
        return ModelKind.CP;
    }

    public int getRank() {
        return rank;
    }

    public void setRank(int rank) {
        this.rank = rank;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && rank == ((CpSpatialLayer) o).rank;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + rank;
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

}
