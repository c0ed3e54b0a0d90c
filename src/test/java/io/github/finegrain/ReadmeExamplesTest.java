package io.github.finegrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.CpSpatialLayer;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.InputLayout;
import io.github.finegrain.model.ModelKind;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.SpatialModels;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.EntropyReading;
import io.github.finegrain.train.FineGrainRule;
import io.github.finegrain.train.FineGrainRules;
import io.github.finegrain.train.FineGrainRules.Criterion;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.train.SpatialEntropyListener;
import io.github.finegrain.train.StageObservation;
import io.github.finegrain.train.TrainedModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * The README's Java examples, compiled: each method marked {@code // README: NAME} holds, between that marker and
 * {@code // END README}, exactly the block of README.md that follows {@code <!-- compiled: ReadmeExamplesTest#NAME -->}
 * ({@link #readmeBlocksAreTheseMethods} checks it). The free variables of a block are the method's parameters or
 * set up before the marker.
 */
class ReadmeExamplesTest {

    /** Random basketball rows [n, 13] with labels [n, 1] from {@code seed}, as minibatches of {@code batch}. */
    static DataSetIterator rows(int n, int tasks, int batch, long seed) {
        Random rnd = new Random(seed);
        List<DataSet> list = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            double[] x = new double[13];
            x[0] = rnd.nextInt(tasks);
            x[1] = rnd.nextDouble() * 40;
            x[2] = rnd.nextDouble() * 50;
            for (int k = 0; k < 5; k++) {
                x[3 + 2 * k] = -8 + rnd.nextDouble() * 16;
                x[4 + 2 * k] = -4 + rnd.nextDouble() * 16;
            }
            double y = rnd.nextDouble() < (x[1] < 15 ? 0.6 : 0.1) ? 1 : 0;
            list.add(new DataSet(Nd4j.createFromArray(new double[][] {x}).castTo(DataType.FLOAT),
                    Nd4j.createFromArray(new double[][] {{y}}).castTo(DataType.FLOAT)));
        }
        return new ListDataSetIterator<>(list, batch);
    }

    @Test
    void layerBuilders() {
        int tasks = 4;
        // README: layerBuilders
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .updater(new Adam(0.02)).l2(1e-4).list()
                .layer(new FullRankSpatialLayer.Builder()                   // [batch, 13] raw rows -> [batch, 1] logits
                        .tasks(tasks).court(GridSpec.court(8, 10)).defenderBox(GridSpec.defenderBox(6, 6))
                        .biasInit(-1.2).build())
                .layer(new LossLayer.Builder().lossFunction(new LossBinaryXENT()).activation(Activation.SIGMOID).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        CpSpatialLayer cp = new CpSpatialLayer.Builder().tasks(tasks).court(GridSpec.court(20, 25))
                .defenderBox(GridSpec.defenderBox(12, 12)).rank(20).build();
        FullRankSpatialLayer stations = new FullRankSpatialLayer.Builder().tasks(tasks).court(GridSpec.court(8, 10))
                .defenderBox(GridSpec.defenderBox(6, 6)).inputLayout(new InputLayout(0, 1, 3, 8)).build();
        // END README
        assertThat(net.getLayer(0).getParam("F").shape()).containsExactly(4, 80, 37);
        assertThat(net.getLayer(0).getParam("b").getDouble(0, 3)).isEqualTo(-1.2f);
        assertThat(net.output(rows(5, tasks, 5, 1).next().getFeatures()).shape()).containsExactly(5, 1);
        assertThat(cp.spec().rank()).isEqualTo(20);
        assertThat(cp.spec().court().cellCount()).isEqualTo(500);
        assertThat(stations.getNIn()).isEqualTo(19);
    }

    /** Compiled, not run: the defaults train the paper's ladder for up to 15 minutes. */
    static TrainedModel oneCallTrainer(DataSetIterator trainIterator, DataSetIterator validationIterator,
            TaskIndex taskIndex) throws java.io.IOException {
        // README: oneCallTrainer
        MultiResolutionOptions options = MultiResolutionOptions.builder()             // the defaults: paper's ladder, rank 20
                .rank(16).delta(0.01).build();                                        // validated here (rank vs hand-off too)
        MultiResolutionTrainer trainer = new MultiResolutionTrainer(options, new DefaultStageTransition());
        // rows are InputRow rows [n, 13] with labels [n, 1], e.g. from a DataVec RecordReaderDataSetIterator
        MultiResolutionTrainer.Result result = trainer.fit(trainIterator, validationIterator, taskIndex);
        TrainedModel model = result.model();            // immutable: predict, network(); the best stage, result.finalStage()
        ModelBundle.save(model, ModelBundle.manifestOf(model, List.of()).withTrainingOptions(options.provenance()),
                Path.of("model.zip"));
        // END README
        return model;
    }

    @Test
    void ownLoopMmtSe() {
        int tasks = 3;
        int rank = 2;
        long seed = 7;
        int maxSteps = 12;
        DataSetIterator train = rows(2000, tasks, 128, 3);
        List<EntropyReading> readings = new ArrayList<>();
        // README: ownLoopMmtSe
        GridSpec box = GridSpec.defenderBox(6, 6);
        List<GridSpec> courts = List.of(GridSpec.court(4, 5), GridSpec.court(8, 10));   // the full-rank stages
        SpatialEntropyListener listener = new SpatialEntropyListener(20, readings::add);  // callback: every reading
        MultiLayerNetwork net = SpatialNetworks.network(new FullRankSpatialLayer.Builder().tasks(tasks)
                .court(courts.get(0)).defenderBox(box).build(),
                new SpatialNetworks.Options(new Adam(0.02), 1e-4, 1, seed, DataType.FLOAT));
        for (int stage = 0; stage <= courts.size(); stage++) {                          // then one CP stage
            net.setListeners(listener);
            listener.reset();
            FineGrainRule rule = FineGrainRules.create(Criterion.WINDOW_PLATEAU, FineGrainRules.Parameters.defaults());
            for (int step = 1; step <= maxSteps; step++) {
                if (!train.hasNext()) train.reset();
                net.fit(train.next());
                EntropyReading r = listener.lastReading();
                if (rule.observe(new StageObservation(step, r.minibatchLoss(), r, Double.NaN))) break;
            }
            if (stage + 1 < courts.size()) net = SpatialModels.fineGrain(net, courts.get(stage + 1), box);
            else if (stage + 1 == courts.size()) net = SpatialModels.handOff(net, rank, seed, 0.002).network();
        }
        // END README
        // the default rule waits 100 minibatches, so every stage ran maxSteps: 2 full-rank stages and the CP stage
        assertThat(readings).hasSize(3 * maxSteps);
        SpatialLayerConf last = (SpatialLayerConf) net.getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(last.kind()).isEqualTo(ModelKind.CP);
        assertThat(last.rank()).isEqualTo(rank);
        assertThat(last.spatialSpec().court()).isEqualTo(GridSpec.court(8, 10));
        assertThat(net.getLearningRate(0)).isEqualTo(0.002);
        assertThat(net.getListeners()).containsExactly(listener);
        assertThat(readings.get(readings.size() - 1).minibatchLoss()).isLessThan(readings.get(0).minibatchLoss());
    }

    @Test
    void readmeBlocksAreTheseMethods() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String source = Files.readString(Path.of("src/test/java/io/github/finegrain/ReadmeExamplesTest.java"),
                StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- compiled: ReadmeExamplesTest#(\\w+) -->\\s*```java\\n(.*?)```",
                Pattern.DOTALL).matcher(readme);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            names.add(name);
            Matcher body = Pattern.compile("// README: " + name + "\\n(.*?)\\n\\s*// END README", Pattern.DOTALL)
                    .matcher(source);
            assertThat(body.find()).as("method with the README block " + name).isTrue();
            assertThat(dedent(body.group(1))).as("README block " + name).isEqualTo(dedent(m.group(2)));
        }
        assertThat(names).containsExactlyInAnyOrder("layerBuilders", "oneCallTrainer", "ownLoopMmtSe");
    }

    /** The lines without their common leading indentation and trailing blanks. */
    private static String dedent(String block) {
        List<String> lines = block.strip().isEmpty() ? List.of() : List.of(block.stripTrailing().split("\\n"));
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            out.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
        }
        return out.toString().strip();
    }
}
