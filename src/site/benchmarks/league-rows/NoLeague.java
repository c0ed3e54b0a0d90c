import io.github.finegrain.bench.Fig3Benchmark;
import io.github.finegrain.data.TaskIndexes;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.factor.Congruence;
import io.github.finegrain.model.CpSpatialParamInitializer;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.train.*;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ejml.data.DMatrixRMaj;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** One-off experiment (issue 12): the MMT-SE pipeline at the fig3 default scale with and without the league rows. */
public class NoLeague {
    public static void main(String[] args) {
        boolean league = args.length > 0 && args[0].equals("league");
        var s = new Fig3Benchmark.Scale(439, 2_000_000, 20, 0.08, 2.0, 7, 8);
        var d = Fig3Benchmark.data(s);
        TaskIndex tasks = TaskIndexes.fromTraining(d.train(), 1);
        DataSet all = ExampleRows.training(d.train(), tasks, DataType.FLOAT);
        DataSet rows = all;
        if (!league) {
            float[] fx = all.getFeatures().data().asFloat();
            float[] fy = all.getLabels().data().asFloat();
            int w = (int) all.getFeatures().size(1);
            int n = (int) all.getFeatures().size(0);
            int keep = 0;
            for (int r = 0; r < n; r++) if (fx[r * w] != 0) keep++;
            float[] x = new float[keep * w];
            float[] y = new float[keep];
            int k = 0;
            for (int r = 0; r < n; r++) {
                if (fx[r * w] != 0) {
                    System.arraycopy(fx, r * w, x, k * w, w);
                    y[k++] = fy[r];
                }
            }
            rows = new DataSet(Nd4j.create(x, new long[] {keep, w}), Nd4j.create(y, new long[] {keep, 1}));
            all = null;
        }
        double pos = rows.getLabels().sumNumber().doubleValue() / rows.numExamples();
        MultiResolutionOptions o = MultiResolutionOptions.builder().ladder(MultiResolutionOptions.paperLadder())
                .rank(20).seed(1).dataType(DataType.FLOAT).minTaskExamples(1).validationEvery(50)
                .maxStepsPerStage(Integer.MAX_VALUE).maxMinutes(8).build();
        DataSet val = ExampleRows.scoring(d.val(), tasks, DataType.FLOAT);
        var stream = new InMemoryMinibatchStream(rows, o.batchSize(), 1, 0, 0);
        var r = new MultiResolutionTrainer(o, new DefaultStageTransition()).fit(stream, val, tasks, pos, "x");
        double constant = -(pos * Math.log(pos) + (1 - pos) * Math.log(1 - pos));
        double oracle = BinaryMetrics.of(Fig3Benchmark.oracleProbabilities(d.planted(), d.val()), d.val().labels(), 0.5).logLoss();
        double best = r.stages().stream().mapToDouble(StageRecord::bestValidationLoss).min().orElse(Double.NaN);
        MultiLayerNetwork net = r.model().network();
        double[][] a = net.getLayer(0).getParam(CpSpatialParamInitializer.TASK_KEY).toDoubleMatrix();
        double[][] b = net.getLayer(0).getParam(CpSpatialParamInitializer.COURT_KEY).toDoubleMatrix();
        double[][] c = net.getLayer(0).getParam(CpSpatialParamInitializer.DEFENDER_KEY).toDoubleMatrix();
        double[][] ap = new double[439][];
        for (int p = 0; p < 439; p++) ap[p] = a[tasks.indexOf(String.format("P%03d", p))].clone();
        DMatrixRMaj[] learned = {new DMatrixRMaj(ap), new DMatrixRMaj(b), new DMatrixRMaj(c)};
        double cong = Congruence.coefficient(Fig3Benchmark.plantedFactors(d.planted()), learned);
        double test = BinaryMetrics.of(r.model().predict(d.test()), d.test().labels(), 0.5).logLoss();
        System.out.printf("league rows %s: training rows %d, final stage %d, best val %.5f, share %.3f, test %.5f, congruence %.3f, %.1f s%n",
                league, rows.numExamples(), r.finalStage(), best, (constant - best) / (constant - oracle), test, cong, r.seconds());
        for (StageRecord st : r.stages()) System.out.println("  " + st.kind() + " " + st.court() + "/" + st.defender() + " " + st.iterations() + " " + st.endReason() + " " + st.bestValidationLoss());
    }
}
