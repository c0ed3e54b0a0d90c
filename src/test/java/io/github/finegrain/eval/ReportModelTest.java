package io.github.finegrain.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.finegrain.bundle.ModelBundle;
import io.github.finegrain.factor.CpResult;
import io.github.finegrain.model.CpSpatialParamInitializer;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.FullRankSpatialLayer;
import io.github.finegrain.model.SpatialLayerSpec;
import io.github.finegrain.model.SpatialNetworks;
import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import io.github.finegrain.train.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** Probability maps, canonical components and the export of the golden CP bundle (league + LeBron James). */
class ReportModelTest {
    static TrainedModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        model = ModelBundle.load(Path.of(ReportModelTest.class.getResource("/golden/bundle-v1/model.zip").toURI()));
    }

    @Test
    void probabilityMapsAreTheNetworksOutputAtCellCentres() {
        ProbabilityMaps.TaskMaps lebron = ProbabilityMaps.of(model, 1);
        assertThat(lebron.fileName()).isEqualTo("LeBron_James");
        assertThat(ProbabilityMaps.fileName("(league)")).isEqualTo("league");
        assertThat(ProbabilityMaps.fileName("D'Angelo Russell")).isEqualTo("D_Angelo_Russell");
        // the cell with centre (12.5, 25.5): row 12, col 25
        int cell = 12 * 50 + 25;
        double[] none = model.predictRows(Nd4j.createFromArray(new float[][] {
            {1, 12.5f, 25.5f, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN,
                Float.NaN, Float.NaN}}));
        double[] between = model.predictRows(Nd4j.createFromArray(new float[][] {
            {1, 12.5f, 25.5f, 0, 3, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN,
                Float.NaN}}));
        assertThat(lebron.probability(ProbabilityMaps.Defender.NONE)[cell]).isCloseTo(none[0], within(1e-6));
        assertThat(lebron.probability(ProbabilityMaps.Defender.BETWEEN)[cell]).isCloseTo(between[0], within(1e-6));
        assertThat(lebron.effectPoints(ProbabilityMaps.Defender.BETWEEN)[cell])
                .isCloseTo(100 * (between[0] - none[0]), within(1e-4));
        // a defender changes something somewhere, and the league and LeBron maps differ
        double[] league = ProbabilityMaps.of(model, 0).probability(ProbabilityMaps.Defender.NONE);
        assertThat(league[cell]).isNotCloseTo(none[0], within(1e-3));
    }

    @Test
    void canonicalComponentsKeepTheTensorAndFixSignsAndOrder() {
        MultiLayerNetwork net = model.network();
        double[][] a = net.getLayer(0).getParam(CpSpatialParamInitializer.TASK_KEY).toDoubleMatrix();
        double[][] b = net.getLayer(0).getParam(CpSpatialParamInitializer.COURT_KEY).toDoubleMatrix();
        double[][] c = net.getLayer(0).getParam(CpSpatialParamInitializer.DEFENDER_KEY).toDoubleMatrix();
        CpResult cp = CanonicalComponents.of(model);
        double[] w = cp.weights();
        for (int r = 1; r < w.length; r++) {
            assertThat(w[r]).isLessThanOrEqualTo(w[r - 1]);
        }
        for (int r = 0; r < w.length; r++) {
            assertThat(largest(cp.b(), r)).isPositive();
            assertThat(largest(cp.c(), r)).isPositive();
        }
        // F[a, b, c] unchanged at a few entries
        for (int[] e : new int[][] {{0, 0, 0}, {1, 1234, 77}, {0, 611, 144}, {1, 1999, 12}}) {
            double raw = 0;
            for (int r = 0; r < w.length; r++) {
                raw += a[e[0]][r] * b[e[1]][r] * c[e[2]][r];
            }
            double canon = 0;
            for (int r = 0; r < w.length; r++) {
                canon += w[r] * cp.a().get(e[0], r) * cp.b().get(e[1], r) * cp.c().get(e[2], r);
            }
            assertThat(canon).isCloseTo(raw, within(1e-6 * Math.max(1, Math.abs(raw))));
        }
    }

    private static double largest(org.ejml.data.DMatrixRMaj m, int col) {
        double best = 0;
        for (int i = 0; i < m.numRows; i++) {
            if (Math.abs(m.get(i, col)) > Math.abs(best)) {
                best = m.get(i, col);
            }
        }
        return best;
    }

    @Test
    void exportWritesCsvWithSidecarsThatDescribeEveryAxis() throws Exception {
        List<ProbabilityMaps.TaskMaps> maps = ProbabilityMaps.all(model);
        List<String> files = FactorExport.write(model, maps, dir);
        assertThat(files).contains("cp_court_factor.csv", "cp_task_loadings.csv", "cp_weights.csv",
                "cp_defender_factor.csv", "task_bias.csv", "probability_league_none.csv",
                "defender_effect_LeBron_James_between.csv");
        List<String> lines = Files.readAllLines(dir.resolve("probability_LeBron_James_side.csv"));
        assertThat(lines).hasSize(40);
        assertThat(lines.get(12).split(",")).hasSize(50);
        assertThat(Double.parseDouble(lines.get(12).split(",")[25]))
                .isEqualTo(maps.get(1).probability(ProbabilityMaps.Defender.SIDE)[12 * 50 + 25]);
        JsonNode side = new ObjectMapper().readTree(dir.resolve("probability_LeBron_James_side.json").toFile());
        assertThat(side.path("formatVersion").asInt()).isEqualTo(FactorExport.VERSION);
        assertThat(side.path("axes").get(0).path("centresFeet").get(12).asDouble()).isEqualTo(12.5);
        assertThat(side.path("axes").get(1).path("centresFeet").size()).isEqualTo(50);
        assertThat(side.path("model").path("tasks").get(1).asText()).isEqualTo("LeBron James");

        CpResult cp = CanonicalComponents.of(model);
        List<String> court = Files.readAllLines(dir.resolve("cp_court_factor.csv"));
        assertThat(court).hasSize(2000);
        assertThat(Double.parseDouble(court.get(1234).split(",")[3])).isEqualTo(cp.b().get(1234, 3));
        JsonNode cj = new ObjectMapper().readTree(dir.resolve("cp_court_factor.json").toFile());
        assertThat(cj.path("shape").get(1).asInt()).isEqualTo(20);
        assertThat(cj.path("axes").get(0).path("centreXFeet").get(1234).asDouble()).isEqualTo(24.5);
        assertThat(cj.path("axes").get(0).path("centreYFeet").get(1234).asDouble()).isEqualTo(34.5);
        assertThat(cj.path("axes").get(1).path("weights").get(0).asDouble()).isEqualTo(cp.weights()[0]);
        JsonNode dj = new ObjectMapper().readTree(dir.resolve("cp_defender_factor.json").toFile());
        assertThat(dj.path("axes").get(0).path("constantEntry").asInt()).isEqualTo(144);
        assertThat(dir.resolve("full_rank_F.npy")).doesNotExist();
    }

    @Test
    void fullRankModelExportsFAsNpyAndDrawsPerTaskMaps() throws Exception {
        SpatialLayerSpec spec = new SpatialLayerSpec(2, GridSpec.court(4, 5), GridSpec.defenderBox(3, 3));
        MultiLayerNetwork net = SpatialNetworks.network(new FullRankSpatialLayer(spec),
                new SpatialNetworks.Options(new Adam(0.01), 0, 1, 7, DataType.DOUBLE));
        TrainedModel fr = new TrainedModel(net, TaskIndex.of(List.of(TaskIndex.LEAGUE, "A. Player")), 7, "x");
        Path page = ModelReport.write(fr, null, null, dir, 6);
        String html = Files.readString(page);
        assertThat(html).contains("court_A__Player.png").contains("probability_A__Player.png")
                .contains("full-rank model");
        NpyArray f = Npy.read(dir.resolve("export/full_rank_F.npy"));
        assertThat(f.shape()).containsExactly(2, 20, 10);
        assertThat(f.get(1, 7, 9)).isEqualTo(net.getLayer(0).getParam("F").getDouble(1, 7, 9));
        JsonNode j = new ObjectMapper().readTree(dir.resolve("export/full_rank_F.json").toFile());
        assertThat(j.path("axes").get(2).path("size").asInt()).isEqualTo(10);
        assertThat(j.path("axes").get(2).path("constantEntry").asInt()).isEqualTo(9);
        assertThat(dir.resolve("export/cp_court_factor.csv")).doesNotExist();
    }

    @Test
    void courtWordsNameTheSpots() {
        assertThat(CourtWords.spot(5.5, 25.5)).startsWith("at the rim");
        assertThat(CourtWords.spot(12.5, 25.5)).startsWith("in the paint");
        assertThat(CourtWords.spot(2.5, 1.5)).startsWith("in the corner three");
        assertThat(CourtWords.spot(32, 25)).startsWith("beyond the three-point arc");
        assertThat(CourtWords.spot(15.5, 12.5)).startsWith("mid-range");
        assertThat(CourtWords.defender(0, 3)).isEqualTo("3.0 ft toward the basket");
        assertThat(CourtWords.defender(-1.5, -1)).isEqualTo("1.0 ft behind him and 1.5 ft to his left");
    }
}
