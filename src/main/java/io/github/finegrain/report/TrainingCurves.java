package io.github.finegrain.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training curves of a multi-resolution run, like Figure 3 of the paper: the validation log loss and the smoothed
 * minibatch log loss (nats) against wall-clock seconds ({@link #vsSeconds}) or minibatches ({@link #vsIterations}),
 * with a vertical marker at every fine-graining (dashed grey, labelled with the new grids) and at the CP hand-off
 * (solid purple, labelled "CP hand-off").
 *
 * <p>Smoothing: a centred moving average of the minibatch loss over {@code smoothing} minibatches (rounded up to
 * an odd count 2h + 1), taken within each stage only, so that a change at a swap is neither smeared into the
 * previous stage nor delayed; at a stage's first and last h minibatches the window is cut at the stage edge (at
 * least h + 1 minibatches are averaged). Rows without a minibatch loss are left out of the averages. The smoothed
 * curve is broken between stages. Rows without the x value (NaN seconds, −1 iteration) are not drawn.
 */
public final class TrainingCurves {
    static {
        Headless.ensure();
    }

    /** Colour of the validation loss. */
    public static final Color VALIDATION = new Color(0x1f5fa8);
    /** Colour of the smoothed minibatch loss. */
    public static final Color MINIBATCH = new Color(0xe08214);
    /** Colour of the fine-graining markers. */
    public static final Color FINE_GRAIN = new Color(0x666666);
    /** Colour of the CP hand-off marker. */
    public static final Color HAND_OFF = new Color(0x7b3294);

    /**
     * @param title     chart title
     * @param smoothing the moving-average window of the minibatch loss, minibatches (&ge; 1; 1 draws the raw loss)
     * @param width     image width, pixels (&ge; 300)
     * @param height    image height, pixels (&ge; 200)
     */
    public record Options(String title, int smoothing, int width, int height) {
        /** Validates. */
        public Options {
            if (title == null) {
                throw new IllegalArgumentException("training curves title must not be null");
            }
            if (smoothing < 1) {
                throw new IllegalArgumentException("smoothing span must be >= 1 minibatch, found " + smoothing);
            }
            if (width < 300 || height < 200) {
                throw new IllegalArgumentException("training curves need at least 300 x 200 pixels, found " + width
                        + " x " + height);
            }
        }

        /** {@code title}, smoothing over 25 minibatches, 900 x 520 pixels. */
        public static Options titled(String title) {
            return new Options(title, 25, 900, 520);
        }
    }

    /**
     * A marker: a fine-graining or the CP hand-off, after the minibatch at {@code seconds} / {@code iteration}.
     *
     * @param seconds   wall-clock seconds of the last minibatch before the swap
     * @param iteration minibatches trained before the swap
     * @param kind      {@link TracePoint#FINE_GRAIN} or {@link TracePoint#HAND_OFF}
     * @param label     the marker's text: {@code "→ 8x10 / 6x6"} (the next stage's court / defender grids, when
     *                  the trace has them) for a fine-graining, {@code "CP hand-off"} for the hand-off
     */
    public record Event(double seconds, int iteration, String kind, String label) {
    }

    private final List<TracePoint> rows;
    private final Options options;
    private final double[] smoothed;
    private final List<Event> events;

    /**
     * @param rows    the trace in training order (copied)
     * @param options title, smoothing and size
     */
    public TrainingCurves(List<TracePoint> rows, Options options) {
        this.rows = List.copyOf(rows);
        this.options = options;
        this.smoothed = smooth(this.rows, options.smoothing());
        this.events = findEvents(this.rows);
    }

    /** Reads {@code traceCsv} with {@link TracePoint#readCsv}. */
    public static TrainingCurves fromCsv(Path traceCsv, Options options) throws IOException {
        return new TrainingCurves(TracePoint.readCsv(traceCsv), options);
    }

    /** The markers, in training order. */
    public List<Event> events() {
        return events;
    }

    /** The smoothed minibatch loss of each row (NaN where its window has no finite loss); a copy. */
    public double[] smoothedMinibatchLoss() {
        return smoothed.clone();
    }

    /** Loss against wall-clock seconds. */
    public JFreeChart vsSeconds() {
        return chart(TracePoint::seconds, Event::seconds, "wall-clock seconds");
    }

    /** Loss against minibatches. */
    public JFreeChart vsIterations() {
        return chart(p -> p.iteration() < 0 ? Double.NaN : p.iteration(), Event::iteration,
                "minibatches (iterations)");
    }

    /** Renders {@link #vsSeconds} at the options' size; {@code info} may be null. */
    public BufferedImage renderVsSeconds(ChartRenderingInfo info) {
        return vsSeconds().createBufferedImage(options.width(), options.height(), BufferedImage.TYPE_INT_RGB, info);
    }

    /** Renders {@link #vsIterations} at the options' size; {@code info} may be null. */
    public BufferedImage renderVsIterations(ChartRenderingInfo info) {
        return vsIterations().createBufferedImage(options.width(), options.height(), BufferedImage.TYPE_INT_RGB,
                info);
    }

    /** Writes {@link #vsSeconds} as a PNG (parent folders created); returns {@code png}. */
    public Path writeVsSeconds(Path png) throws IOException {
        return Png.write(renderVsSeconds(null), png);
    }

    /** Writes {@link #vsIterations} as a PNG (parent folders created); returns {@code png}. */
    public Path writeVsIterations(Path png) throws IOException {
        return Png.write(renderVsIterations(null), png);
    }

    private JFreeChart chart(ToDoubleFunction<TracePoint> x, ToDoubleFunction<Event> ex, String xLabel) {
        XYSeries val = new XYSeries("validation log loss", false, true);
        XYSeries mb = new XYSeries(options.smoothing() == 1 ? "minibatch log loss"
                : "minibatch log loss (moving average of " + options.smoothing() + ")", false, true);
        int lastStage = Integer.MIN_VALUE;
        for (int i = 0; i < rows.size(); i++) {
            TracePoint p = rows.get(i);
            double xv = x.applyAsDouble(p);
            if (!Double.isFinite(xv)) {
                continue;
            }
            if (Double.isFinite(p.validationLoss())) {
                val.add(xv, p.validationLoss());
            }
            if (Double.isFinite(smoothed[i])) {
                if (p.stage() != lastStage && lastStage != Integer.MIN_VALUE) {
                    mb.add(xv, null); // a gap: the curve is broken between stages
                }
                lastStage = p.stage();
                mb.add(xv, smoothed[i]);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(val);
        data.addSeries(mb);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, VALIDATION);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesShapesVisible(0, true);
        r.setSeriesShape(0, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
        r.setSeriesPaint(1, MINIBATCH);
        r.setSeriesStroke(1, new BasicStroke(1.3f));
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(true);
        NumberAxis yAxis = new NumberAxis("log loss (nats)");
        yAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xe0e0e0));
        plot.setRangeGridlinePaint(new Color(0xe0e0e0));
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(new Color(0x999999));

        Font markerFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        int level = 0;
        for (Event e : events) {
            double xv = ex.applyAsDouble(e);
            if (!Double.isFinite(xv) || xv < 0) {
                continue;
            }
            boolean handOff = e.kind().equals(TracePoint.HAND_OFF);
            ValueMarker m = new ValueMarker(xv, handOff ? HAND_OFF : FINE_GRAIN, handOff ? new BasicStroke(2f)
                    : new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f},
                            0f));
            m.setLabel(e.label());
            m.setLabelFont(markerFont);
            m.setLabelPaint(handOff ? HAND_OFF : HeatmapCanvas.INK);
            m.setLabelBackgroundColor(new Color(255, 255, 255, 230));
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            // labels of nearby markers are staggered over three heights so that they do not overlap
            m.setLabelOffset(new RectangleInsets(4 + 15 * (level % 3), 3, 0, 0));
            level++;
            plot.addDomainMarker(m);
        }

        LegendItemCollection legend = new LegendItemCollection();
        Line2D line = new Line2D.Double(-9, 0, 9, 0);
        legend.add(new LegendItem(val.getKey().toString(), null, null, null, line, new BasicStroke(2f), VALIDATION));
        legend.add(new LegendItem(mb.getKey().toString(), null, null, null, line, new BasicStroke(1.3f), MINIBATCH));
        if (events.stream().anyMatch(e -> e.kind().equals(TracePoint.FINE_GRAIN))) {
            legend.add(new LegendItem("fine-graining", null, null, null, line, new BasicStroke(1.2f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f), FINE_GRAIN));
        }
        if (events.stream().anyMatch(e -> e.kind().equals(TracePoint.HAND_OFF))) {
            legend.add(new LegendItem("CP hand-off", null, null, null, line, new BasicStroke(2f), HAND_OFF));
        }
        plot.setFixedLegendItems(legend);

        JFreeChart chart = new JFreeChart(options.title(), new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        LegendTitle lt = new LegendTitle(plot);
        lt.setPosition(RectangleEdge.BOTTOM);
        lt.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.addLegend(lt);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        return chart;
    }

    static double[] smooth(List<TracePoint> rows, int window) {
        int h = window / 2;
        int n = rows.size();
        double[] out = new double[n];
        int a = 0;
        while (a < n) {
            int b = a;
            while (b < n && rows.get(b).stage() == rows.get(a).stage()) {
                b++;
            }
            // prefix sums over the stage [a, b)
            double[] sum = new double[b - a + 1];
            int[] count = new int[b - a + 1];
            for (int i = a; i < b; i++) {
                double v = rows.get(i).minibatchLoss();
                boolean ok = Double.isFinite(v);
                sum[i - a + 1] = sum[i - a] + (ok ? v : 0);
                count[i - a + 1] = count[i - a] + (ok ? 1 : 0);
            }
            for (int i = a; i < b; i++) {
                int lo = Math.max(a, i - h) - a;
                int hi = Math.min(b - 1, i + h) - a + 1;
                int c = count[hi] - count[lo];
                out[i] = c > 0 ? (sum[hi] - sum[lo]) / c : Double.NaN;
            }
            a = b;
        }
        return out;
    }

    static List<Event> findEvents(List<TracePoint> rows) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            TracePoint p = rows.get(i);
            if (p.event().equals(TracePoint.FINE_GRAIN)) {
                String label = "fine-grain";
                if (i + 1 < rows.size() && !rows.get(i + 1).court().isEmpty()) {
                    TracePoint next = rows.get(i + 1);
                    label = "→ " + next.court() + (next.defender().isEmpty() ? "" : " / " + next.defender());
                }
                out.add(new Event(p.seconds(), p.iteration(), TracePoint.FINE_GRAIN, label));
            } else if (p.event().equals(TracePoint.HAND_OFF)) {
                out.add(new Event(p.seconds(), p.iteration(), TracePoint.HAND_OFF, "CP hand-off"));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
