package io.github.finegrain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.entity.CategoryItemEntity;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.data.category.CategoryDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadingsChartTest {
    static final List<String> NAMES = List.of("Ann", "Bo", "Cy", "Di", "Ed", "Flo");
    static final double[] VALUES = {0.1, -0.9, 0.5, Double.NaN, 0.5, -0.2};

    @Test
    void ranksByMagnitudeWithTiesByIndexAndLeavesOutNaN() {
        assertThat(LoadingsChart.ranking(VALUES, 10)).containsExactly(1, 2, 4, 5, 0);
        assertThat(LoadingsChart.ranking(VALUES, 2)).containsExactly(1, 2);
        assertThat(LoadingsChart.ranking(new double[0], 3)).isEmpty();
    }

    @Test
    void theChartShowsTheTopNInRankOrder() {
        JFreeChart chart = new LoadingsChart(LoadingsChart.Options.titled("A[:, 0]").withTopN(3))
                .chart(NAMES, VALUES);
        CategoryDataset data = ((CategoryPlot) chart.getPlot()).getDataset();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < data.getColumnCount(); i++) {
            keys.add(data.getColumnKey(i));
        }
        assertThat(keys).containsExactly("Bo", "Cy", "Ed");
        assertThat(data.getValue(LoadingsChart.SERIES, "Bo").doubleValue()).isEqualTo(-0.9);
        assertThat(chart.getTitle().getText()).isEqualTo("A[:, 0]");
    }

    @Test
    void barsAreDrawnTopDownInRankOrderRedForPositiveAndBlueForNegative(@TempDir Path dir) throws Exception {
        LoadingsChart lc = new LoadingsChart(LoadingsChart.Options.titled("bars"));
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = lc.render(NAMES, VALUES, info);
        assertThat(img.getWidth()).isEqualTo(720);
        assertThat(img.getHeight()).isEqualTo(lc.heightFor(5));
        List<CategoryItemEntity> bars = new ArrayList<>();
        for (Object o : info.getEntityCollection().getEntities()) {
            if (o instanceof CategoryItemEntity e) {
                bars.add(e);
            }
        }
        assertThat(bars).hasSize(5);
        bars.sort((a, b) -> Double.compare(a.getArea().getBounds2D().getCenterY(),
                b.getArea().getBounds2D().getCenterY()));
        assertThat(bars.stream().map(e -> (String) e.getColumnKey()).toList())
                .containsExactly("Bo", "Cy", "Ed", "Flo", "Ann");
        for (CategoryItemEntity e : bars) {
            Rectangle r = e.getArea().getBounds();
            Color c = new Color(img.getRGB((int) r.getCenterX(), (int) r.getCenterY()));
            double v = e.getDataset().getValue(e.getRowKey(), e.getColumnKey()).doubleValue();
            assertThat(c).as("bar of %s", e.getColumnKey())
                    .isEqualTo(v >= 0 ? LoadingsChart.POSITIVE : LoadingsChart.NEGATIVE);
        }
        // the longest bar (|-0.9|) is longer than the others
        double longest = bars.get(0).getArea().getBounds2D().getWidth();
        assertThat(bars.subList(1, 5)).allMatch(e -> e.getArea().getBounds2D().getWidth() < longest);
        // and negative bars lie left of positive ones
        assertThat(bars.get(0).getArea().getBounds2D().getMaxX())
                .isLessThanOrEqualTo(bars.get(1).getArea().getBounds2D().getMinX() + 1);

        Path png = lc.write(NAMES, VALUES, dir.resolve("loadings.png"));
        BufferedImage back = Pixels.readPng(png);
        assertThat(back.getWidth()).isEqualTo(720);
        assertThat(back.getHeight()).isEqualTo(lc.heightFor(5));
    }

    @Test
    void failsFastOnMismatchedOrDuplicateLabels() {
        LoadingsChart lc = new LoadingsChart(LoadingsChart.Options.titled("x"));
        assertThatThrownBy(() -> lc.chart(List.of("a", "b"), new double[3]))
                .hasMessageContaining("2 labels and 3 values");
        assertThatThrownBy(() -> lc.chart(List.of("a", "b", "a"), new double[3]))
                .hasMessageContaining("duplicate label 'a' at 0 and 2");
        assertThatThrownBy(() -> LoadingsChart.Options.titled("x").withTopN(0)).hasMessageContaining("found 0");
    }
}
