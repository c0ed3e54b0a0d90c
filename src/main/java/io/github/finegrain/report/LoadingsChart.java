package io.github.finegrain.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A ranked horizontal bar chart of player loadings, e.g. the column {@code A[:, k]} of the player factor for
 * component k: the {@code topN} players with the largest |loading|, largest at the top, positive bars red and
 * negative bars blue (the ends of {@link DivergingPalette}), each labelled with its value.
 */
public final class LoadingsChart {
    static {
        Headless.ensure();
    }

    /** Colour of positive bars. */
    public static final Color POSITIVE = DivergingPalette.colour(0.8, 1);
    /** Colour of negative bars. */
    public static final Color NEGATIVE = DivergingPalette.colour(-0.8, 1);
    /** Series key of the single bar series. */
    static final String SERIES = "loading";

    /**
     * @param title      chart title
     * @param valueLabel label of the value axis (e.g. {@code "loading"}); may be empty
     * @param topN       how many players to show (&ge; 1); fewer when there are fewer finite values
     * @param width      image width, pixels (&ge; 200); the height follows from the number of bars
     */
    public record Options(String title, String valueLabel, int topN, int width) {
        /** Validates. */
        public Options {
            if (title == null || valueLabel == null) {
                throw new IllegalArgumentException("loadings chart title and value label must not be null");
            }
            if (topN < 1) {
                throw new IllegalArgumentException("top N must be >= 1, found " + topN);
            }
            if (width < 200) {
                throw new IllegalArgumentException("chart width must be >= 200 pixels, found " + width);
            }
        }

        /** {@code title}, value label "loading", top 15, 720 pixels wide. */
        public static Options titled(String title) {
            return new Options(title, "loading", 15, 720);
        }

        /** A copy showing the top {@code n}. */
        public Options withTopN(int n) {
            return new Options(title, valueLabel, n, width);
        }
    }

    private final Options options;

    /** A chart maker with these options. */
    public LoadingsChart(Options options) {
        this.options = options;
    }

    /**
     * Indices of the {@code topN} finite values with the largest |value|, largest first (ties: lower index first).
     * NaN and infinite values are left out.
     *
     * @param values not modified
     */
    public static int[] ranking(double[] values, int topN) {
        return IntStream.range(0, values.length).filter(i -> Double.isFinite(values[i])).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -Math.abs(values[i])).thenComparingInt(i -> i))
                .limit(topN).mapToInt(Integer::intValue).toArray();
    }

    /** Image height for {@code bars} bars, pixels. */
    public int heightFor(int bars) {
        return 110 + 24 * Math.max(1, bars);
    }

    /**
     * The chart: categories are the ranked labels (first = largest |value|, drawn at the top).
     *
     * @param labels one per value (e.g. player names), unique; not modified
     * @param values the loadings; not modified
     */
    public JFreeChart chart(List<String> labels, double[] values) {
        if (labels.size() != values.length) {
            throw new IllegalArgumentException("loadings chart: expected one label per value, found "
                    + labels.size() + " labels and " + values.length + " values");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            Integer before = seen.put(labels.get(i), i);
            if (before != null) {
                throw new IllegalArgumentException("loadings chart: duplicate label '" + labels.get(i) + "' at "
                        + before + " and " + i);
            }
        }
        int[] rank = ranking(values, options.topN());
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        Paint[] paints = new Paint[rank.length];
        for (int k = 0; k < rank.length; k++) {
            double v = values[rank[k]];
            data.addValue(v, SERIES, labels.get(rank[k]));
            paints[k] = v >= 0 ? POSITIVE : NEGATIVE;
        }
        BarRenderer renderer = new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return paints[column];
            }
        };
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setMaximumBarWidth(0.1);
        renderer.setItemMargin(0);
        DecimalFormat fmt = new DecimalFormat("0.000", DecimalFormatSymbols.getInstance(Locale.ROOT));
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", fmt));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        renderer.setDefaultPositiveItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        renderer.setDefaultNegativeItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT));

        CategoryAxis cats = new CategoryAxis(null);
        cats.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        cats.setMaximumCategoryLabelWidthRatio(0.45f);
        cats.setCategoryMargin(0.25);
        cats.setLowerMargin(0.02);
        cats.setUpperMargin(0.02);
        NumberAxis axis = new NumberAxis(options.valueLabel().isEmpty() ? null : options.valueLabel());
        axis.setAutoRangeIncludesZero(true);
        boolean anyNegative = Arrays.stream(rank).anyMatch(i -> values[i] < 0);
        boolean anyPositive = Arrays.stream(rank).anyMatch(i -> values[i] > 0);
        axis.setUpperMargin(anyPositive ? 0.18 : 0.05);
        axis.setLowerMargin(anyNegative ? 0.18 : 0.05);
        CategoryPlot plot = new CategoryPlot(data, cats, axis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setRangeZeroBaselineVisible(true);
        plot.setRangeZeroBaselinePaint(HeatmapCanvas.INK);
        plot.setOutlineVisible(false);
        JFreeChart chart = new JFreeChart(options.title(), new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        return chart;
    }

    /** Renders {@link #chart} at {@code options.width() x heightFor(bars)}; {@code info} may be null. */
    public BufferedImage render(List<String> labels, double[] values, ChartRenderingInfo info) {
        JFreeChart chart = chart(labels, values);
        int bars = ((CategoryPlot) chart.getPlot()).getDataset().getColumnCount();
        return chart.createBufferedImage(options.width(), heightFor(bars), BufferedImage.TYPE_INT_RGB, info);
    }

    /**
     * Renders the chart to a PNG file (parent folders created).
     *
     * @return {@code png}
     */
    public Path write(List<String> labels, double[] values, Path png) throws IOException {
        return Png.write(render(labels, values, null), png);
    }
}
