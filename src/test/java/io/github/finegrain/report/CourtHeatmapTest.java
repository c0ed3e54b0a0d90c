package io.github.finegrain.report;

import static io.github.finegrain.report.Pixels.at;
import static io.github.finegrain.report.Pixels.darkestNear;
import static io.github.finegrain.report.Pixels.luminance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.grid.GridSpec;
import java.awt.Color;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CourtHeatmapTest {
    static final GridSpec G8x10 = GridSpec.court(8, 10);

    static double[] planted(GridSpec g, int row, int col, double v) {
        double[] a = new double[g.cellCount()];
        a[row * g.cols() + col] = v;
        return a;
    }

    @Test
    void layoutIsTwelvePixelsPerFootWithTheBasketAtTheLeftAndYUp() {
        CourtHeatmap h = new CourtHeatmap(G8x10, HeatmapOptions.titled("t"));
        BufferedImage img = h.render(new double[80]);
        assertThat(img.getWidth()).isEqualTo(h.width()).isEqualTo(64 + 480 + 118);
        assertThat(img.getHeight()).isEqualTo(h.height()).isEqualTo(64 + 600 + 50);
        Point2D origin = h.pixelOf(0, 0);
        assertThat(h.pixelOf(40, 0).getX() - origin.getX()).isEqualTo(480.0);
        assertThat(origin.getY() - h.pixelOf(0, 50).getY()).isEqualTo(600.0);
        // basket at the left: small x (near the baseline) is drawn left of large x; y grows upward
        assertThat(h.pixelOf(CourtHeatmap.BASKET_X, 25).getX()).isLessThan(h.pixelOf(30, 25).getX());
        assertThat(h.pixelOf(10, 45).getY()).isLessThan(h.pixelOf(10, 5).getY());
    }

    @Test
    void aPlantedHighCellIsDrawnInTheTopColourAtItsPlace() {
        CourtHeatmap h = new CourtHeatmap(G8x10, HeatmapOptions.titled("planted"));
        double[] v = planted(G8x10, 6, 1, 2.0); // x in [30, 35), y in [5, 10)
        v[5 * 10 + 8] = -0.8; // x in [25, 30), y in [40, 45)
        BufferedImage img = h.render(v);
        assertThat(h.limitFor(v)).isEqualTo(2.0);
        assertThat(at(img, h.pixelOf(32.5, 7.5))).isEqualTo(DivergingPalette.MOST_POSITIVE);
        // the whole cell is filled, up to just inside its edges
        assertThat(at(img, h.pixelOf(30.2, 5.2))).isEqualTo(DivergingPalette.MOST_POSITIVE);
        assertThat(at(img, h.pixelOf(34.8, 9.8))).isEqualTo(DivergingPalette.MOST_POSITIVE);
        // and not beyond them
        assertThat(at(img, h.pixelOf(35.3, 7.5))).isEqualTo(DivergingPalette.ZERO);
        assertThat(at(img, h.pixelOf(32.5, 10.3))).isEqualTo(DivergingPalette.ZERO);
        assertThat(at(img, h.pixelOf(27.5, 42.5))).isEqualTo(DivergingPalette.colour(-0.8, 2))
                .isEqualTo(new Color(0x92c5de));
        assertThat(at(img, h.pixelOf(37.5, 27.5))).isEqualTo(DivergingPalette.ZERO);
    }

    @Test
    void courtLinesAreDrawnAtTheirPlaces() {
        CourtHeatmap h = new CourtHeatmap(G8x10, HeatmapOptions.titled("lines"));
        BufferedImage img = h.render(new double[80]);
        double t = CourtHeatmap.THREE_RADIUS / Math.sqrt(2);
        double[][] onLines = {
            {0, 40}, // baseline
            {20, 0}, {20, 50}, // sidelines
            {19, 20}, {10, 17}, {10, 33}, // free-throw line and lane sides
            {25, 25}, // free-throw circle, far side
            {9.25, 25}, {5.25, 21}, // restricted arc and its straight end
            {10, 3}, {10, 47}, // corner 3-point lines, 22 ft from the basket
            {29, 25}, {5.25 + t, 25 + t}, {5.25 + t, 25 - t}, // 3-point arc
            {4, 27}, // backboard
            {6.0, 25}, {5.25, 24.25}, // rim
        };
        for (double[] p : onLines) {
            assertThat(darkestNear(img, h.pixelOf(p[0], p[1]), 1)).as("line at (%s, %s)", p[0], p[1])
                    .isLessThan(80);
        }
        double[][] offLines = {{30, 40}, {12, 25}, {5.25, 25}, {17, 5}, {14, 10}, {35, 25}};
        for (double[] p : offLines) {
            assertThat(at(img, h.pixelOf(p[0], p[1]))).as("no line at (%s, %s)", p[0], p[1])
                    .isEqualTo(DivergingPalette.ZERO);
        }
        // the corner 3-point line ends where it meets the arc (x ≈ 14.2 ft), it does not run on
        assertThat(CourtHeatmap.THREE_BREAK_X).isCloseTo(14.198, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(at(img, h.pixelOf(20, 3))).isEqualTo(DivergingPalette.ZERO);
    }

    @Test
    void colourBarRunsFromTheNegativeEndAtTheBottomToThePositiveEndAtTheTop() {
        CourtHeatmap h = new CourtHeatmap(G8x10, HeatmapOptions.titled("bar"));
        BufferedImage img = h.render(planted(G8x10, 0, 0, 0.5));
        int x = HeatmapCanvas.LEFT + 480 + HeatmapCanvas.BAR_GAP + HeatmapCanvas.BAR_WIDTH / 2;
        Color top = at(img, x, HeatmapCanvas.TOP + 1);
        Color middle = at(img, x, HeatmapCanvas.TOP + 300);
        Color bottom = at(img, x, HeatmapCanvas.TOP + 598);
        assertThat(top.getRed()).isGreaterThan(top.getBlue() + 60);
        assertThat(bottom.getBlue()).isGreaterThan(bottom.getRed() + 60);
        assertThat(luminance(middle)).isGreaterThan(240);
        assertThat(luminance(top)).isLessThan(60);
    }

    @Test
    void anyRectangularGridFromFourByFiveToFortyByFifty() {
        GridSpec coarse = GridSpec.court(4, 5);
        CourtHeatmap hc = new CourtHeatmap(coarse, HeatmapOptions.titled("4x5"));
        BufferedImage ci = hc.render(planted(coarse, 3, 0, -0.7)); // x in [30, 40), y in [0, 10)
        assertThat(at(ci, hc.pixelOf(35, 5))).isEqualTo(DivergingPalette.MOST_NEGATIVE);
        assertThat(at(ci, hc.pixelOf(35, 15))).isEqualTo(DivergingPalette.ZERO);

        GridSpec fine = GridSpec.court(40, 50);
        CourtHeatmap hf = new CourtHeatmap(fine, HeatmapOptions.titled("40x50").withPixelsPerFoot(8));
        BufferedImage fi = hf.render(planted(fine, 33, 40, 3.0)); // x in [33, 34), y in [40, 41)
        assertThat(fi.getWidth()).isEqualTo(64 + 320 + 118);
        assertThat(at(fi, hf.pixelOf(33.5, 40.5))).isEqualTo(DivergingPalette.MOST_POSITIVE);
        assertThat(at(fi, hf.pixelOf(34.5, 40.5))).isEqualTo(DivergingPalette.ZERO);
        assertThat(at(fi, hf.pixelOf(33.5, 41.5))).isEqualTo(DivergingPalette.ZERO);
    }

    @Test
    void aGivenLimitFixesTheScaleAndNanCellsAreGrey() {
        CourtHeatmap h = new CourtHeatmap(G8x10, HeatmapOptions.titled("limit").withLimit(4));
        double[] v = planted(G8x10, 6, 1, 1.6);
        v[7 * 10 + 5] = Double.NaN;
        BufferedImage img = h.render(v);
        assertThat(at(img, h.pixelOf(32.5, 7.5))).isEqualTo(new Color(0xf4a582));
        assertThat(at(img, h.pixelOf(37.5, 27.5))).isEqualTo(DivergingPalette.MISSING);
    }

    @Test
    void writesAValidPngOfTheRenderedSize(@TempDir Path dir) throws Exception {
        CourtHeatmap h = new CourtHeatmap(G8x10, HeatmapOptions.titled("file"));
        Path png = h.write(planted(G8x10, 6, 1, 1.0), dir.resolve("sub/court.png"));
        BufferedImage img = Pixels.readPng(png);
        assertThat(img.getWidth()).isEqualTo(h.width());
        assertThat(img.getHeight()).isEqualTo(h.height());
        assertThat(at(img, h.pixelOf(32.5, 7.5))).isEqualTo(DivergingPalette.MOST_POSITIVE);
    }

    @Test
    void failsFastOnWrongLengthsAndGridsOutsideTheZone() {
        CourtHeatmap h = new CourtHeatmap(G8x10, HeatmapOptions.titled("x"));
        assertThatThrownBy(() -> h.render(new double[81])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 80 values").hasMessageContaining("found 81");
        assertThatThrownBy(() -> new CourtHeatmap(new GridSpec(0, 0, 47, 50, 4, 5), HeatmapOptions.titled("x")))
                .hasMessageContaining("inside the court zone").hasMessageContaining("[0, 47");
        assertThatThrownBy(() -> HeatmapOptions.titled("x").withLimit(-1)).hasMessageContaining("found -1");
        assertThatThrownBy(() -> HeatmapOptions.titled("x").withPixelsPerFoot(1)).hasMessageContaining("found 1");
    }
}
