package io.github.finegrain.report;

import static io.github.finegrain.report.Pixels.at;
import static io.github.finegrain.report.Pixels.darkestNear;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.grid.GridSpec;
import java.awt.Color;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefenderBoxHeatmapTest {
    static final GridSpec BOX = GridSpec.defenderBox(6, 6); // 2 ft cells

    @Test
    void layoutPutsTheHandlersRightToTheRightAndTheBasketUp() {
        DefenderBoxHeatmap h = new DefenderBoxHeatmap(BOX, HeatmapOptions.titled("box"));
        BufferedImage img = h.render(new double[36]);
        assertThat(img.getWidth()).isEqualTo(h.width()).isEqualTo(64 + 432 + 118);
        assertThat(img.getHeight()).isEqualTo(h.height()).isEqualTo(64 + 432 + 50);
        Point2D corner = h.pixelOf(-6, -2);
        assertThat(corner.getX()).isEqualTo(HeatmapCanvas.LEFT);
        assertThat(corner.getY()).isEqualTo(HeatmapCanvas.TOP + 432.0);
        assertThat(h.pixelOf(3, 0).getX()).isGreaterThan(h.pixelOf(-3, 0).getX());
        assertThat(h.pixelOf(0, 8).getY()).isLessThan(h.pixelOf(0, -1).getY());
    }

    @Test
    void aPlantedCellIsDrawnAtItsPlace() {
        DefenderBoxHeatmap h = new DefenderBoxHeatmap(BOX, HeatmapOptions.titled("planted"));
        double[] v = new double[36];
        v[4 * 6 + 3] = 0.8; // row 4: x in [2, 4); col 3: y in [4, 6)  (ahead, to the right)
        v[1 * 6 + 0] = -0.4; // row 1: x in [-4, -2); col 0: y in [-2, 0)  (behind, to the left)
        BufferedImage img = h.render(v);
        assertThat(at(img, h.pixelOf(3, 5))).isEqualTo(DivergingPalette.MOST_POSITIVE);
        assertThat(at(img, h.pixelOf(-3, -1))).isEqualTo(DivergingPalette.colour(-0.4, 0.8));
        assertThat(at(img, h.pixelOf(-3, 5))).isEqualTo(DivergingPalette.ZERO);
        assertThat(at(img, h.pixelOf(3, -1))).isEqualTo(DivergingPalette.ZERO);
    }

    @Test
    void drawsTheBallHandlerAndTheArrowToTheBasket() {
        DefenderBoxHeatmap h = new DefenderBoxHeatmap(BOX, HeatmapOptions.titled("handler"));
        double[] v = new double[36];
        java.util.Arrays.fill(v, 1.0); // every cell dark red, so white and ink stand out
        BufferedImage img = h.render(v);
        // the handler is a white disc with an ink outline at (0, 0)
        assertThat(at(img, h.pixelOf(0, 0))).isEqualTo(Color.WHITE);
        assertThat(darkestNear(img, h.pixelOf(0.3, 0), 2)).isLessThan(60);
        // the arrow's shaft and head are ink on the +y axis, ahead of the handler
        assertThat(darkestNear(img, h.pixelOf(0, 1.5), 1)).isLessThan(40);
        assertThat(at(img, h.pixelOf(0, DefenderBoxHeatmap.ARROW_LENGTH - 0.2))).isEqualTo(HeatmapCanvas.INK);
        // nothing is drawn behind the handler or beyond the arrow tip
        assertThat(at(img, h.pixelOf(0.5, -1))).isEqualTo(DivergingPalette.MOST_POSITIVE);
        assertThat(at(img, h.pixelOf(-0.5, 6))).isEqualTo(DivergingPalette.MOST_POSITIVE);
    }

    @Test
    void rejectsTheConstantEntryAndOtherWrongLengths() {
        DefenderBoxHeatmap h = new DefenderBoxHeatmap(BOX, HeatmapOptions.titled("x"));
        assertThatThrownBy(() -> h.render(new double[37])).hasMessageContaining("expected 36 values")
                .hasMessageContaining("without the box's constant entry");
        assertThatThrownBy(() -> h.render(new double[35])).hasMessageContaining("expected 36 values")
                .hasMessageContaining("found 35");
    }

    @Test
    void writesAValidPng(@TempDir Path dir) throws Exception {
        GridSpec fine = GridSpec.defenderBox(12, 12);
        DefenderBoxHeatmap h = new DefenderBoxHeatmap(fine, HeatmapOptions.titled("12x12"));
        double[] v = new double[144];
        v[10 * 12 + 9] = -2; // x in [4, 5), y in [7, 8)
        BufferedImage img = Pixels.readPng(h.write(v, dir.resolve("box.png")));
        assertThat(img.getWidth()).isEqualTo(h.width());
        assertThat(at(img, h.pixelOf(4.5, 7.5))).isEqualTo(DivergingPalette.MOST_NEGATIVE);
        assertThat(at(img, h.pixelOf(4.5, 8.5))).isEqualTo(DivergingPalette.ZERO);
    }
}
