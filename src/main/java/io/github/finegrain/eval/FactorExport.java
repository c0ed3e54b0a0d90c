package io.github.finegrain.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.factor.CpResult;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.CpSpatialParamInitializer;
import io.github.finegrain.model.FullRankSpatialParamInitializer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import io.github.finegrain.train.TrainedModel;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ejml.data.DMatrixRMaj;

/**
 * Writes a model's factors and probability maps as plain files another tool loads in one line, into a folder
 * ({@code export/} of the report folder). Every array file {@code NAME.csv} or {@code NAME.npy} has a JSON sidecar
 * {@code NAME.json} (format {@value #FORMAT}, version {@value #VERSION}) giving its shape, units and each axis:
 * the task names, the component weights, or the grid with every cell centre in feet.
 *
 * <ul>
 *   <li>CSV: no header, comma-separated, {@link Double#toString} numbers; a 2-D array has one line per index of
 *       axis 0, a 1-D array one value per line.</li>
 *   <li>{@code .npy}: NumPy format 1.0, little-endian float64, C order ({@link Npy}); used only for the 3-D
 *       full-rank tensor {@code full_rank_F.npy [tasks, courtCells, defenderCells + 1]}.</li>
 * </ul>
 * Files: {@code task_bias.csv [tasks]}; a CP model's canonical factors ({@link CanonicalComponents})
 * {@code cp_weights.csv [R]}, {@code cp_task_loadings.csv [tasks, R]}, {@code cp_court_factor.csv [courtCells, R]},
 * {@code cp_defender_factor.csv [defenderCells + 1, R]}; a full-rank model's {@code full_rank_F.npy}; and for each
 * task T of {@link ProbabilityMaps} {@code probability_T_none.csv}, {@code probability_T_between.csv},
 * {@code probability_T_side.csv} (probability, [40 x, 50 y]) and {@code defender_effect_T_between.csv},
 * {@code defender_effect_T_side.csv} (percentage points, [40 x, 50 y]).
 */
