package io.github.finegrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.finegrain.grid.FineGraining;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.CpLayerSpec;
import io.github.finegrain.model.CpSpatialLayer;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialModels;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.model.SpatialSmoothness;
import io.github.finegrain.optim.OptimizerState;
import io.github.finegrain.optim.SparseOptimizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The row-sparse step against DL4J's dense {@code net.fit} (issue 11, Tests), in double precision.
 */
class SparseTrainingStepTest {
    static final int TASKS = 3;
    static final GridSpec COURT = GridSpec.court(3, 4);
    static final GridSpec BOX = GridSpec.defenderBox(2, 3);
    static final double LR = 0.05;
    static final double TOL = 1e-9;

    // ---------------------------------------------------------------------------------------------------------------
    // fixtures

    static Layer fullRankLayer(GridSpec court, GridSpec box) {
        return new FullRankSpatialLayer(new SpatialLayerSpec(TASKS, court, box));
    }

    static Layer cpLayer(GridSpec court, GridSpec box) {
        return new CpSpatialLayer(new CpLayerSpec(TASKS, court, box, 2));
    }

    /** A network with random parameters (seeded), DL4J updater {@code u} and L2 {@code l2}. */
    static MultiLayerNetwork net(Layer layer, IUpdater u, double l2, long seed) {
        MultiLayerNetwork net = SpatialNetworks.network(layer, new SpatialNetworks.Options(u, l2, 1.0, 42,
                DataType.DOUBLE));
        Nd4j.getRandom().setSeed(seed);
        net.params().assign(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5));
        return net;
    }

    /** Random rows: tasks, ball handler anywhere on the court (some off it), defenders around, some absent. */
    static DataSet randomBatch(int n, long seed) {
        Random rnd = new Random(seed);
        double[][] x = new double[n][InputRow.WIDTH];
        double[][] y = new double[n][1];
        for (int r = 0; r < n; r++) {
            x[r][0] = rnd.nextInt(TASKS);
            x[r][1] = -2 + rnd.nextDouble() * 44;
            x[r][2] = rnd.nextDouble() * 50;
            for (int d = 0; d < InputRow.DEFENDERS; d++) {
                boolean absent = rnd.nextDouble() < 0.2;
                x[r][3 + 2 * d] = absent ? Double.NaN : -8 + rnd.nextDouble() * 16;
                x[r][4 + 2 * d] = absent ? Double.NaN : -4 + rnd.nextDouble() * 16;
            }
            y[r][0] = rnd.nextDouble() < 0.4 ? 1 : 0;
        }
        return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
    }

    /**
     * A batch touching every row of both layers: one example per (task, court cell) at the cell's center, defenders
     * cycling through every defender cell.
     */
    static DataSet coverBatch(GridSpec court, GridSpec box, long seed) {
        Random rnd = new Random(seed);
        int n = TASKS * court.cellCount();
        double[][] x = new double[n][InputRow.WIDTH];
        double[][] y = new double[n][1];
        int next = rnd.nextInt(box.cellCount());
        for (int a = 0; a < TASKS; a++) {
            for (int b = 0; b < court.cellCount(); b++) {
                int r = a * court.cellCount() + b;
                x[r][0] = a;
                x[r][1] = court.centerX(b);
                x[r][2] = court.centerY(b);
                for (int d = 0; d < InputRow.DEFENDERS; d++) {
                    int c = next++ % box.cellCount();
                    x[r][3 + 2 * d] = box.centerX(c);
                    x[r][4 + 2 * d] = box.centerY(c);
                }
                y[r][0] = rnd.nextDouble() < 0.4 ? 1 : 0;
            }
        }
        return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
    }

    static double[] params(MultiLayerNetwork net, String key) {
        return net.getLayer(0).getParam(key).dup('c').data().asDouble();
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " entry " + i);
        }
    }

    /** Keys of the spatial layer's parameters. */
    static List<String> keys(MultiLayerNetwork net) {
        return new ArrayList<>(net.getLayer(0).paramTable().keySet());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // equality with DL4J's dense training

    @Test
    void sgdWithoutL2EqualsDenseSgdOnRandomMinibatches() {
        for (boolean full : new boolean[] {true, false}) {
            Layer l1 = full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX);
            Layer l2 = full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX);
            MultiLayerNetwork dense = net(l1, new org.nd4j.linalg.learning.config.Sgd(LR), 0, 7);
            MultiLayerNetwork sparse = net(l2, new org.nd4j.linalg.learning.config.Sgd(LR), 0, 7);
            SparseTrainingStep step = SparseTrainingStep.of(sparse, SparseOptimizer.sgd(LR, 0));
            double[] before = sparse.params().dup().data().asDouble();
            for (int s = 0; s < 6; s++) {
                DataSet b = randomBatch(40, 100 + s);
                double expectedScore = dense.score(b, true); // loss at the parameters the step starts from
                dense.fit(b);
                step.fit(b);
                assertEquals(expectedScore, sparse.score(), 1e-9, "score of minibatch " + s);
            }
            assertClose(dense.params().data().asDouble(), sparse.params().data().asDouble(), TOL, full ? "full" : "cp");
            assertFalse(java.util.Arrays.equals(before, sparse.params().data().asDouble()), "the step trains");
            assertEquals(6, sparse.getIterationCount());
        }
    }

    /** Rows of each parameter a batch touches (independent of the layers' own bookkeeping). */
    static Set<String> touchedEntries(DataSet batch, boolean full, MultiLayerNetwork net) {
        Set<String> rows = new HashSet<>();
        INDArray x = batch.getFeatures();
        for (int r = 0; r < x.size(0); r++) {
            int a = (int) x.getDouble(r, 0);
            int b = COURT.cellOf(x.getDouble(r, 1), x.getDouble(r, 2));
            rows.add("b/" + a);
            if (b < 0) {
                continue;
            }
            if (full) {
                rows.add("F/" + (a * COURT.cellCount() + b));
            } else {
                rows.add("A/" + a);
                rows.add("B/" + b);
                rows.add("C/" + BOX.cellCount());
                for (int d = 0; d < InputRow.DEFENDERS; d++) {
                    int c = BOX.cellOf(x.getDouble(r, 3 + 2 * d), x.getDouble(r, 4 + 2 * d));
                    if (c >= 0) {
                        rows.add("C/" + c);
                    }
                }
            }
        }
        return rows;
    }

    static int rowLength(MultiLayerNetwork net, String key) {
        long[] shape = net.getLayer(0).getParam(key).shape();
        return key.equals("F") ? (int) shape[2] : key.equals("b") ? 1 : (int) shape[1];
    }

    @Test
    void sgdWithL2EqualsDenseOnTouchedRowsAndLeavesTheOthers() {
        double l2 = 0.3;
        for (boolean full : new boolean[] {true, false}) {
            MultiLayerNetwork dense = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                    new org.nd4j.linalg.learning.config.Sgd(LR), l2, 11);
            MultiLayerNetwork sparse = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                    new org.nd4j.linalg.learning.config.Sgd(LR), l2, 11);
            MultiLayerNetwork initial = sparse.clone();
            SparseTrainingStep step = SparseTrainingStep.of(sparse, SparseOptimizer.sgd(LR, l2));
            DataSet b = randomBatch(6, 5);
            dense.fit(b);
            step.fit(b);
            Set<String> touched = touchedEntries(b, full, sparse);
            int checkedTouched = 0;
            int checkedUntouched = 0;
            for (String key : keys(sparse)) {
                double[] d = params(dense, key);
                double[] s = params(sparse, key);
                double[] i0 = params(initial, key);
                int len = rowLength(sparse, key);
                for (int row = 0; row < d.length / len; row++) {
                    boolean t = touched.contains(key + "/" + row);
                    for (int j = 0; j < len; j++) {
                        int e = row * len + j;
                        if (t) {
                            assertEquals(d[e], s[e], TOL, key + " touched row " + row);
                            checkedTouched++;
                        } else {
                            assertEquals(i0[e], s[e], 0.0, key + " untouched row " + row);
                            checkedUntouched++;
                        }
                    }
                }
            }
            assertTrue(checkedTouched > 0 && checkedUntouched > 0, "both kinds of rows were checked");
            // dense L2 moved the untouched weights; the sparse step did not
            assertFalse(java.util.Arrays.equals(dense.params().data().asDouble(), sparse.params().data().asDouble()));

            // every row touched: equal everywhere
            DataSet cover = coverBatch(COURT, BOX, 9);
            assertEquals(TASKS * COURT.cellCount(), touchedEntries(cover, true, sparse).stream()
                    .filter(r -> r.startsWith("F/")).count(), "the cover batch touches every F row");
            MultiLayerNetwork dense2 = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                    new org.nd4j.linalg.learning.config.Sgd(LR), l2, 12);
            MultiLayerNetwork sparse2 = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                    new org.nd4j.linalg.learning.config.Sgd(LR), l2, 12);
            SparseTrainingStep step2 = SparseTrainingStep.of(sparse2, SparseOptimizer.sgd(LR, l2));
            for (int s = 0; s < 3; s++) {
                DataSet c = coverBatch(COURT, BOX, 20 + s);
                double expectedScore = dense2.score(c, true); // data loss + l2/2 Σ w², as DL4J's
                dense2.fit(c);
                step2.fit(c);
                assertEquals(expectedScore, sparse2.score(), 1e-9, "score with L2, minibatch " + s);
            }
            assertClose(dense2.params().data().asDouble(), sparse2.params().data().asDouble(), TOL, "cover");
        }
    }

    @Test
    void lazyAdamAndAdagradEqualDenseWhenEveryRowIsTouchedAtEveryStep() {
        double l2 = 0.01;
        for (SparseOptimizer o : new SparseOptimizer[] {SparseOptimizer.lazyAdam(0.01, l2),
                SparseOptimizer.adagrad(0.05, l2)}) {
            for (boolean full : new boolean[] {true, false}) {
                MultiLayerNetwork dense = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                        o.denseEquivalent(), l2, 3);
                MultiLayerNetwork sparse = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                        o.denseEquivalent(), l2, 3);
                SparseTrainingStep step = SparseTrainingStep.of(sparse, o);
                for (int s = 0; s < 8; s++) {
                    DataSet c = coverBatch(COURT, BOX, 40 + s);
                    dense.fit(c);
                    step.fit(c);
                }
                assertClose(dense.params().data().asDouble(), sparse.params().data().asDouble(), 1e-8,
                        o.kind() + (full ? " full" : " cp"));
            }
        }
    }

    @Test
    void plainFitAndTheSparseStepCanAlternate() {
        // the gradient view protocol: a dense backward after sparse ones (and the reverse) is still exact
        for (boolean full : new boolean[] {true, false}) {
            MultiLayerNetwork dense = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                    new org.nd4j.linalg.learning.config.Sgd(LR), 0, 21);
            MultiLayerNetwork mixed = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                    new org.nd4j.linalg.learning.config.Sgd(LR), 0, 21);
            SparseTrainingStep step = SparseTrainingStep.of(mixed, SparseOptimizer.sgd(LR, 0));
            for (int s = 0; s < 6; s++) {
                DataSet b = randomBatch(10, 300 + s);
                dense.fit(b);
                if (s % 3 == 1) {
                    mixed.fit(b);
                } else {
                    step.fit(b);
                }
            }
            assertClose(dense.params().data().asDouble(), mixed.params().data().asDouble(), TOL, "alternating");
        }
    }

    @Test
    void rejectsTheSmoothnessPenalty() {
        Layer l = new FullRankSpatialLayer(new SpatialLayerSpec(TASKS, COURT, BOX), new SpatialSmoothness(0.1, 0,
                SpatialSmoothness.DEFAULT_SIGMA, 1));
        MultiLayerNetwork n = net(l, new org.nd4j.linalg.learning.config.Sgd(LR), 0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparseTrainingStep.of(n, SparseOptimizer.sgd(LR, 0)));
        assertTrue(e.getMessage().contains("smoothness"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // state through swaps

    @Test
    void afterANestedSwapAChildMovesExactlyAsItsParentWould() throws IOException {
        GridSpec coarse = GridSpec.court(2, 2);
        GridSpec fine = GridSpec.court(4, 4);
        FineGraining fg = FineGraining.between(coarse, fine);
        assertTrue(fg.isNested());
        for (boolean full : new boolean[] {true, false}) {
            SparseOptimizer o = SparseOptimizer.lazyAdam(0.02, 0.05);
            MultiLayerNetwork net = net(full ? fullRankLayer(coarse, BOX) : cpLayer(coarse, BOX), o.denseEquivalent(),
                    0.05, 31);
            SparseTrainingStep step = SparseTrainingStep.of(net, o);
            for (int s = 0; s < 4; s++) {
                step.fit(randomBatch(5, 500 + s)); // rows with different step counts
            }
            // a twin of the coarse model and its state, to see how the parent moves
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            step.state().write(bytes);
            MultiLayerNetwork twin = net.clone();
            SparseTrainingStep coarseStep = SparseTrainingStep.resume(twin,
                    OptimizerState.read(new ByteArrayInputStream(bytes.toByteArray())));

            MultiLayerNetwork finer = SpatialModels.fineGrain(net, fine, BOX);
            SparseTrainingStep fineStep = step.fineGrained(finer);
            // one child per parent: the first fine cell whose parent is p
            int[] child = new int[coarse.cellCount()];
            java.util.Arrays.fill(child, -1);
            for (int f = 0; f < fine.cellCount(); f++) {
                if (child[fg.parent(f)] < 0) {
                    child[fg.parent(f)] = f;
                }
            }
            DataSet batch = randomBatch(30, 77);
            for (int r = 0; r < 30; r++) {
                int p = r % coarse.cellCount();
                batch.getFeatures().putScalar(r, 1, fine.centerX(child[p]));
                batch.getFeatures().putScalar(r, 2, fine.centerY(child[p]));
            }
            coarseStep.fit(batch);
            fineStep.fit(batch);
            if (full) {
                double[] fc = params(twin, "F");
                double[] ff = params(finer, "F");
                int d = BOX.cellCount() + 1;
                for (int a = 0; a < TASKS; a++) {
                    for (int p = 0; p < coarse.cellCount(); p++) {
                        for (int j = 0; j < d; j++) {
                            assertEquals(fc[(a * coarse.cellCount() + p) * d + j],
                                    ff[(a * fine.cellCount() + child[p]) * d + j], TOL, "F[" + a + "," + p + "]");
                        }
                    }
                }
            } else {
                double[] bc = params(twin, "B");
                double[] bf = params(finer, "B");
                for (int p = 0; p < coarse.cellCount(); p++) {
                    for (int k = 0; k < 2; k++) {
                        assertEquals(bc[p * 2 + k], bf[child[p] * 2 + k], TOL, "B[" + p + "]");
                    }
                }
                assertClose(params(twin, "A"), params(finer, "A"), TOL, "A");
                assertClose(params(twin, "C"), params(finer, "C"), TOL, "C");
            }
            assertClose(params(twin, "b"), params(finer, "b"), TOL, "bias");
            // the hand-off starts fresh
            if (full) {
                SparseTrainingStep cp = fineStep.handedOff(SpatialModels.factorize(finer,
                        io.github.finegrain.factor.CpAlsOptions.ofRank(2)).network());
                assertEquals(0, cp.state().steps(0, 0));
                assertEquals(0.0, java.util.Arrays.stream(cp.state().firstMoment(1)).map(Math::abs).sum());
            }
        }
    }

    @Test
    void aNonNestedSwapCarriesMomentsWithTheParametersAreaWeightsAndTheLargestSourceStepCount() {
        GridSpec court2 = GridSpec.court(5, 5);
        GridSpec box2 = GridSpec.defenderBox(3, 3);
        FineGraining cg = FineGraining.between(COURT, court2);
        FineGraining dg = FineGraining.between(BOX, box2);
        assertFalse(cg.isNested());
        for (boolean full : new boolean[] {true, false}) {
            SparseOptimizer o = SparseOptimizer.lazyAdam(0.02, 0.01);
            MultiLayerNetwork net = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX), o.denseEquivalent(),
                    0.01, 61);
            SparseTrainingStep step = SparseTrainingStep.of(net, o);
            for (int s = 0; s < 5; s++) {
                step.fit(randomBatch(4 + s, 900 + s));
            }
            OptimizerState old = step.state();
            MultiLayerNetwork finer = SpatialModels.fineGrain(net, court2, box2);
            OptimizerState fine = step.fineGrained(finer).state();
            int oc = COURT.cellCount();
            int od = BOX.cellCount() + 1;
            if (full) {
                for (int which = 0; which < 2; which++) {
                    double[] before = which == 0 ? old.firstMoment(0) : old.secondMoment(0);
                    double[] after = which == 0 ? fine.firstMoment(0) : fine.secondMoment(0);
                    for (int a = 0; a < TASKS; a++) {
                        double[] slice = java.util.Arrays.copyOfRange(before, a * oc * od, (a + 1) * oc * od);
                        double[] mid = cg.applyAlongAxis(slice, new int[] {oc, od}, 0);
                        double[] expected = dg.applyAlongDefenderAxis(mid, new int[] {court2.cellCount(), od}, 1);
                        int n = expected.length;
                        assertClose(expected, java.util.Arrays.copyOfRange(after, a * n, (a + 1) * n), 1e-12,
                                "moment " + which + " task " + a);
                    }
                }
                int nonZero = 0;
                for (int a = 0; a < TASKS; a++) {
                    for (int f = 0; f < court2.cellCount(); f++) {
                        int max = 0;
                        for (FineGraining.Source src : cg.sources(f)) {
                            max = Math.max(max, old.steps(0, a * oc + src.coarseCell()));
                        }
                        assertEquals(max, fine.steps(0, a * court2.cellCount() + f), "steps F[" + a + "," + f + "]");
                        nonZero += max > 0 ? 1 : 0;
                    }
                }
                assertTrue(nonZero > 0);
            } else {
                int k = 2;
                assertClose(cg.applyAlongAxis(old.firstMoment(1), new int[] {oc, k}, 0), fine.firstMoment(1), 1e-12,
                        "B m");
                assertClose(dg.applyAlongDefenderAxis(old.secondMoment(2), new int[] {od, k}, 0), fine.secondMoment(2),
                        1e-12, "C v");
                assertArrayEquals(old.firstMoment(0), fine.firstMoment(0), 0.0, "A m copied");
                assertEquals(old.steps(2, od - 1), fine.steps(2, box2.cellCount()), "constant row of C");
                for (int f = 0; f < court2.cellCount(); f++) {
                    int max = 0;
                    for (FineGraining.Source src : cg.sources(f)) {
                        max = Math.max(max, old.steps(1, src.coarseCell()));
                    }
                    assertEquals(max, fine.steps(1, f), "steps B[" + f + "]");
                }
            }
            assertArrayEquals(old.secondMoment(old.blocks().size() - 1), fine.secondMoment(fine.blocks().size() - 1),
                    0.0, "bias v copied");
        }
    }

    @Test
    void stateRoundTripsThroughItsFileFormatAndTrainingContinuesIdentically() throws IOException {
        for (SparseOptimizer o : new SparseOptimizer[] {SparseOptimizer.lazyAdam(0.01, 0.01),
                SparseOptimizer.adagrad(0.05, 0), SparseOptimizer.sgd(0.05, 0.1)}) {
            MultiLayerNetwork net = net(cpLayer(COURT, BOX), o.denseEquivalent(), 0, 41);
            SparseTrainingStep step = SparseTrainingStep.of(net, o);
            for (int s = 0; s < 3; s++) {
                step.fit(randomBatch(8, 600 + s));
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            step.state().write(bytes);
            OptimizerState back = OptimizerState.read(new ByteArrayInputStream(bytes.toByteArray()));
            assertEquals(o, back.config());
            assertEquals(step.state().blocks(), back.blocks());
            for (int k = 0; k < back.blocks().size(); k++) {
                double[] m0 = step.state().firstMoment(k);
                double[] v0 = step.state().secondMoment(k);
                if (m0 != null) {
                    assertArrayEquals(m0, back.firstMoment(k), 0.0);
                }
                if (v0 != null) {
                    assertArrayEquals(v0, back.secondMoment(k), 0.0);
                }
                for (int r = 0; r < back.blocks().get(k).rows(); r++) {
                    assertEquals(step.state().steps(k, r), back.steps(k, r));
                }
            }
            MultiLayerNetwork twin = net.clone();
            SparseTrainingStep resumed = SparseTrainingStep.resume(twin, back);
            DataSet b = randomBatch(8, 700);
            step.fit(b);
            resumed.fit(b);
            assertArrayEquals(net.params().data().asDouble(), twin.params().data().asDouble(), 0.0, o.toString());
        }
        // a state for another layer is refused before its arrays are read
        MultiLayerNetwork cp = net(cpLayer(COURT, BOX), new org.nd4j.linalg.learning.config.Sgd(LR), 0, 1);
        SparseTrainingStep s1 = SparseTrainingStep.of(cp, SparseOptimizer.lazyAdam(0.01, 0));
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        s1.state().write(other);
        MultiLayerNetwork full = net(fullRankLayer(COURT, BOX), new org.nd4j.linalg.learning.config.Sgd(LR), 0, 1);
        IOException mismatch = assertThrows(IOException.class, () -> OptimizerState.read(
                new ByteArrayInputStream(other.toByteArray()), ((io.github.finegrain.model.RowSparseLayer) full
                        .getLayer(0)).rowBlocks()));
        assertTrue(mismatch.getMessage().contains("row blocks") || mismatch.getMessage().contains("block 0"),
                mismatch.getMessage());
        byte[] bad = new byte[] {1, 2, 3, 4, 0, 0, 0, 1};
        IOException e = assertThrows(IOException.class, () -> OptimizerState.read(new ByteArrayInputStream(bad)));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the listener

    /**
     * A state wrapped over arrays held elsewhere (the Spark workers' slices of DL4J's updater state) trains exactly
     * as a fresh state and writes its moments into those arrays; arrays of the wrong length are refused.
     */
    @Test
    void aWrappedStateWritesIntoTheArraysItWasGivenAndTrainsAsAFreshOne() {
        SparseOptimizer o = SparseOptimizer.lazyAdam(0.01, 0.01);
        MultiLayerNetwork net = net(cpLayer(COURT, BOX), o.denseEquivalent(), 0, 43);
        MultiLayerNetwork twin = net.clone();
        SparseTrainingStep fresh = SparseTrainingStep.of(net, o);
        List<io.github.finegrain.model.RowBlock> blocks = fresh.state().blocks();
        int n = blocks.size();
        INDArray[] m = new INDArray[n];
        INDArray[] v = new INDArray[n];
        int[][] steps = new int[n][];
        for (int k = 0; k < n; k++) {
            m[k] = Nd4j.zeros(DataType.DOUBLE, blocks.get(k).size());
            v[k] = Nd4j.zeros(DataType.DOUBLE, blocks.get(k).size());
            steps[k] = new int[blocks.get(k).rows()];
        }
        SparseTrainingStep wrapped = SparseTrainingStep.resume(twin, OptimizerState.wrap(o, blocks, m, v, steps));
        for (int s = 0; s < 3; s++) {
            fresh.fit(randomBatch(8, 700 + s));
            wrapped.fit(randomBatch(8, 700 + s));
        }
        assertArrayEquals(net.params().toDoubleVector(), twin.params().toDoubleVector(), 0.0);
        for (int k = 0; k < n; k++) {
            assertArrayEquals(fresh.state().firstMoment(k), m[k].toDoubleVector(), 0.0);
            assertArrayEquals(fresh.state().secondMoment(k), v[k].toDoubleVector(), 0.0);
            for (int r = 0; r < blocks.get(k).rows(); r++) {
                assertEquals(fresh.state().steps(k, r), steps[k][r]);
            }
        }
        assertTrue(v[0].amaxNumber().doubleValue() > 0);
        m[1] = Nd4j.zeros(DataType.DOUBLE, blocks.get(1).size() + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerState.wrap(o, blocks, m, v, steps));
        assertTrue(e.getMessage().contains("block " + blocks.get(1).key()), e.getMessage());
        m[1] = Nd4j.zeros(DataType.DOUBLE, blocks.get(1).size());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerState.wrap(o, blocks, m, v, new int[n][]));
        assertTrue(e.getMessage().contains("step counts"), e.getMessage());
    }

    @Test
    void entropyListenerReadsTheSameFromTouchedRowsAsFromTheDenseGradient() {
        for (boolean full : new boolean[] {true, false}) {
            MultiLayerNetwork dense = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                    new org.nd4j.linalg.learning.config.Sgd(LR), 0, 51);
            MultiLayerNetwork sparse = net(full ? fullRankLayer(COURT, BOX) : cpLayer(COURT, BOX),
                    new org.nd4j.linalg.learning.config.Sgd(LR), 0, 51);
            SpatialEntropyListener ld = new SpatialEntropyListener(3);
            SpatialEntropyListener ls = new SpatialEntropyListener(3);
            dense.setListeners(ld);
            sparse.setListeners(ls);
            SparseTrainingStep step = SparseTrainingStep.of(sparse, SparseOptimizer.sgd(LR, 0));
            int completed = 0;
            for (int s = 0; s < 7; s++) {
                DataSet b = randomBatch(25, 800 + s);
                dense.fit(b);
                step.fit(b);
                EntropyReading d = ld.lastReading();
                EntropyReading r = ls.lastReading();
                assertEquals(d.iteration(), r.iteration());
                assertEquals(d.minibatchLoss(), r.minibatchLoss(), 1e-9);
                assertEquals(d.minibatch(), r.minibatch(), 1e-9);
                assertEquals(d.windowCompleted(), r.windowCompleted());
                if (d.windowCompleted()) {
                    completed++;
                    assertEquals(d.window(), r.window(), 1e-9);
                    assertEquals(d.windowPerExample(), r.windowPerExample(), 1e-9);
                }
                assertEquals(d.histogramEntropy(), r.histogramEntropy(), 1e-9);
            }
            assertEquals(2, completed);
        }
    }
}
