package io.github.finegrain.model;

import io.github.finegrain.factor.CpAls;
import io.github.finegrain.factor.CpAlsOptions;
import io.github.finegrain.factor.CpResult;
import io.github.finegrain.factor.Tensor3;
import io.github.finegrain.grid.FineGraining;
import io.github.finegrain.grid.GridSpec;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.ejml.data.DMatrixRMaj;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Stage transitions of the multi-resolution training (paper, Sec. 3, Algorithm 1) on networks that hold one spatial
 * layer ({@link FullRankSpatialLayer} or {@link CpSpatialLayer}), e.g. those of {@link SpatialNetworks}:
 * <ul>
 *   <li>{@link #fineGrain}: the same model on finer grids ({@code FINEGRAIN}), parameters carried over with
 *   {@link FineGraining} per spatial mode;</li>
 *   <li>{@link #factorize}: a CP network initialized from a trained full-rank one ({@code TENSOR-FACTORIZE}, by
 *   CP-ALS), and {@link #handOff}, the same with the trainer's settings (seed, λ spread, CP learning rate).</li>
 * </ul>
 * {@link #fineGrain} and {@link #handOff} are what a user's own training loop calls between stages (README,
 * "MMT-SE in your own loop").
 *
 * <p>Both build a <b>new</b> network from a copy of the old configuration with only the spatial layer replaced: the
 * network-wide settings (seed, data type, workspace modes) and the spatial layer's own settings (updater, bias
 * updater, L1/L2 regularization, the spatial smoothness penalty ({@link SpatialSmoothness}: weights, σ and interval
 * kept, its kernel rebuilt for the new grids), weight init, bias init, gradient normalization, weight noise, dropout,
 * constraints, name) are kept, and the other layers' parameters are copied. The new network's <b>updater state
 * starts from zero</b> (its shapes change with the parameters) and its <b>iteration and epoch counts restart at
 * 0</b>, consistently with that state (Adam's bias correction is indexed by the iteration count; learning-rate
 * schedules restart too). Listeners are not carried over: re-attach them. The input network is not modified.
 *
 * <p>Only {@link MultiLayerNetwork}s are supported; the layers themselves also work in a ComputationGraph.
 */
public final class SpatialModels {

    private SpatialModels() {
    }

    /**
     * A CP network made from a full-rank one, and the CP-ALS fit it came from.
     *
     * @param network the new network (CP layer in place of the full-rank layer)
     * @param fit     the CP-ALS result on F: unit-norm factor columns with weights λ, relative error, sweeps
     */
    public record Factorized(MultiLayerNetwork network, CpResult fit) {
    }

    /**
     * The same model on finer grids: a new network whose spatial layer has grids {@code newCourt} and
     * {@code newDefender} (either may equal the old one), with parameters fine-grained per mode by
     * {@link FineGraining} from the old grid to the new one:
     * <ul>
     *   <li>full rank: {@code F [tasks, courtCells, defenderCells + 1]} along axis 1 (court) and axis 2 (defender;
     *   the constant entry, the last one, maps to itself); bias copied;</li>
     *   <li>CP: {@code B [courtCells, K]} along axis 0 (court), {@code C [defenderCells + 1, K]} along axis 0
     *   (defender, the constant row kept); A and bias copied.</li>
     * </ul>
     * For nested grids (each new cell inside one old cell, same rectangles) every logit is unchanged (exactly, up to
     * points within rounding of a cell edge, see {@link FineGraining}); otherwise each new cell gets the area average
     * of the old map over it. Memory: the new network plus one task slice of F in double at a time.
     *
     * @param net         a network with exactly one spatial layer; not modified
     * @param newCourt    the new court grid (ψ), feet in the court frame
     * @param newDefender the new defender grid (φ, without the constant entry), feet in the box frame
     * @return a new, initialized network (see the class comment for what is kept and what restarts)
     * @throws IllegalArgumentException if the network does not hold exactly one spatial layer, a grid is null, or
     *                                  the new full-rank tensor is too large for one DL4J parameter array
     */
    public static MultiLayerNetwork fineGrain(MultiLayerNetwork net, GridSpec newCourt, GridSpec newDefender) {
        if (newCourt == null || newDefender == null) {
            throw new IllegalArgumentException("new court and defender grids are required");
        }
        int index = spatialLayerIndex(net);
        Layer old = net.getLayerWiseConfigurations().getConf(index).getLayer();
        org.deeplearning4j.nn.api.Layer oldLayer = net.getLayer(index);
        if (old instanceof FullRankSpatialLayer full) {
            SpatialLayerSpec from = full.spec();
            SpatialLayerSpec to = new SpatialLayerSpec(from.tasks(), newCourt, newDefender);
            FullRankSpatialLayer layer = (FullRankSpatialLayer) full.clone();
            layer.setCourtGrid(new GridFields(newCourt));
            layer.setDefenderGrid(new GridFields(newDefender));
            MultiLayerNetwork out = rebuild(net, index, layer);
            org.deeplearning4j.nn.api.Layer newLayer = out.getLayer(index);
            FineGraining court = FineGraining.between(from.court(), to.court());
            FineGraining def = FineGraining.between(from.defenderBox(), to.defenderBox());
            FlatBuffer src = FlatBuffer.of(oldLayer.getParam(FullRankSpatialParamInitializer.WEIGHT_KEY));
            FlatBuffer dst = FlatBuffer.of(newLayer.getParam(FullRankSpatialParamInitializer.WEIGHT_KEY));
            int[] oldDims = {from.court().cellCount(), from.defenderModeSize()};
            int oldSlice = oldDims[0] * oldDims[1];
            int newSlice = to.court().cellCount() * to.defenderModeSize();
            double[] slice = new double[oldSlice];
            for (int a = 0; a < from.tasks(); a++) {
                src.get(a * oldSlice, slice);
                double[] mid = court.applyAlongAxis(slice, oldDims, 0);
                double[] fine = def.applyAlongDefenderAxis(mid, new int[] {to.court().cellCount(), oldDims[1]}, 1);
                dst.set(a * newSlice, fine);
            }
            copyParam(oldLayer, newLayer, FullRankSpatialParamInitializer.BIAS_KEY);
            return out;
        }
        CpSpatialLayer cp = (CpSpatialLayer) old;
        CpLayerSpec from = cp.spec();
        CpLayerSpec to = new CpLayerSpec(new SpatialLayerSpec(from.tasks(), newCourt, newDefender), from.rank());
        CpSpatialLayer layer = (CpSpatialLayer) cp.clone();
        layer.setCourtGrid(new GridFields(newCourt));
        layer.setDefenderGrid(new GridFields(newDefender));
        MultiLayerNetwork out = rebuild(net, index, layer);
        org.deeplearning4j.nn.api.Layer newLayer = out.getLayer(index);
        int k = from.rank();
        double[] b = read(oldLayer.getParam(CpSpatialParamInitializer.COURT_KEY));
        double[] c = read(oldLayer.getParam(CpSpatialParamInitializer.DEFENDER_KEY));
        write(newLayer.getParam(CpSpatialParamInitializer.COURT_KEY), FineGraining.between(from.court(), to.court())
                .applyAlongAxis(b, new int[] {from.court().cellCount(), k}, 0));
        write(newLayer.getParam(CpSpatialParamInitializer.DEFENDER_KEY),
                FineGraining.between(from.defenderBox(), to.defenderBox())
                        .applyAlongDefenderAxis(c, new int[] {from.spatial().defenderModeSize(), k}, 0));
        copyParam(oldLayer, newLayer, CpSpatialParamInitializer.TASK_KEY);
        copyParam(oldLayer, newLayer, CpSpatialParamInitializer.BIAS_KEY);
        return out;
    }

    /**
     * The full-rank → CP hand-off (paper, Sec. 3, Algorithm 1, {@code TENSOR-FACTORIZE}): F
     * {@code [tasks, courtCells, defenderCells + 1]} of the network's full-rank layer is factorized by CP-ALS
     * ({@link CpAls}, at {@code options.rank()} with {@code options}' start, sweeps and tolerance; TensorLy's SVD start
     * by default) into {@code F ≈ Σ_k λ_k Â[:, k] ∘ B̂[:, k] ∘ Ĉ[:, k]} with unit-norm columns, and the new CP layer
     * (same grids, rank K) holds the balanced factors
     * <pre>
     *   A[:, k] = sign(λ_k) |λ_k|^(1/3) Â[:, k],   B[:, k] = |λ_k|^(1/3) B̂[:, k],   C[:, k] = |λ_k|^(1/3) Ĉ[:, k]
     * </pre>
     * (λ_k ≥ 0 from CP-ALS, in the canonical form of {@link CpResult#canonical()}: components by weight, court and
     * defender columns with their largest-|value| entry positive; a two-factor degeneracy is logged as a warning;
     * equal column norms keep L2 regularization and gradient scales balanced across the three
     * factors). The last row of C is the constant defender entry's. The bias is copied. When F has rank ≤ K and
     * CP-ALS converges, the new network's logits equal the old ones up to the fit's error.
     *
     * <p>Memory: F is read into a double array and copied into a {@link Tensor3} (2 × 8 bytes per entry, about
     * 1.4 GB for 300 × 2000 × 145), plus CP-ALS work arrays of 2 × 8 × tasks × courtCells × K bytes.
     *
     * @param fullRank a network with exactly one spatial layer, a {@link FullRankSpatialLayer}; not modified
     * @param options  CP-ALS settings; the rank is the new layer's K
     * @return the CP network (see the class comment for what is kept and what restarts) and the CP-ALS result
     * @throws IllegalArgumentException if the network does not hold exactly one full-rank spatial layer, F is all
     *                                  zero (e.g. an untrained layer), or the rank is too large for F's shape
     */
    public static Factorized factorize(MultiLayerNetwork fullRank, CpAlsOptions options) {
        int index = spatialLayerIndex(fullRank);
        Layer old = fullRank.getLayerWiseConfigurations().getConf(index).getLayer();
        if (!(old instanceof FullRankSpatialLayer full)) {
            throw new IllegalArgumentException("factorize needs a full-rank spatial layer, found " + old);
        }
        SpatialLayerSpec s = full.spec();
        org.deeplearning4j.nn.api.Layer oldLayer = fullRank.getLayer(index);
        double[] f = read(oldLayer.getParam(FullRankSpatialParamInitializer.WEIGHT_KEY));
        Tensor3 tensor = new Tensor3(s.tasks(), s.court().cellCount(), s.defenderModeSize(), f);
        f = null; // let the copy go before CP-ALS allocates its work arrays
        CpResult fit = CpAls.fit(tensor, options).canonical(); // one canonical form (issue 14 item 14)
        for (String w : CpAls.degeneracy(fit, Double.NaN)) {
            org.slf4j.LoggerFactory.getLogger(SpatialModels.class).warn("hand-off CP-ALS (rank {}) is degenerate: {}",
                    options.rank(), w);
        }

        CpSpatialLayer layer = new CpSpatialLayer(new CpLayerSpec(s, options.rank()), full.smoothness());
        layer.setInputLayout(full.inputLayout());
        copySettings(full, layer);
        MultiLayerNetwork out = rebuild(fullRank, index, layer);
        org.deeplearning4j.nn.api.Layer newLayer = out.getLayer(index);
        double[] lambda = fit.weights();
        double[] signed = new double[lambda.length];
        double[] scale = new double[lambda.length];
        for (int k = 0; k < lambda.length; k++) {
            scale[k] = Math.cbrt(Math.abs(lambda[k]));
            signed[k] = Math.signum(lambda[k]) * scale[k];
        }
        write(newLayer.getParam(CpSpatialParamInitializer.TASK_KEY), scaledColumns(fit.a(), signed));
        write(newLayer.getParam(CpSpatialParamInitializer.COURT_KEY), scaledColumns(fit.b(), scale));
        write(newLayer.getParam(CpSpatialParamInitializer.DEFENDER_KEY), scaledColumns(fit.c(), scale));
        copyParam(oldLayer, newLayer, CpSpatialParamInitializer.BIAS_KEY);
        return new Factorized(out, fit);
    }

    /**
     * The hand-off of MMT-SE as the trainer does it, for a user's own training loop: {@link #factorize} at rank
     * {@code rank} with CP-ALS from the SVD start seeded by {@code seed} (100 sweeps, tolerance 1e-8: CpAlsOptions'
     * defaults), λ spread as λ^(1/3) over A, B and C, and the new network's learning rate set to
     * {@code learningRate} (the trainer's {@code cpLearningRate}: after the hand-off training is fine-tuning). The
     * result is ready to {@code fit}; its updater state starts from zero (see the class comment). Re-attach the
     * listeners.
     *
     * @param fullRank     a network with exactly one full-rank spatial layer; not modified
     * @param rank         CP rank K, &ge; 1
     * @param seed         seed of CP-ALS
     * @param learningRate learning rate of the new network's updaters, &gt; 0
     * @return the CP network and the CP-ALS result
     * @throws IllegalArgumentException as {@link #factorize}, or if {@code learningRate} is not &gt; 0
     */
    public static Factorized handOff(MultiLayerNetwork fullRank, int rank, long seed, double learningRate) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, found " + learningRate);
        }
        Factorized f = factorize(fullRank, CpAlsOptions.ofRank(rank).withSeed(seed));
        f.network().setLearningRate(learningRate);
        return f;
    }

    /**
     * Index of the network's one spatial layer.
     *
     * @throws IllegalArgumentException if there is none or more than one
     */
    static int spatialLayerIndex(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        int found = -1;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer l = conf.getConf(i).getLayer();
            if (l instanceof FullRankSpatialLayer || l instanceof CpSpatialLayer) {
                if (found >= 0) {
                    throw new IllegalArgumentException("expected one spatial layer, found layers " + found + " and " + i);
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new IllegalArgumentException("expected a FullRankSpatialLayer or CpSpatialLayer, found none in "
                    + conf.getConfs().size() + " layers");
        }
        return found;
    }

    /** A new initialized network: a copy of {@code net}'s configuration with layer {@code index} replaced. */
    private static MultiLayerNetwork rebuild(MultiLayerNetwork net, int index, Layer layer) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        conf.setIterationCount(0);
        conf.setEpochCount(0);
        for (NeuralNetConfiguration c : conf.getConfs()) {
            c.setIterationCount(0);
            c.setEpochCount(0);
        }
        NeuralNetConfiguration target = conf.getConf(index);
        target.setLayer(layer);
        target.clearVariables();
        MultiLayerNetwork out = new MultiLayerNetwork(conf);
        out.init();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (i != index && net.getLayer(i).numParams() > 0) {
                out.getLayer(i).params().assign(net.getLayer(i).params());
            }
        }
        return out;
    }

    /** Copies the DL4J settings a spatial layer inherits or is given from {@code from} to {@code to}. */
    private static void copySettings(BaseLayer from, BaseLayer to) {
        to.setLayerName(from.getLayerName());
        to.setIUpdater(from.getIUpdater() == null ? null : from.getIUpdater().clone());
        to.setBiasUpdater(from.getBiasUpdater() == null ? null : from.getBiasUpdater().clone());
        to.setRegularization(cloneAll(from.getRegularization()));
        to.setRegularizationBias(cloneAll(from.getRegularizationBias()));
        IWeightInit init = from.getWeightInitFn();
        to.setWeightInitFn(init);
        to.setBiasInit(from.getBiasInit());
        to.setGainInit(from.getGainInit());
        to.setWeightNoise(from.getWeightNoise() == null ? null : from.getWeightNoise().clone());
        to.setGradientNormalization(from.getGradientNormalization());
        to.setGradientNormalizationThreshold(from.getGradientNormalizationThreshold());
        to.setIDropout(from.getIDropout() == null ? null : from.getIDropout().clone());
        if (from.getConstraints() != null) {
            List<LayerConstraint> cs = new ArrayList<>();
            for (LayerConstraint c : from.getConstraints()) {
                cs.add(c.clone());
            }
            to.setConstraints(cs);
        }
    }

    private static List<Regularization> cloneAll(List<Regularization> list) {
        if (list == null) {
            return null;
        }
        List<Regularization> out = new ArrayList<>(list.size());
        for (Regularization r : list) {
            out.add(r.clone());
        }
        return out;
    }

    private static void copyParam(org.deeplearning4j.nn.api.Layer from, org.deeplearning4j.nn.api.Layer to,
            String key) {
        to.getParam(key).assign(from.getParam(key));
    }

    /** The array's values in C order, as doubles. */
    private static double[] read(INDArray array) {
        double[] out = new double[(int) array.length()];
        FlatBuffer.of(array).get(0, out);
        return out;
    }

    /** Sets the array's values (C order) from doubles, rounding to the array's type. */
    private static void write(INDArray array, double[] values) {
        if (values.length != array.length()) {
            throw new IllegalStateException("writing " + values.length + " values into an array of "
                    + array.length());
        }
        FlatBuffer.of(array).set(0, values);
    }

    /** {@code m} (row-major [n, K]) with column k multiplied by {@code scale[k]}, as a flat row-major array. */
    private static double[] scaledColumns(DMatrixRMaj m, double[] scale) {
        double[] out = new double[m.numRows * m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            for (int k = 0; k < m.numCols; k++) {
                out[i * m.numCols + k] = m.unsafe_get(i, k) * scale[k];
            }
        }
        return out;
    }
}
