package io.github.finegrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.grid.GridSpec;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The contract every finegrain spatial layer keeps, run by each layer's test class (EJML's {@code Generic*Checks}
 * pattern): gradient checks in double with the NoOp updater (MultiLayerNetwork and ComputationGraph, basketball and
 * another input layout), JSON/YAML round trips (and configurations saved before the layout existed), save/load with
 * equal outputs, float and double networks agreeing across both network kinds, the sparse forward pass against a
 * naive one over the dense F, the builder, and clear errors for bad rows. Subclasses supply the layer and its F.
 */
abstract class SpatialLayerContract {
    static final int TASKS = 3;
    static final GridSpec COURT = GridSpec.court(4, 5);
    static final GridSpec BOX = GridSpec.defenderBox(3, 3);
    /** Another layout: 2 context points first, then the anchor, the task last, and an unused column in between. */
    static final InputLayout OTHER_LAYOUT = new InputLayout(7, 4, 0, 2);

    /** A builder with the contract's tasks and grids (and the CP layer's rank) set. */
    protected abstract SpatialLayerBase.Builder<?> builder();

    /** The dense tensor F {@code [tasks, courtCells, defenderCells + 1]} a layer of this kind holds, in double. */
    protected abstract INDArray denseF(Layer layer);

    SpatialLayerBase layer() {
        return builder().build();
    }

    static SpatialNetworks.Options options(IUpdater updater, DataType type) {
        return new SpatialNetworks.Options(updater, 0, 1, 42, type);
    }

