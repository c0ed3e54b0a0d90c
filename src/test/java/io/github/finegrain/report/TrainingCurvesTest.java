package io.github.finegrain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesTest {

    static TracePoint p(double s, int it, int stage, String court, double mb, double val, String event) {
        return new TracePoint(s, it, stage, stage < 2 ? "full-rank" : "cp", court, "6x6", mb, val, event);
    }

    /** Three stages of 4 rows: fine-grain after row 3, hand-off after row 7. */
    static List<TracePoint> small() {
        List<TracePoint> r = new ArrayList<>();
        String[] courts = {"4x5", "8x10", "8x10"};
        int it = 0;
        for (int s = 0; s < 3; s++) {
            for (int k = 0; k < 4; k++) {
                it++;
                String ev = k < 3 ? "" : s == 0 ? "fine-grain" : s == 1 ? "hand-off" : "stop";
                r.add(p(it * 2.0, it, s, courts[s], 0.5 + 0.1 * s + 0.01 * k, k % 2 == 1 ? 0.4 - 0.01 * it : Double.NaN,
                        ev));
            }
        }
        return r;
    }

    @Test
    void eventsAreTheFineGrainingsAndTheHandOffWithTheirLabels() {
        TrainingCurves c = new TrainingCurves(small(), TrainingCurves.Options.titled("t"));
        assertThat(c.events()).containsExactly(
                new TrainingCurves.Event(8.0, 4, TracePoint.FINE_GRAIN, "→ 8x10 / 6x6"),
                new TrainingCurves.Event(16.0, 8, TracePoint.HAND_OFF, "CP hand-off"));
    }

    @Test
    void smoothingIsACentredMovingAverageWithinEachStage() {
        // window 3 (h = 1): inside a stage the mean of three neighbours, at a stage edge the mean of two
        TrainingCurves c = new TrainingCurves(small(), new TrainingCurves.Options("t", 3, 600, 400));
        double[] s = c.smoothedMinibatchLoss();
        assertThat(s[0]).isCloseTo((0.50 + 0.51) / 2, within(1e-12));
        assertThat(s[1]).isCloseTo(0.51, within(1e-12));
        assertThat(s[3]).isCloseTo((0.52 + 0.53) / 2, within(1e-12)); // does not reach into stage 1
        assertThat(s[4]).isCloseTo((0.60 + 0.61) / 2, within(1e-12));
        TrainingCurves raw = new TrainingCurves(small(), new TrainingCurves.Options("t", 1, 600, 400));
        assertThat(raw.smoothedMinibatchLoss()[5]).isCloseTo(0.61, within(1e-12));
    }

    @Test
    void chartsHaveTheValidationPointsTheBrokenSmoothedCurveAndTheMarkers() {
        TrainingCurves c = new TrainingCurves(small(), TrainingCurves.Options.titled("t"));
        Map<JFreeChart, List<Double>> expectedX = new LinkedHashMap<>();
        expectedX.put(c.vsSeconds(), List.of(8.0, 16.0));
        expectedX.put(c.vsIterations(), List.of(4.0, 8.0));
        for (Map.Entry<JFreeChart, List<Double>> e : expectedX.entrySet()) {
            XYPlot plot = e.getKey().getXYPlot();
            XYDataset d = plot.getDataset();
            assertThat(d.getItemCount(0)).isEqualTo(6); // validation every other row
            assertThat(d.getItemCount(1)).isEqualTo(12 + 2); // 12 rows and a gap at each of the 2 swaps
            assertThat(d.getYValue(1, 4)).isNaN();
            List<Double> xs = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (Object o : plot.getDomainMarkers(Layer.FOREGROUND)) {
                xs.add(((ValueMarker) o).getValue());
                labels.add(((Marker) o).getLabel());
            }
            assertThat(labels).containsExactly("→ 8x10 / 6x6", "CP hand-off");
            assertThat(xs).isEqualTo(e.getValue());
        }
        assertThat(c.vsSeconds().getXYPlot().getDomainAxis().getLabel()).isEqualTo("wall-clock seconds");
        assertThat(c.vsIterations().getXYPlot().getDomainAxis().getLabel()).isEqualTo("minibatches (iterations)");
        assertThat(c.vsSeconds().getXYPlot().getLegendItems().getItemCount()).isEqualTo(4);
    }

    @Test
    void theHandOffMarkerIsDrawnAtItsTime(@TempDir Path dir) throws Exception {
        Path trace = SyntheticTrace.write(SyntheticTrace.rows(5), dir.resolve("trace.csv"));
        TrainingCurves c = TrainingCurves.fromCsv(trace, TrainingCurves.Options.titled("synthetic"));
        assertThat(c.events()).hasSize(4);
        TrainingCurves.Event handOff = c.events().get(3);
        assertThat(handOff.kind()).isEqualTo(TracePoint.HAND_OFF);
        assertThat(handOff.iteration()).isEqualTo(120 + 150 + 200 + 150);

        ChartRenderingInfo info = new ChartRenderingInfo();
        JFreeChart chart = c.vsSeconds();
        BufferedImage img = chart.createBufferedImage(900, 520, BufferedImage.TYPE_INT_RGB, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        double px = chart.getXYPlot().getDomainAxis().valueToJava2D(handOff.seconds(), area, RectangleEdge.BOTTOM);
        int column = (int) Math.round(px);
        int purple = 0; // the most hand-off-coloured pixels in one column near px
        for (int x = column - 1; x <= column + 1; x++) {
            int n = 0;
            for (int y = (int) area.getMinY() + 1; y < area.getMaxY() - 1; y++) {
                Color col = new Color(img.getRGB(x, y));
                if (Math.abs(col.getRed() - TrainingCurves.HAND_OFF.getRed()) < 40
                        && Math.abs(col.getGreen() - TrainingCurves.HAND_OFF.getGreen()) < 40
                        && Math.abs(col.getBlue() - TrainingCurves.HAND_OFF.getBlue()) < 40) {
                    n++;
                }
            }
            purple = Math.max(purple, n);
        }
        assertThat(purple).as("purple pixels in the hand-off column").isGreaterThan((int) (0.7 * area.getHeight()));

        BufferedImage png = Pixels.readPng(c.writeVsIterations(dir.resolve("it.png")));
        assertThat(png.getWidth()).isEqualTo(900);
        assertThat(png.getHeight()).isEqualTo(520);
        assertThat(Pixels.readPng(c.writeVsSeconds(dir.resolve("s.png"))).getWidth()).isEqualTo(900);
    }
}
