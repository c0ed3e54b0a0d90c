package io.github.finegrain.model;

import static io.github.finegrain.model.FullRankSpatialLayerTest.randomLabels;
import static io.github.finegrain.model.FullRankSpatialLayerTest.randomRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.factor.CpAlsOptions;
import io.github.finegrain.grid.GridLaplacian;
import io.github.finegrain.grid.GridSpec;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

class SpatialSmoothnessTest {

    static final SpatialLayerSpec SPEC = FullRankSpatialLayerTest.SPEC; // 3 tasks, court 4x5, defender 3x3
    static final CpLayerSpec CP_SPEC = CpSpatialLayerTest.SPEC; // the same, rank 2
    static final SpatialSmoothness ON = new SpatialSmoothness(0.002, 0.003, 0.05, 1);

    static MultiLayerNetwork fullRank(SpatialSmoothness s, IUpdater updater, double l2, long seed) {
        MultiLayerNetwork n = SpatialNetworks.network(new FullRankSpatialLayer(SPEC, s),
                new SpatialNetworks.Options(updater, l2, 1, 42, DataType.DOUBLE));
        Nd4j.getRandom().setSeed(seed);
        INDArray f = n.getLayer(0).getParam("F");
        f.assign(Nd4j.rand(DataType.DOUBLE, f.shape()).subi(0.5));
        n.getLayer(0).getParam("b").assign(Nd4j.rand(DataType.DOUBLE, 1, SPEC.tasks()).subi(0.5));
        return n;
    }

    static MultiLayerNetwork cp(SpatialSmoothness s, IUpdater updater, double l2, long seed) {
        MultiLayerNetwork n = SpatialNetworks.network(new CpSpatialLayer(CP_SPEC, s),
                new SpatialNetworks.Options(updater, l2, 1, 42, DataType.DOUBLE));
        CpSpatialLayerTest.randomize(n.getLayer(0), seed);
        return n;
    }

    /**
     * Σ_ij K_ij ‖w_i − w_j‖² along one mode of {@code p [d0, d1, d2]} (or {@code [d1, d2]} read as {@code [1, d1, d2]}),
     * by the pairs: w_i = p[:, i, :] (axis 1) or p[:, :, i] (axis 2), i over the grid's cells.
     */
    static double bruteForce(INDArray p, int axis, GridSpec grid, double sigma) {
        GridLaplacian l = GridLaplacian.of(grid, sigma);
        long[] shape = p.rank() == 2 ? new long[] {1, p.size(0), p.size(1)} : p.shape();
        int d0 = (int) shape[0];
        int d1 = (int) shape[1];
        int d2 = (int) shape[2];
        double[] v = p.dup('c').reshape(-1).toDoubleVector();
        int cells = grid.cellCount();
        double s = 0;
        for (int i = 0; i < cells; i++) {
            for (int j = 0; j < cells; j++) {
                double d = 0;
                for (int a = 0; a < d0; a++) {
                    int others = axis == 1 ? d2 : d1;
                    for (int t = 0; t < others; t++) {
                        int ei = axis == 1 ? (a * d1 + i) * d2 + t : (a * d1 + t) * d2 + i;
                        int ej = axis == 1 ? (a * d1 + j) * d2 + t : (a * d1 + t) * d2 + j;
                        d += (v[ei] - v[ej]) * (v[ei] - v[ej]);
                    }
                }
                s += l.kernel(i, j) * d;
            }
        }
        return s;
    }