public final class FactorExport {
    /** The sidecars' {@code format}. */
    public static final String FORMAT = "finegrain-export";
    /** The sidecars' {@code formatVersion}. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FactorExport() {
    }

    /**
     * Writes every file into {@code dir} (created).
     *
     * @param maps the probability maps of the model's tasks ({@link ProbabilityMaps#all})
     * @return the names of the files written, in order
     */
    public static List<String> write(TrainedModel model, List<ProbabilityMaps.TaskMaps> maps, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        SpatialLayerSpec spec = model.spec();
        List<String> tasks = model.tasks().keys();
        Map<String, Object> modelInfo = new LinkedHashMap<>();
        modelInfo.put("kind", model.layerConf().kind().label());
        modelInfo.put("rank", model.layerConf().rank());
        modelInfo.put("tasks", tasks);
        modelInfo.put("court", gridInfo(spec.court()));
        modelInfo.put("defenderBox", gridInfo(spec.defenderBox()));
        modelInfo.put("formula", "p = sigmoid(sum_b sum_c psi_b(x) phi_c(x) F[a,b,c] + bias[a]); psi = one-hot court "
                + "cell of the ball handler, phi = defender counts per box cell plus a constant 1 (last index)");
        MultiLayerNetwork net = model.network();
        String biasKey = model.layerConf().kind() == io.github.finegrain.model.ModelKind.CP ? CpSpatialParamInitializer.BIAS_KEY
                : FullRankSpatialParamInitializer.BIAS_KEY;
        double[] bias = net.getLayer(0).getParam(biasKey).toDoubleVector();
        written.add(csv1(dir, "task_bias", bias, "the per-task bias (logit)", "logit", List.of(taskAxis(tasks)),
                modelInfo));
        if (model.layerConf().kind() == io.github.finegrain.model.ModelKind.CP) {
            CpResult cp = CanonicalComponents.of(model);
            Map<String, Object> comp = componentAxis(cp.weights());
            String canon = "canonical CP form: F[a,b,c] = sum_r w[r] A[a,r] B[b,r] C[c,r]; unit-norm columns, "
                    + "components sorted by weight w; B and C columns have their largest-|value| entry positive, "
                    + "the signs are in the task loadings A";
            written.add(csv1(dir, "cp_weights", cp.weights(), "component weights w (" + canon + ")", "logit",
                    List.of(comp), modelInfo));
            written.add(csv2(dir, "cp_task_loadings", cp.a(), "task loadings A (" + canon + ")", "unit-norm column",
                    List.of(taskAxis(tasks), comp), modelInfo));
            written.add(csv2(dir, "cp_court_factor", cp.b(), "court factor B (" + canon + ")", "unit-norm column",
                    List.of(cellAxis("courtCell", spec.court(), false), comp), modelInfo));
            written.add(csv2(dir, "cp_defender_factor", cp.c(), "defender factor C (" + canon + "); the last row is "
                    + "the constant entry", "unit-norm column", List.of(cellAxis("defenderCell", spec.defenderBox(),
                    true), comp), modelInfo));
        } else {
            org.nd4j.linalg.api.ndarray.INDArray fp = net.getLayer(0)
                    .getParam(FullRankSpatialParamInitializer.WEIGHT_KEY).dup('c');
            double[] f = fp.reshape('c', new long[] {fp.length()}).toDoubleVector();
            int[] shape = {tasks.size(), spec.court().cellCount(), spec.defenderModeSize()};
            Npy.writeDoubles(dir.resolve("full_rank_F.npy"), new NpyArray(shape, f));
            sidecar(dir, "full_rank_F", "full_rank_F.npy", "npy (NumPy 1.0, little-endian float64, C order)", shape,
                    "the full-rank tensor F[a, b, c] (logit contribution)", "logit",
                    List.of(taskAxis(tasks), cellAxis("courtCell", spec.court(), false),
                            cellAxis("defenderCell", spec.defenderBox(), true)), modelInfo);
            written.add("full_rank_F.npy");
        }
        GridSpec g = ProbabilityMaps.GRID;
        List<Map<String, Object>> mapAxes = List.of(lineAxis("x", "feet from the baseline (basket at x = 5.25)", g, true),
                lineAxis("y", "feet from the sideline (basket at y = 25)", g, false));
        for (ProbabilityMaps.TaskMaps t : maps) {
            for (ProbabilityMaps.Defender d : ProbabilityMaps.Defender.values()) {
                written.add(csvMap(dir, "probability_" + t.fileName() + "_" + d.id, t.probability(d),
                        "probability of a shot within 1 s, " + t.displayName() + ", " + d.words
                                + "; the ball handler at each cell centre", "probability", mapAxes, modelInfo));
            }
            for (ProbabilityMaps.Defender d : ProbabilityMaps.Defender.values()) {
                if (d != ProbabilityMaps.Defender.NONE) {
                    written.add(csvMap(dir, "defender_effect_" + t.fileName() + "_" + d.id, t.effectPoints(d),
                            "change in the probability of a shot within 1 s, " + t.displayName() + ", " + d.words
                                    + " minus no defender", "percentage points", mapAxes, modelInfo));
                }
            }
        }
        return written;
    }

    private static String csv1(Path dir, String name, double[] v, String what, String units,
            List<Map<String, Object>> axes, Map<String, Object> model) throws IOException {
        try (Writer w = Files.newBufferedWriter(dir.resolve(name + ".csv"), StandardCharsets.UTF_8)) {
            for (double x : v) {
                w.write(Double.toString(x));
                w.write('\n');
            }
        }
        sidecar(dir, name, name + ".csv", "csv (no header; one value per line)", new int[] {v.length}, what, units,
                axes, model);
        return name + ".csv";
    }

    private static String csv2(Path dir, String name, DMatrixRMaj m, String what, String units,
            List<Map<String, Object>> axes, Map<String, Object> model) throws IOException {
        double[][] rows = new double[m.numRows][m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            for (int j = 0; j < m.numCols; j++) {
                rows[i][j] = m.get(i, j);
            }
        }
        return csv2(dir, name, rows, what, units, axes, model);
    }