    /** Every parameter of {@code layer} uniform in [-1, 1) from {@code seed}: no symmetric point for the checks. */
    static void randomize(Layer layer, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
            INDArray p = e.getValue();
            p.assign(Nd4j.rand(p.dataType(), p.shape()).muli(2).subi(1));
        }
    }

    /** Random basketball input rows: tasks in [0, tasks), ball handler inside the court, defenders partly outside the box, some NaN. */
    static INDArray randomRows(int n, int tasks, long seed, DataType type) {
        return randomRows(n, tasks, seed, type, InputLayout.BASKETBALL);
    }

    /** Random rows laid out as {@code layout} (unnamed columns hold 1e6, which the layer must ignore). */
    static INDArray randomRows(int n, int tasks, long seed, DataType type, InputLayout layout) {
        Random rnd = new Random(seed);
        double[][] rows = new double[n][layout.width()];
        for (int r = 0; r < n; r++) {
            java.util.Arrays.fill(rows[r], 1e6);
            rows[r][layout.taskColumn()] = rnd.nextInt(tasks);
            rows[r][layout.anchorX()] = rnd.nextDouble() * 40;
            rows[r][layout.anchorY()] = rnd.nextDouble() * 50;
            for (int k = 0; k < layout.contextPoints(); k++) {
                boolean absent = rnd.nextDouble() < 0.1;
                rows[r][layout.contextX(k)] = absent ? Double.NaN : -8 + rnd.nextDouble() * 16;
                rows[r][layout.contextX(k) + 1] = absent ? Double.NaN : -4 + rnd.nextDouble() * 16;
            }
        }
        return Nd4j.createFromArray(rows).castTo(type);
    }

    static INDArray randomLabels(int n, long seed, DataType type) {
        Random rnd = new Random(seed);
        double[][] y = new double[n][1];
        for (int r = 0; r < n; r++) {
            y[r][0] = rnd.nextDouble() < 0.3 ? 1 : 0;
        }
        return Nd4j.createFromArray(y).castTo(type);
    }

    private MultiLayerNetwork randomNet(InputLayout layout, IUpdater updater, DataType type, long seed) {
        MultiLayerNetwork n = SpatialNetworks.network(builder().inputLayout(layout).build(), options(updater, type));
        randomize(n.getLayer(0), seed);
        return n;
    }

    private static boolean gradientsCheck(MultiLayerNetwork n, INDArray x, INDArray y) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(n).input(x).labels(y)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    @Test
    void gradientCheckInDoubleWithNoOpUpdater() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork n = randomNet(InputLayout.BASKETBALL, new NoOp(), DataType.DOUBLE, 3);
        assertThat(gradientsCheck(n, randomRows(30, TASKS, 3, DataType.DOUBLE), randomLabels(30, 4, DataType.DOUBLE)))
                .isTrue();
    }

    @Test
    void gradientCheckWithAnotherInputLayout() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork n = randomNet(OTHER_LAYOUT, new NoOp(), DataType.DOUBLE, 5);
        assertThat(gradientsCheck(n, randomRows(30, TASKS, 6, DataType.DOUBLE, OTHER_LAYOUT),
                randomLabels(30, 7, DataType.DOUBLE))).isTrue();
    }

    @Test
    void gradientCheckInAComputationGraph() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = SpatialNetworks.graph(layer(), options(new NoOp(), DataType.DOUBLE));
        randomize(g.getLayer(SpatialNetworks.GRAPH_SPATIAL), 8);
        INDArray x = randomRows(30, TASKS, 9, DataType.DOUBLE);
        INDArray y = randomLabels(30, 10, DataType.DOUBLE);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {y})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertThat(ok).isTrue();
    }

    @Test
    void sparseForwardEqualsNaiveDenseComputation() {
        for (InputLayout layout : new InputLayout[] {InputLayout.BASKETBALL, OTHER_LAYOUT}) {
            for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                MultiLayerNetwork n = randomNet(layout, new Sgd(0.1), type, 5);
                INDArray x = randomRows(300, TASKS, 11, type, layout);
                INDArray logits = n.feedForwardToLayer(0, x, false).get(1);
                assertThat(logits.dataType()).isEqualTo(type);
                INDArray f = denseF(n.getLayer(0));
                INDArray bias = n.getLayer(0).getParam("b");
                int constant = BOX.cellCount();
                double tol = type == DataType.DOUBLE ? 1e-12 : 1e-5;
                int spatialRows = 0;
                for (int r = 0; r < 300; r++) {
                    int a = x.getInt(r, layout.taskColumn());
                    double expected = bias.getDouble(0, a);
                    int cell = COURT.cellOf(x.getDouble(r, layout.anchorX()), x.getDouble(r, layout.anchorY()));
                    if (cell >= 0) {
                        spatialRows++;
                        expected += f.getDouble(a, cell, constant);
                        for (int k = 0; k < layout.contextPoints(); k++) {
                            int c = BOX.cellOf(x.getDouble(r, layout.contextX(k)), x.getDouble(r, layout.contextX(k) + 1));
                            if (c >= 0) {
                                expected += f.getDouble(a, cell, c);
                            }
                        }
                    }
                    assertThat(logits.getDouble(r, 0)).as(layout + " " + type + " row " + r)
                            .isCloseTo(expected, within(tol));
                }
                assertThat(spatialRows).isGreaterThan(100);
            }
        }
    }

    @Test
    void graphAndMultiLayerNetworkAgreeInFloatAndDouble() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            SpatialNetworks.Options o = new SpatialNetworks.Options(new Adam(0.01), 0.001, 1, 42, type);
            MultiLayerNetwork n = SpatialNetworks.network(layer(), o);
            ComputationGraph g = SpatialNetworks.graph(layer(), o);
            randomize(n.getLayer(0), 12);
            g.getLayer(SpatialNetworks.GRAPH_SPATIAL).params().assign(n.getLayer(0).params());
            INDArray x = randomRows(64, TASKS, 13, type);
            INDArray y = randomLabels(64, 14, type);
            assertThat(n.output(x).dataType()).isEqualTo(type);
            assertThat(g.outputSingle(x)).isEqualTo(n.output(x));
            INDArray before = n.params().dup();
            n.fit(x, y);
            g.fit(new INDArray[] {x}, new INDArray[] {y});
            assertThat(n.params()).isNotEqualTo(before);
            assertThat(g.params().dataType()).isEqualTo(type);
            assertThat(g.params()).isEqualTo(n.params());
            // input rows of the other floating type are accepted
            DataType other = type == DataType.FLOAT ? DataType.DOUBLE : DataType.FLOAT;
            assertThat(n.output(x.castTo(other)).dataType()).isEqualTo(type);
        }
    }

    @Test
    void jsonAndYamlRoundTrip() {
        for (InputLayout layout : new InputLayout[] {InputLayout.BASKETBALL, OTHER_LAYOUT}) {
            SpatialLayerBase layer = builder().inputLayout(layout).l2(0.01).build();
            MultiLayerConfiguration conf = SpatialNetworks.configuration(layer, options(new Sgd(0.1), DataType.FLOAT));
            MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(conf.toJson());
            MultiLayerConfiguration fromYaml = MultiLayerConfiguration.fromYaml(conf.toYaml());
            assertThat(fromJson).isEqualTo(conf);
            assertThat(fromYaml).isEqualTo(conf);
            SpatialLayerBase back = (SpatialLayerBase) fromJson.getConf(0).getLayer();
            assertThat(back.spatialSpec()).isEqualTo(layer.spatialSpec());
            assertThat(back.inputLayout()).isEqualTo(layout);
            ComputationGraphConfiguration gc = SpatialNetworks.graphConfiguration(layer,
                    options(new Sgd(0.1), DataType.FLOAT));
            assertThat(ComputationGraphConfiguration.fromJson(gc.toJson())).isEqualTo(gc);
            assertThat(ComputationGraphConfiguration.fromYaml(gc.toYaml())).isEqualTo(gc);
        }
    }

    @Test
    void configurationsSavedWithoutALayoutReadAsBasketball() {
        MultiLayerConfiguration conf = SpatialNetworks.configuration(layer(), options(new Sgd(0.1), DataType.FLOAT));
        String json = conf.toJson();
        String old = json.replaceAll("\"(taskColumn|anchorColumn|firstContextColumn|contextPoints)\"\\s*:\\s*\\d+\\s*,?", "");
        assertThat(old).doesNotContain("contextPoints").isNotEqualTo(json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(old);
        assertThat(((SpatialLayerConf) back.getConf(0).getLayer()).inputLayout()).isEqualTo(InputLayout.BASKETBALL);
        assertThat(back).isEqualTo(conf);
    }

    @Test
    void saveLoadGivesEqualOutputs(@TempDir Path dir) throws Exception {
        MultiLayerNetwork n = SpatialNetworks.network(layer(), options(new Adam(0.01), DataType.FLOAT));
        INDArray x = randomRows(50, TASKS, 9, DataType.FLOAT);
        n.fit(x, randomLabels(50, 10, DataType.FLOAT));
        File f = dir.resolve("m.zip").toFile();
        n.save(f, true);
        MultiLayerNetwork loaded = MultiLayerNetwork.load(f, true);
        assertThat(loaded.output(x)).isEqualTo(n.output(x));
        assertThat(loaded.params()).isEqualTo(n.params());
        assertThat(loaded.getUpdater().getStateViewArray()).isEqualTo(n.getUpdater().getStateViewArray());

        ComputationGraph g = SpatialNetworks.graph(builder().inputLayout(OTHER_LAYOUT).build(),
                options(new Adam(0.01), DataType.DOUBLE));
        INDArray xd = randomRows(50, TASKS, 11, DataType.DOUBLE, OTHER_LAYOUT);
        g.fit(new INDArray[] {xd}, new INDArray[] {randomLabels(50, 10, DataType.DOUBLE)});
        File fg = dir.resolve("g.zip").toFile();
        g.save(fg, true);
        ComputationGraph loadedGraph = ComputationGraph.load(fg, true);
        assertThat(loadedGraph.outputSingle(xd)).isEqualTo(g.outputSingle(xd));
    }

    @Test
    void builderCarriesDl4jSettingsAndValidates() {
        SpatialLayerBase layer = builder().biasInit(-1.2).l2(0.01).updater(new Adam(0.005)).name("spatial").build();
        assertThat(layer.spatialSpec()).isEqualTo(new SpatialLayerSpec(TASKS, COURT, BOX));
        assertThat(layer.getNIn()).isEqualTo(13);
        assertThat(layer.getNOut()).isEqualTo(1);
        MultiLayerNetwork n = SpatialNetworks.network(layer, options(new Sgd(0.1), DataType.DOUBLE));
        assertThat(n.getLayer(0).getParam("b").getDouble(0, 1)).isEqualTo(-1.2);
        SpatialLayerBase conf = (SpatialLayerBase) n.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(conf.getLayerName()).isEqualTo("spatial");
        assertThat(((Adam) conf.getIUpdater()).getLearningRate()).isEqualTo(0.005);
        assertThat(conf.getRegularization()).hasSize(1);
        assertThat(conf.getRegularizationBias()).isEmpty();
        assertThat(builder().inputLayout(OTHER_LAYOUT).build().getNIn()).isEqualTo(OTHER_LAYOUT.width());

        assertThatThrownBy(() -> builder().tasks(0).build()).hasMessageContaining("at least 1 task, found 0");
        assertThatThrownBy(() -> builder().court(null).build()).hasMessageContaining("grids are required");
        assertThatThrownBy(() -> builder().nIn(12).build()).hasMessageContaining("width 13").hasMessageContaining("12");
        assertThatThrownBy(() -> builder().nOut(2).build()).hasMessageContaining("nOut");
    }

    @Test
    void rejectsBadTaskIndexAndWrongWidthNamingTheRowAndLayout() {
        MultiLayerNetwork n = SpatialNetworks.network(layer(), options(new Sgd(0.1), DataType.FLOAT));
        INDArray x = randomRows(5, TASKS, 1, DataType.FLOAT);
        x.putScalar(3, 0, 7);
        assertThatThrownBy(() -> n.output(x)).hasMessageContaining("input row 3").hasMessageContaining("[0, " + TASKS + ")");
        INDArray narrow = randomRows(5, TASKS, 1, DataType.FLOAT, OTHER_LAYOUT);
        assertThatThrownBy(() -> n.output(narrow)).hasMessageContaining("[batch, 13]")
                .hasMessageContaining("5 context points");
    }
}