    static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }

    static org.nd4j.linalg.indexing.INDArrayIndex point(int i) {
        return org.nd4j.linalg.indexing.NDArrayIndex.point(i);
    }

    static List<SpatialSmoothnessRegularization> smoothnessOf(MultiLayerNetwork n, String param) {
        List<SpatialSmoothnessRegularization> out = new ArrayList<>();
        List<Regularization> all = ((BaseLayer) n.getLayerWiseConfigurations().getConf(0).getLayer())
                .getRegularizationByParam(param);
        if (all != null) {
            for (Regularization r : all) {
                if (r instanceof SpatialSmoothnessRegularization s) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    @Test
    void settingsValidate() {
        assertThat(SpatialSmoothness.NONE.isOff()).isTrue();
        assertThat(SpatialSmoothness.of(0.1, 0)).isEqualTo(new SpatialSmoothness(0.1, 0, 0.05, 1));
        assertThat(SpatialSmoothness.of(0.1, 0).withEvery(5).every()).isEqualTo(5);
        assertThatThrownBy(() -> SpatialSmoothness.of(-1, 0)).hasMessageContaining("court -1.0");
        assertThatThrownBy(() -> SpatialSmoothness.of(0, Double.NaN)).hasMessageContaining("defender NaN");
        assertThatThrownBy(() -> new SpatialSmoothness(0, 0, 0, 1)).hasMessageContaining("sigma");
        assertThatThrownBy(() -> new SpatialSmoothness(0, 0, 0.05, 0)).hasMessageContaining("found 0");
        assertThatThrownBy(() -> new FullRankSpatialLayer(SPEC, null)).hasMessageContaining("NONE");
    }

    /**
     * One task, court 1x2, defender 1x2, σ = 1: each grid's two centres are D apart, so K_01 = 1/e.
     * F[0] = [[1, 2, 3], [4, 6, 9]] (rows: court cells; columns: defender cells 0, 1 and the constant entry).
     * Court: 2 (ordered pairs) · (1/e) · ((1−4)² + (2−6)² + (3−9)²) = 122/e, the constant entry included.
     * Defender: 2 · (1/e) · ((1−2)² + (4−6)²) = 10/e, the constant entry excluded.
     */
    @Test
    void handComputedPenaltyOfATinyFullRankLayerIsInTheScore() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        GridSpec court = new GridSpec(0, 0, 1, 2, 1, 2);
        GridSpec box = new GridSpec(-6, -2, 12, 12, 1, 2);
        SpatialLayerSpec tiny = new SpatialLayerSpec(1, court, box);
        SpatialSmoothness weights = new SpatialSmoothness(0.5, 2, 1.0, 1);
        MultiLayerNetwork on = SpatialNetworks.network(new FullRankSpatialLayer(tiny, weights),
                new SpatialNetworks.Options(new Sgd(0.1), 0, 1, 1, DataType.DOUBLE));
        MultiLayerNetwork off = SpatialNetworks.network(new FullRankSpatialLayer(tiny),
                new SpatialNetworks.Options(new Sgd(0.1), 0, 1, 1, DataType.DOUBLE));
        INDArray f = Nd4j.createFromArray(new double[][][] {{{1, 2, 3}, {4, 6, 9}}});
        on.getLayer(0).getParam("F").assign(f);
        off.getLayer(0).getParam("F").assign(f);

        List<SpatialSmoothnessRegularization> terms = smoothnessOf(on, "F");
        assertThat(terms).hasSize(2);
        assertThat(terms.get(0).penalty(f)).isCloseTo(122 / Math.E, within(1e-12));
        assertThat(terms.get(1).penalty(f)).isCloseTo(10 / Math.E, within(1e-12));
        assertThat(terms.get(0).score(f, 0, 0)).isCloseTo(0.5 * 122 / Math.E, within(1e-12));

        DataSet ds = new DataSet(randomRows(20, 1, 3, DataType.DOUBLE), randomLabels(20, 4, DataType.DOUBLE));
        assertThat(on.score(ds) - off.score(ds)).isCloseTo((0.5 * 122 + 2 * 10) / Math.E, within(1e-12));
        on.setInput(ds.getFeatures());
        on.setLabels(ds.getLabels());
        on.computeGradientAndScore();
        off.setInput(ds.getFeatures());
        off.setLabels(ds.getLabels());
        off.computeGradientAndScore();
        assertThat(on.score() - off.score()).isCloseTo((0.5 * 122 + 2 * 10) / Math.E, within(1e-12));
    }

    @Test
    void penaltyMatchesThePairSumsOnBothLayers() {
        MultiLayerNetwork full = fullRank(ON, new Sgd(0.1), 0, 1);
        INDArray f = full.getLayer(0).getParam("F");
        List<SpatialSmoothnessRegularization> terms = smoothnessOf(full, "F");
        double court = bruteForce(f, 1, SPEC.court(), 0.05);
        double def = bruteForce(f, 2, SPEC.defenderBox(), 0.05); // cells 0..8: the constant entry 9 is not visited
        assertThat(court).isGreaterThan(1);
        assertThat(terms.get(0).penalty(f)).isCloseTo(court, within(1e-10 * court));
        assertThat(terms.get(1).penalty(f)).isCloseTo(def, within(1e-10 * def));

        MultiLayerNetwork factors = cp(ON, new Sgd(0.1), 0, 2);
        INDArray b = factors.getLayer(0).getParam("B");
        INDArray c = factors.getLayer(0).getParam("C");
        double bb = bruteForce(b, 1, CP_SPEC.court(), 0.05);
        double cc = bruteForce(c, 1, CP_SPEC.defenderBox(), 0.05); // rows 0..8: the constant row 9 is not visited
        assertThat(smoothnessOf(factors, "B").get(0).penalty(b)).isCloseTo(bb, within(1e-10 * bb));
        assertThat(smoothnessOf(factors, "C").get(0).penalty(c)).isCloseTo(cc, within(1e-10 * cc));
        assertThat(smoothnessOf(factors, "A")).isEmpty();
        assertThat(smoothnessOf(factors, "b")).isEmpty();
    }

    @Test
    void constantMapsHaveNoPenaltyAndTheConstantDefenderEntryIsExcluded() {
        MultiLayerNetwork full = fullRank(ON, new Sgd(0.1), 0, 3);
        INDArray f = full.getLayer(0).getParam("F");
        List<SpatialSmoothnessRegularization> terms = smoothnessOf(full, "F");
        // a map constant over the court cells (varying over tasks and defender entries)
        INDArray constantCourt = Nd4j.rand(DataType.DOUBLE, 3, 1, 10).broadcast(3, 20, 10).dup();
        assertThat(terms.get(0).penalty(constantCourt)).isCloseTo(0, within(1e-12));
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, 3 * 20 * 10);
        terms.get(0).apply(constantCourt.reshape(-1), grad, 0.1, 0, 0);
        assertThat(grad.amaxNumber().doubleValue()).isLessThan(1e-12);
        // a map constant over the defender cells, whatever its constant entry
        INDArray constantDef = Nd4j.rand(DataType.DOUBLE, 3, 20, 1).broadcast(3, 20, 10).dup();
        constantDef.get(all(), all(), point(9)).assign(Nd4j.rand(DataType.DOUBLE, 3, 20));
        assertThat(terms.get(1).penalty(constantDef)).isCloseTo(0, within(1e-12));
        // changing only the constant entry moves the court penalty, not the defender penalty
        double court = terms.get(0).penalty(f);
        double def = terms.get(1).penalty(f);
        f.get(all(), all(), point(9)).addi(Nd4j.rand(DataType.DOUBLE, 3, 20));
        assertThat(terms.get(1).penalty(f)).isCloseTo(def, within(1e-12));
        assertThat(terms.get(0).penalty(f)).isNotCloseTo(court, within(1e-3));
        // CP: the constant row of C is not smoothed
        MultiLayerNetwork factors = cp(ON, new Sgd(0.1), 0, 4);
        INDArray c = factors.getLayer(0).getParam("C");
        SpatialSmoothnessRegularization onC = smoothnessOf(factors, "C").get(0);
        double before = onC.penalty(c);
        c.getRow(9).addi(5);
        assertThat(onC.penalty(c)).isCloseTo(before, within(1e-12));
    }

    /** The gradient {@link SpatialSmoothnessRegularization#apply} adds is that of its score, by central differences. */
    @Test
    void appliedGradientIsTheScoreGradient() {
        MultiLayerNetwork full = fullRank(ON, new Sgd(0.1), 0, 5);
        INDArray f = full.getLayer(0).getParam("F").dup();
        for (SpatialSmoothnessRegularization r : smoothnessOf(full, "F")) {
            INDArray grad = Nd4j.zeros(DataType.DOUBLE, f.length());
            r.apply(f.reshape(-1), grad, 123, 0, 0);
            INDArray flat = f.reshape(-1);
            for (int i = 0; i < flat.length(); i += 7) {
                double v = flat.getDouble(i);
                flat.putScalar(i, v + 1e-5);
                double up = r.score(f, 0, 0);
                flat.putScalar(i, v - 1e-5);
                double down = r.score(f, 0, 0);
                flat.putScalar(i, v);
                assertThat(grad.getDouble(i)).as(r.getMode() + " entry " + i).isCloseTo((up - down) / 2e-5, within(1e-7));
            }
            assertThat(grad.norm2Number().doubleValue()).isGreaterThan(0.01);
        }
    }

    @Test
    void gradientCheckWithSmoothnessOnBothLayers() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        INDArray x = randomRows(30, 3, 7, DataType.DOUBLE);
        INDArray y = randomLabels(30, 8, DataType.DOUBLE);
        for (MultiLayerNetwork n : new MultiLayerNetwork[] {fullRank(ON, new NoOp(), 0.01, 9), cp(ON, new NoOp(), 0.01, 10)}) {
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(n).input(x).labels(y)
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
            assertThat(ok).as(n.getLayerWiseConfigurations().getConf(0).getLayer().toString()).isTrue();
        }
        ComputationGraph g = SpatialNetworks.graph(new CpSpatialLayer(CP_SPEC, ON),
                new SpatialNetworks.Options(new NoOp(), 0, 1, 42, DataType.DOUBLE));
        CpSpatialLayerTest.randomize(g.getLayer(SpatialNetworks.GRAPH_SPATIAL), 11);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {y})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertThat(ok).isTrue();
    }

    @Test
    void smoothnessFollowsDl4jL2InTheWeightsRegularization() {
        MultiLayerNetwork n = fullRank(ON, new Sgd(0.1), 0.01, 1);
        BaseLayer conf = (BaseLayer) n.getLayerWiseConfigurations().getConf(0).getLayer();
        List<Regularization> f = conf.getRegularizationByParam("F");
        assertThat(f).hasSize(3);
        assertThat(f.get(0)).isInstanceOf(L2Regularization.class);
        assertThat(((SpatialSmoothnessRegularization) f.get(1)).getMode()).isEqualTo("court");
        assertThat(((SpatialSmoothnessRegularization) f.get(2)).getMode()).isEqualTo("defender");
        assertThat(conf.getRegularizationByParam("b")).isEmpty();
        assertThat(conf.getRegularization()).hasSize(1); // the saved list holds DL4J's L2 only
        MultiLayerNetwork courtOnly = fullRank(SpatialSmoothness.of(0.1, 0), new Sgd(0.1), 0, 1);
        assertThat(smoothnessOf(courtOnly, "F")).extracting(SpatialSmoothnessRegularization::getMode)
                .containsExactly("court");
        MultiLayerNetwork none = fullRank(SpatialSmoothness.NONE, new Sgd(0.1), 0.01, 1);
        assertThat(((BaseLayer) none.getLayerWiseConfigurations().getConf(0).getLayer()).getRegularizationByParam("F"))
                .containsExactly(new L2Regularization(0.01));
    }

    /** A listener that copies the raw gradient DL4J shows listeners. */
    static final class GradientCopy extends BaseTrainingListener {
        final List<INDArray> seen = new ArrayList<>();
        final String key;

        GradientCopy(String key) {
            this.key = key;
        }

        @Override
        public void onGradientCalculation(Model model) {
            seen.add(model.gradient().getGradientFor(key).dup());
        }
    }

    /**
     * Listeners see the data-loss gradient only (the same with the penalty on or off), while the update includes the
     * penalty: with SGD, params_off − params_on = lr · ∂penalty/∂params at the starting point.
     */
    @Test
    void listenersSeeTheDataGradientOnlyAndTheUpdaterAddsThePenalty() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        DataSet ds = new DataSet(randomRows(64, 3, 12, DataType.DOUBLE), randomLabels(64, 13, DataType.DOUBLE));
        double lr = 0.5;
        for (String kind : new String[] {"full", "cp"}) {
            MultiLayerNetwork on = kind.equals("full") ? fullRank(ON, new Sgd(lr), 0, 14) : cp(ON, new Sgd(lr), 0, 14);
            MultiLayerNetwork off = kind.equals("full") ? fullRank(SpatialSmoothness.NONE, new Sgd(lr), 0, 14)
                    : cp(SpatialSmoothness.NONE, new Sgd(lr), 0, 14);
            assertThat(on.params()).isEqualTo(off.params());
            INDArray start = on.params().dup();
            String key = kind.equals("full") ? "0_F" : "0_B";
            GradientCopy seenOn = new GradientCopy(key);
            GradientCopy seenOff = new GradientCopy(key);
            on.setListeners(seenOn);
            off.setListeners(seenOff);
            on.fit(ds);
            off.fit(ds);
            assertThat(seenOn.seen).hasSize(1);
            assertThat(seenOn.seen.get(0)).isEqualTo(seenOff.seen.get(0));
            assertThat(seenOn.seen.get(0).amaxNumber().doubleValue()).isGreaterThan(0);

            // the penalty's gradient at the starting point, from the layer's own regularization objects
            INDArray expected = Nd4j.zeros(DataType.DOUBLE, start.length());
            MultiLayerNetwork probe = kind.equals("full") ? fullRank(ON, new Sgd(lr), 0, 14) : cp(ON, new Sgd(lr), 0, 14);
            for (String p : kind.equals("full") ? new String[] {"F"} : new String[] {"B", "C"}) {
                INDArray param = probe.getLayer(0).getParam(p);
                INDArray g = Nd4j.zeros(DataType.DOUBLE, param.length());
                for (SpatialSmoothnessRegularization r : smoothnessOf(probe, p)) {
                    r.apply(param.reshape(-1), g, lr, 0, 0);
                }
                long offset = offsetOf(probe, p);
                expected.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + param.length())).assign(g);
            }
            INDArray diff = off.params().reshape(-1).sub(on.params().reshape(-1));
            assertThat(expected.amaxNumber().doubleValue()).isGreaterThan(1e-3);
            assertThat(diff.sub(expected.mul(lr)).amaxNumber().doubleValue()).as(kind).isLessThan(1e-12);
        }
    }

    /** Offset of parameter {@code key} of layer 0 in the network's flat vector. */
    static long offsetOf(MultiLayerNetwork n, String key) {
        long offset = 0;
        for (String k : n.getLayer(0).paramTable().keySet()) {
            if (k.equals(key)) {
                return offset;
            }
            offset += n.getLayer(0).getParam(k).length();
        }
        throw new IllegalArgumentException(key);
    }

    /**
     * With every = 3 the gradient is added (×3) on iterations 0, 3, 6, … only, and the score's penalty is the one
     * computed on the last such iteration.
     */
    @Test
    void everyKIterationsAppliesKTimesTheGradientAndReusesTheScoreInBetween() {
        MultiLayerNetwork n = fullRank(ON, new Sgd(0.1), 0, 15);
        INDArray f = n.getLayer(0).getParam("F").dup();
        SpatialSmoothnessRegularization exact = smoothnessOf(n, "F").get(0);
        SpatialSmoothnessRegularization lazy = new SpatialSmoothnessRegularization(exact.getMode(), exact.getWeight(),
                exact.getSigma(), 3, exact.getGrid(), exact.getOuter(), exact.getModeSize(), exact.getInner());
        INDArray g1 = Nd4j.zeros(DataType.DOUBLE, f.length());
        exact.apply(f.reshape(-1), g1, 0.1, 0, 0);
        for (int it : new int[] {0, 3, 6}) {
            INDArray g3 = Nd4j.zeros(DataType.DOUBLE, f.length());
            lazy.apply(f.reshape(-1), g3, 0.1, it, 0);
            assertThat(g3.sub(g1.mul(3)).amaxNumber().doubleValue()).isLessThan(1e-12);
        }
        for (int it : new int[] {1, 2, 4}) {
            INDArray g3 = Nd4j.zeros(DataType.DOUBLE, f.length());
            lazy.apply(f.reshape(-1), g3, 0.1, it, 0);
            assertThat(g3.amaxNumber().doubleValue()).isEqualTo(0.0);
        }
        double atZero = lazy.score(f, 0, 0);
        assertThat(atZero).isCloseTo(exact.score(f, 0, 0), within(1e-12));
        INDArray moved = f.mul(2);
        assertThat(lazy.score(moved, 1, 0)).isEqualTo(atZero);
        assertThat(lazy.score(moved, 3, 0)).isCloseTo(4 * atZero, within(1e-9));
    }

    @Test
    void configurationsRoundTripThroughJsonAndYamlWithTheirSmoothness() {
        MultiLayerConfiguration full = fullRank(ON.withEvery(4), new Sgd(0.1), 0.01, 1).getLayerWiseConfigurations();
        MultiLayerConfiguration cp = cp(SpatialSmoothness.of(0.5, 0), new Sgd(0.1), 0.01, 1).getLayerWiseConfigurations();
        for (MultiLayerConfiguration conf : new MultiLayerConfiguration[] {full, cp}) {
            MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(conf.toJson());
            MultiLayerConfiguration fromYaml = MultiLayerConfiguration.fromYaml(conf.toYaml());
            assertThat(fromJson).isEqualTo(conf);
            assertThat(fromYaml).isEqualTo(conf);
            SpatialLayerConf layer = (SpatialLayerConf) fromJson.getConf(0).getLayer();
            assertThat(layer.smoothness()).isEqualTo(((SpatialLayerConf) conf.getConf(0).getLayer()).smoothness());
        }
        assertThat(((SpatialLayerConf) MultiLayerConfiguration.fromJson(full.toJson()).getConf(0).getLayer())
                .smoothness()).isEqualTo(ON.withEvery(4));
        ComputationGraphConfiguration gc = SpatialNetworks.graphConfiguration(new CpSpatialLayer(CP_SPEC, ON),
                new SpatialNetworks.Options(new Sgd(0.1), 0.01, 1, 1, DataType.FLOAT));
        assertThat(ComputationGraphConfiguration.fromJson(gc.toJson())).isEqualTo(gc);
        assertThat(ComputationGraphConfiguration.fromYaml(gc.toYaml())).isEqualTo(gc);
        // a configuration saved before smoothness existed reads as off
        String old = cp.toJson().replaceAll("\"(courtSmoothness|defenderSmoothness|smoothnessSigma|smoothnessEvery)\""
                + "\\s*:\\s*[-0-9.eE]+\\s*,?", "");
        assertThat(old).doesNotContain("Smoothness");
        assertThat(((SpatialLayerConf) MultiLayerConfiguration.fromJson(old).getConf(0).getLayer()).smoothness())
                .isEqualTo(SpatialSmoothness.NONE);
    }

    @Test
    void theRegularizationItselfRoundTripsThroughDl4jJackson() throws Exception {
        SpatialSmoothnessRegularization r = SpatialSmoothnessRegularization.cpDefender(CP_SPEC, ON);
        String json = NeuralNetConfiguration.mapper().writeValueAsString(r);
        Regularization back = NeuralNetConfiguration.mapper().readValue(json, Regularization.class);
        assertThat(back).isEqualTo(r).isNotSameAs(r);
        assertThat(r.clone()).isEqualTo(r);
    }

    @Test
    void saveAndLoadRestoreTheSmoothnessAndTheScore(@TempDir Path dir) throws Exception {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        DataSet ds = new DataSet(randomRows(40, 3, 16, DataType.DOUBLE), randomLabels(40, 17, DataType.DOUBLE));
        for (MultiLayerNetwork n : new MultiLayerNetwork[] {fullRank(ON, new Sgd(0.1), 0, 18), cp(ON, new Sgd(0.1), 0, 19)}) {
            n.fit(ds);
            File file = dir.resolve("m.zip").toFile();
            n.save(file, true);
            MultiLayerNetwork loaded = MultiLayerNetwork.load(file, true);
            assertThat(((SpatialLayerConf) loaded.getLayerWiseConfigurations().getConf(0).getLayer()).smoothness())
                    .isEqualTo(ON);
            assertThat(loaded.score(ds)).isEqualTo(n.score(ds));
        }
    }

    @Test
    void fineGrainAndFactorizeCarryTheSmoothnessWithKernelsForTheNewGrids() {
        SpatialSmoothness s = new SpatialSmoothness(0.01, 0.02, 0.1, 2);
        MultiLayerNetwork coarse = fullRank(s, new Sgd(0.1), 0.001, 20);
        GridSpec court = GridSpec.court(8, 10);
        GridSpec box = GridSpec.defenderBox(6, 6);
        MultiLayerNetwork fine = SpatialModels.fineGrain(coarse, court, box);
        FullRankSpatialLayer layer = (FullRankSpatialLayer) fine.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(layer.smoothness()).isEqualTo(s);
        List<SpatialSmoothnessRegularization> terms = smoothnessOf(fine, "F");
        assertThat(terms).extracting(SpatialSmoothnessRegularization::gridSpec).containsExactly(court, box);
        assertThat(terms.get(1).getOuter()).isEqualTo(3 * 80);
        assertThat(terms.get(1).getModeSize()).isEqualTo(37);
        // the old network keeps its own terms
        assertThat(smoothnessOf(coarse, "F")).extracting(SpatialSmoothnessRegularization::gridSpec)
                .containsExactly(SPEC.court(), SPEC.defenderBox());

        MultiLayerNetwork factored = SpatialModels.factorize(fine, CpAlsOptions.ofRank(2)).network();
        CpSpatialLayer cpLayer = (CpSpatialLayer) factored.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(cpLayer.smoothness()).isEqualTo(s);
        assertThat(smoothnessOf(factored, "B")).extracting(SpatialSmoothnessRegularization::gridSpec).containsExactly(court);
        assertThat(smoothnessOf(factored, "C")).extracting(SpatialSmoothnessRegularization::gridSpec).containsExactly(box);
        MultiLayerNetwork finer = SpatialModels.fineGrain(factored, GridSpec.court(20, 25), GridSpec.defenderBox(12, 12));
        assertThat(smoothnessOf(finer, "B").get(0).gridSpec()).isEqualTo(GridSpec.court(20, 25));
        assertThat(smoothnessOf(finer, "C").get(0).getModeSize()).isEqualTo(145);
        assertThat(((CpSpatialLayer) finer.getLayerWiseConfigurations().getConf(0).getLayer()).smoothness()).isEqualTo(s);
    }
}