    private static String csvMap(Path dir, String name, double[] cells, String what, String units,
            List<Map<String, Object>> axes, Map<String, Object> model) throws IOException {
        GridSpec g = ProbabilityMaps.GRID;
        double[][] rows = new double[g.rows()][g.cols()];
        for (int r = 0; r < g.rows(); r++) {
            System.arraycopy(cells, r * g.cols(), rows[r], 0, g.cols());
        }
        return csv2(dir, name, rows, what, units, axes, model);
    }

    private static String csv2(Path dir, String name, double[][] rows, String what, String units,
            List<Map<String, Object>> axes, Map<String, Object> model) throws IOException {
        try (Writer w = Files.newBufferedWriter(dir.resolve(name + ".csv"), StandardCharsets.UTF_8)) {
            StringBuilder b = new StringBuilder();
            for (double[] row : rows) {
                b.setLength(0);
                for (int j = 0; j < row.length; j++) {
                    if (j > 0) {
                        b.append(',');
                    }
                    b.append(row[j]);
                }
                b.append('\n');
                w.write(b.toString());
            }
        }
        sidecar(dir, name, name + ".csv", "csv (no header; one line per index of axis 0, comma-separated along "
                + "axis 1)", new int[] {rows.length, rows.length == 0 ? 0 : rows[0].length}, what, units, axes, model);
        return name + ".csv";
    }

    private static void sidecar(Path dir, String name, String file, String layout, int[] shape, String what,
            String units, List<Map<String, Object>> axes, Map<String, Object> model) throws IOException {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("format", FORMAT);
        j.put("formatVersion", VERSION);
        j.put("file", file);
        j.put("layout", layout);
        j.put("shape", shape);
        j.put("description", what);
        j.put("units", units);
        j.put("axes", axes);
        j.put("model", model);
        JSON.writeValue(dir.resolve(name + ".json").toFile(), j);
    }

    private static Map<String, Object> gridInfo(GridSpec g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", g.label());
        m.put("rows", g.rows());
        m.put("cols", g.cols());
        m.put("originXFeet", g.originX());
        m.put("originYFeet", g.originY());
        m.put("cellSizeXFeet", g.cellSizeX());
        m.put("cellSizeYFeet", g.cellSizeY());
        return m;
    }

    private static Map<String, Object> taskAxis(List<String> tasks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "task");
        m.put("size", tasks.size());
        m.put("labels", tasks);
        m.put("note", "index 0 is the league task (every player without a task of his own)");
        return m;
    }

    private static Map<String, Object> componentAxis(double[] weights) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "component");
        m.put("size", weights.length);
        m.put("weights", weights);
        return m;
    }

    private static Map<String, Object> cellAxis(String name, GridSpec g, boolean constant) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("size", g.cellCount() + (constant ? 1 : 0));
        m.put("grid", gridInfo(g));
        m.put("cellIndex", "row * cols + col; row along x, col along y");
        m.put("frame", constant ? "box frame, feet: origin at the ball handler, +y toward the basket, +x to his right"
                : "court frame, feet: x from the baseline, y from the sideline, basket at (5.25, 25)");
        double[] cx = new double[g.cellCount()];
        double[] cy = new double[g.cellCount()];
        for (int i = 0; i < cx.length; i++) {
            cx[i] = g.centerX(i);
            cy[i] = g.centerY(i);
        }
        m.put("centreXFeet", cx);
        m.put("centreYFeet", cy);
        if (constant) {
            m.put("constantEntry", g.cellCount());
            m.put("note", "the last index is the constant entry (always 1, no position): the ball handler's own term");
        }
        return m;
    }

    private static Map<String, Object> lineAxis(String name, String what, GridSpec g, boolean alongX) {
        int n = alongX ? g.rows() : g.cols();
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = (alongX ? g.originX() + (i + 0.5) * g.cellSizeX() : g.originY() + (i + 0.5) * g.cellSizeY());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("size", n);
        m.put("description", what);
        m.put("grid", gridInfo(g));
        m.put("centresFeet", c);
        return m;
    }
}
