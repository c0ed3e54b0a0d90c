package io.github.finegrain.eval;

import io.github.finegrain.data.TaskIndex;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.CpSpatialParamInitializer;
import io.github.finegrain.model.FullRankSpatialParamInitializer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.report.CourtHeatmap;
import io.github.finegrain.report.DefenderBoxHeatmap;
import io.github.finegrain.report.HeatmapOptions;
import io.github.finegrain.report.LoadingsChart;
import io.github.finegrain.report.RunReport;
import io.github.finegrain.report.TrainingCurves;
import io.github.finegrain.train.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pictures of a trained model, written as PNGs into a folder.
 *
 * <ul>
 *   <li>CP model: for the {@code components} strongest components k (by ‖A_k‖·‖B_k‖·‖C_k‖): the court factor
 *       B[:, k] over the half court, the defender factor C[:, k] over the box (its constant entry in the subtitle),
 *       and the ranked task loadings A[:, k].</li>
 *   <li>Full-rank model: for the league task and the players with their own task: the ball handler's own court map
 *       F[a, :, C] (C = the constant defender entry) and the defender map averaged over court cells,
 *       mean_b F[a, b, c].</li>
 *   <li>Training curves from {@code trace.csv} when given (loss vs seconds and vs minibatches, fine-graining and the
 *       CP hand-off marked).</li>
 * </ul>
 */
public final class ModelFigures {
    private ModelFigures() {
    }

    /**
     * Writes the model's pictures (and the curves of {@code traceCsv} if not null) into {@code dir}.
     *
     * @return the figures, in page order
     */
    public static List<RunReport.Figure> write(TrainedModel model, Path traceCsv, Path dir, int components)
            throws IOException {
        Files.createDirectories(dir);
        List<RunReport.Figure> figures = new ArrayList<>();
        if (traceCsv != null && Files.isRegularFile(traceCsv)) {
            TrainingCurves curves = TrainingCurves.fromCsv(traceCsv, TrainingCurves.Options.titled("Training"));
            curves.writeVsSeconds(dir.resolve("curves_seconds.png"));
            curves.writeVsIterations(dir.resolve("curves_minibatches.png"));
            figures.add(new RunReport.Figure("curves_seconds.png",
                    "Validation and smoothed minibatch log loss vs wall-clock seconds; fine-graining and the CP "
                            + "hand-off marked"));
            figures.add(new RunReport.Figure("curves_minibatches.png", "The same vs minibatches"));
        }
        MultiLayerNetwork net = model.network();
        SpatialLayerSpec spec = model.spec();
        GridSpec court = spec.court();
        GridSpec box = spec.defenderBox();
        List<String> keys = model.tasks().keys();
        if (model.layerConf().kind() == io.github.finegrain.model.ModelKind.CP) {
            double[][] a = net.getLayer(0).getParam(CpSpatialParamInitializer.TASK_KEY).toDoubleMatrix();
            double[][] b = net.getLayer(0).getParam(CpSpatialParamInitializer.COURT_KEY).toDoubleMatrix();
            double[][] c = net.getLayer(0).getParam(CpSpatialParamInitializer.DEFENDER_KEY).toDoubleMatrix();
            int rank = a[0].length;
            Integer[] order = IntStream.range(0, rank).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble(k -> -strength(a, b, c, k)));
            for (int i = 0; i < Math.min(components, rank); i++) {
                int k = order[i];
                double[] bk = column(b, k, b.length);
                double[] ck = column(c, k, c.length - 1);
                double constant = c[c.length - 1][k];
                String name = "k" + k;
                new CourtHeatmap(court, new HeatmapOptions("Court factor B[:, " + k + "]",
                        "component " + k + " (rank " + (i + 1) + " of " + rank + " by strength)", "loading", Double.NaN,
                        0)).write(bk, dir.resolve("court_" + name + ".png"));
                new DefenderBoxHeatmap(box, new HeatmapOptions("Defender factor C[:, " + k + "]",
                        String.format(java.util.Locale.ROOT, "constant entry %.3f", constant), "loading", Double.NaN,
                        0)).write(ck, dir.resolve("defender_" + name + ".png"));
                new LoadingsChart(LoadingsChart.Options.titled("Task loadings A[:, " + k + "]"))
                        .write(keys, column(a, k, a.length), dir.resolve("loadings_" + name + ".png"));
                figures.add(new RunReport.Figure("court_" + name + ".png", "Component " + k
                        + ": where on the court it acts (basket at the left)"));
                figures.add(new RunReport.Figure("defender_" + name + ".png", "Component " + k
                        + ": how defenders in the box around the ball handler change it (basket up)"));
                figures.add(new RunReport.Figure("loadings_" + name + ".png", "Component " + k
                        + ": which tasks (players; task 0 = league) load on it"));
            }
        } else {
            INDArray f = net.getLayer(0).getParam(FullRankSpatialParamInitializer.WEIGHT_KEY);
            int shown = 0;
            for (int t = 0; t < keys.size() && shown < components; t++, shown++) {
                INDArray slice = f.slice(t); // [courtCells, defender + 1]
                double[] own = slice.getColumn(spec.constantCell()).toDoubleVector();
                double[] def = slice.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, spec.constantCell())).mean(0)
                        .toDoubleVector();
                String name = t == TaskIndex.LEAGUE_INDEX ? "league" : "task" + t;
                new CourtHeatmap(court, new HeatmapOptions("F[" + keys.get(t) + ", :, constant]",
                        "the ball handler's own court map (logit contribution)", "logit", Double.NaN, 0))
                        .write(own, dir.resolve("court_" + name + ".png"));
                new DefenderBoxHeatmap(box, new HeatmapOptions("mean over court cells of F[" + keys.get(t) + ", :, c]",
                        "effect of one defender in each box cell", "logit", Double.NaN, 0))
                        .write(def, dir.resolve("defender_" + name + ".png"));
                figures.add(new RunReport.Figure("court_" + name + ".png", keys.get(t) + ": court map"));
                figures.add(new RunReport.Figure("defender_" + name + ".png", keys.get(t) + ": defender map"));
            }
        }
        return figures;
    }

    private static double strength(double[][] a, double[][] b, double[][] c, int k) {
        return norm(a, k) * norm(b, k) * norm(c, k);
    }

    private static double norm(double[][] m, int k) {
        double s = 0;
        for (double[] row : m) {
            s += row[k] * row[k];
        }
        return Math.sqrt(s);
    }

    private static double[] column(double[][] m, int k, int rows) {
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = m[i][k];
        }
        return v;
    }
}
