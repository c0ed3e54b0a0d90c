package io.github.finegrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.SpatialNetworks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The listener in the three settings of issue 14 item 16: a MultiLayerNetwork, a ComputationGraph (the spatial
 * layer found by type, not at "layer 0"), shared by ParallelWrapper's worker threads, and after a Java
 * serialization round trip.
 */
class SpatialEntropyListenerTest {
    static final FullRankSpatialLayer LAYER = new FullRankSpatialLayer.Builder().tasks(3).court(GridSpec.court(4, 5))
            .defenderBox(GridSpec.defenderBox(3, 3)).build();

    static DataSet rows(int n, long seed) {
        Random rnd = new Random(seed);
        double[][] x = new double[n][13];
        double[][] y = new double[n][1];
        for (int r = 0; r < n; r++) {
            x[r][0] = rnd.nextInt(3);
            x[r][1] = rnd.nextDouble() * 40;
            x[r][2] = rnd.nextDouble() * 50;
            for (int k = 0; k < 5; k++) {
                x[r][3 + 2 * k] = -8 + rnd.nextDouble() * 16;
                x[r][4 + 2 * k] = -4 + rnd.nextDouble() * 16;
            }
            y[r][0] = rnd.nextDouble() < 0.3 ? 1 : 0;
        }
        return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
    }

    static SpatialNetworks.Options options(org.nd4j.linalg.learning.config.IUpdater u) {
        return new SpatialNetworks.Options(u, 0, 1, 42, DataType.DOUBLE);
    }

    /** The reading the listener should make of one minibatch: the mean log loss and S of |∂L/∂F| per court cell. */
    static double[] expected(MultiLayerNetwork n, DataSet ds) {
        MultiLayerNetwork copy = n.clone();
        copy.setInput(ds.getFeatures());
        copy.setLabels(ds.getLabels());
        copy.computeGradientAndScore();
        double s = SpatialEntropy.entropy(SpatialEntropyListener.perCell(copy.gradient().getGradientFor("0_F"), 1));
        // net.score() after computeGradientAndScore is not the minibatch's loss (DL4J-NOTES): score(ds) is
        return new double[] {n.score(ds, false), s};
    }

    @Test
    void multiLayerNetworkAndGraphGiveTheSameReadingsAndTheCallbackSeesEach() {
        MultiLayerNetwork n = SpatialNetworks.network(LAYER.clone(), options(new Sgd(0.5)));
        n.getLayer(0).getParam("F").assign(Nd4j.rand(DataType.DOUBLE, n.getLayer(0).getParam("F").shape()).subi(0.5));
        ComputationGraph g = SpatialNetworks.graph(LAYER.clone(), options(new Sgd(0.5)));
        g.getLayer(SpatialNetworks.GRAPH_SPATIAL).params().assign(n.getLayer(0).params());
        List<EntropyReading> seen = new ArrayList<>();
        SpatialEntropyListener ln = new SpatialEntropyListener(2, seen::add);
        SpatialEntropyListener lg = new SpatialEntropyListener(2);
        n.setListeners(ln);
        g.setListeners(lg);
        for (int step = 0; step < 4; step++) {
            DataSet ds = rows(64, step);
            double[] want = expected(n, ds);
            n.fit(ds);
            g.fit(ds);
            EntropyReading rn = ln.lastReading();
            EntropyReading rg = lg.lastReading();
            assertThat(rn.minibatchLoss()).isCloseTo(want[0], within(1e-9));
            assertThat(rn.minibatch()).isCloseTo(want[1], within(1e-9));
            assertThat(rg.minibatchLoss()).isCloseTo(rn.minibatchLoss(), within(1e-12));
            assertThat(rg.minibatch()).isCloseTo(rn.minibatch(), within(1e-12));
            assertThat(rg.windowCompleted()).isEqualTo(step % 2 == 1).isEqualTo(rn.windowCompleted());
            if (rn.windowCompleted()) {
                assertThat(rg.window()).isCloseTo(rn.window(), within(1e-12));
            }
            assertThat(seen).hasSize(step + 1).last().isSameAs(rn);
        }
    }

