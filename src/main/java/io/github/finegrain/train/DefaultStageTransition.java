package io.github.finegrain.train;

import io.github.finegrain.model.ModelKind;
import io.github.finegrain.factor.CpAlsOptions;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.CpLayerSpec;
import io.github.finegrain.model.CpSpatialLayer;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialModels;
import io.github.finegrain.model.SpatialNetworks;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The standard transitions: fresh networks from {@link SpatialNetworks}, fine-graining by
 * {@link SpatialModels#fineGrain} (children inherit their parent's value; updater state restarts from zero), and the
 * hand-off by {@link SpatialModels#factorize} (CP-ALS from the SVD start, 100 sweeps, tol 1e-8; λ spread as λ^(1/3)
 * over A, B, C).
 */
public final class DefaultStageTransition implements StageTransition {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DefaultStageTransition.class);

    @Override
    public MultiLayerNetwork create(StageSpec stage, int tasks, double biasInit, int rank,
            SpatialNetworks.Options options) {
        SpatialLayerSpec spec = new SpatialLayerSpec(tasks, stage.court(), stage.defenderBox());
        FeedForwardLayer layer = stage.kind() == ModelKind.FULL_RANK ? new FullRankSpatialLayer(spec)
                : new CpSpatialLayer(new CpLayerSpec(spec, rank));
        layer.setBiasInit(biasInit);
        return SpatialNetworks.network(layer, options);
    }

    @Override
    public MultiLayerNetwork fineGrain(MultiLayerNetwork from, GridSpec court, GridSpec defenderBox) {
        return SpatialModels.fineGrain(from, court, defenderBox);
    }

    /**
     * {@inheritDoc}
     *
     * <p>An all-zero F (a full-rank stage that never improved on its start) has no factorization: the CP network
     * then starts from random factors with the bias copied, and the fit is reported as NaN.
     */
    @Override
    public HandOff handOff(MultiLayerNetwork fullRank, int rank, long seed) {
        if (fullRank.getLayer(0).getParam(io.github.finegrain.model.FullRankSpatialParamInitializer.WEIGHT_KEY)
                .amaxNumber().doubleValue() == 0) {
            FullRankSpatialLayer full = (FullRankSpatialLayer) fullRank.getLayerWiseConfigurations().getConf(0)
                    .getLayer();
            LOG.warn("hand-off from an all-zero F: the CP factors start at random");
            MultiLayerNetwork cp = create(new StageSpec(ModelKind.CP, full.court(), full.defenderBox()),
                    full.spec().tasks(), 0, rank, new SpatialNetworks.Options(full.getIUpdater(), 0, 1, seed,
                            fullRank.getLayerWiseConfigurations().getDataType()));
            cp.getLayer(0).getParam("b").assign(fullRank.getLayer(0).getParam("b"));
            return new HandOff(cp, Double.NaN, 0);
        }
        SpatialModels.Factorized f = SpatialModels.factorize(fullRank,
                CpAlsOptions.ofRank(rank).withSeed(seed));
        return new HandOff(f.network(), f.fit().fit(), f.fit().seconds());
    }
}