    @Test
    void aNetworkWithoutSpatialLayerIsNamed() {
        SpatialEntropyListener l = new SpatialEntropyListener(1);
        MultiLayerNetwork plain = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .list().layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nIn(13).nOut(1)
                        .activation(org.nd4j.linalg.activations.Activation.SIGMOID)
                        .lossFunction(org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.XENT).build())
                .build());
        plain.init();
        plain.setListeners(l);
        assertThatThrownBy(() -> plain.fit(rows(8, 1))).hasMessageContaining("no finegrain spatial layer");
    }

    /**
     * Two workers share one listener. Parameters never change (SGD with step size 0; DL4J's NoOp updater would still
     * step by the raw gradient), so each of the two kinds of minibatch (32 and
     * 48 rows) has one exact loss: a reading that mixed one thread's rows with another's logits, or failed, would
     * show as a loss that is neither or a missing reading.
     */
    @Test
    void sharedByParallelWrapperWorkersEveryReadingIsOneMinibatchs() throws Exception {
        MultiLayerNetwork n = SpatialNetworks.network(LAYER.clone(), options(new Sgd(0.0)));
        n.getLayer(0).getParam("F").assign(Nd4j.rand(DataType.DOUBLE, n.getLayer(0).getParam("F").shape()).subi(0.5));
        DataSet small = rows(32, 1);
        DataSet large = rows(48, 2);
        double lossSmall = expected(n, small)[0];
        double lossLarge = expected(n, large)[0];
        assertThat(Math.abs(lossSmall - lossLarge)).isGreaterThan(1e-3);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batches.add(i % 2 == 0 ? small : large);
        }
        List<EntropyReading> seen = Collections.synchronizedList(new ArrayList<>());
        SpatialEntropyListener listener = new SpatialEntropyListener(3, seen::add);
        try (ParallelWrapper pw = new ParallelWrapper.Builder<>(n).workers(2).prefetchBuffer(2).averagingFrequency(1)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING).build()) {
            pw.setListeners(listener);
            pw.fit(new ListDataSetIterator<>(batches, 1));
        }
        assertThat(seen).hasSize(40);
        int smallCount = 0;
        for (EntropyReading r : seen) {
            boolean isSmall = Math.abs(r.minibatchLoss() - lossSmall) < 1e-9;
            boolean isLarge = Math.abs(r.minibatchLoss() - lossLarge) < 1e-9;
            assertThat(isSmall || isLarge).as("loss %s is one minibatch's (%s or %s); all: %s", r.minibatchLoss(),
                    lossSmall, lossLarge, seen.stream().map(EntropyReading::minibatchLoss).toList()).isTrue();
            assertThat(Double.isFinite(r.minibatch())).isTrue();
            smallCount += isSmall ? 1 : 0;
        }
        assertThat(smallCount).isEqualTo(20);
        assertThat(seen.stream().filter(EntropyReading::windowCompleted).count()).isEqualTo(13);
    }

    @Test
    void serializationRoundTripKeepsTheWindowAndTheCallback() throws Exception {
        MultiLayerNetwork n = SpatialNetworks.network(LAYER.clone(), options(new Sgd(0.5)));
        SpatialEntropyListener l = new SpatialEntropyListener(4,
                (Consumer<EntropyReading> & Serializable) r -> Counter.COUNT.incrementAndGet());
        n.setListeners(l);
        n.fit(rows(16, 3)); // state that must not travel
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(l);
        }
        SpatialEntropyListener back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (SpatialEntropyListener) in.readObject();
        }
        assertThat(back.window()).isEqualTo(4);
        assertThat(back.lastReading()).isNull();
        int before = Counter.COUNT.get();
        MultiLayerNetwork m = SpatialNetworks.network(LAYER.clone(), options(new Sgd(0.5)));
        m.setListeners(back);
        for (int i = 0; i < 4; i++) {
            m.fit(rows(16, 10 + i));
        }
        assertThat(Counter.COUNT.get() - before).isEqualTo(4);
        assertThat(back.lastReading().windowCompleted()).isTrue();
    }

    /** Counts callback calls across a serialization round trip (the deserialized lambda is a new object). */
    static final class Counter {
        static final java.util.concurrent.atomic.AtomicInteger COUNT = new java.util.concurrent.atomic.AtomicInteger();
    }
}
