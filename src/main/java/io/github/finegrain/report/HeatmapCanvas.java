package io.github.finegrain.report;

import io.github.finegrain.grid.GridSpec;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * The layout and the common drawing of a heat map picture: a plot area showing the feet rectangle
 * {@code [x0, x1] x [y0, y1]} with x to the right and y up, a title and subtitle above, ticks and axis labels,
 * and a vertical colour bar on the right.
 */
final class HeatmapCanvas {
    static {
        Headless.ensure();
    }

    /** Left margin (y ticks and label), pixels. */
    static final int LEFT = 64;
    /** Top margin (title and subtitle), pixels. */
    static final int TOP = 64;
    /** Bottom margin (x ticks and label), pixels. */
    static final int BOTTOM = 50;
    /** Right margin (colour bar with its ticks and label), pixels. */
    static final int RIGHT = 118;
    /** Gap between the plot area and the colour bar, pixels. */
    static final int BAR_GAP = 18;
    /** Width of the colour bar, pixels. */
    static final int BAR_WIDTH = 18;
    /** Colour of court lines, frames and text. */
    static final Color INK = new Color(0x1a1a1a);
    /** Background outside the plot area. */
    static final Color BACKGROUND = Color.WHITE;

    private static final String FONT = Font.SANS_SERIF;

    final double x0;
    final double x1;
    final double y0;
    final double y1;
    final int ppf;
    final int plotWidth;
    final int plotHeight;
    final int width;
    final int height;

    HeatmapCanvas(double x0, double x1, double y0, double y1, int ppf) {
        this.x0 = x0;
        this.x1 = x1;
        this.y0 = y0;
        this.y1 = y1;
        this.ppf = ppf;
        this.plotWidth = (int) Math.round((x1 - x0) * ppf);
        this.plotHeight = (int) Math.round((y1 - y0) * ppf);
        this.width = LEFT + plotWidth + RIGHT;
        this.height = TOP + plotHeight + BOTTOM;
    }

    /** Image pixel (x right, y down; not rounded) of the point {@code (x, y)} in feet. */
    Point2D toPixel(double x, double y) {
        return new Point2D.Double(LEFT + (x - x0) * ppf, TOP + (y1 - y) * ppf);
    }

    /** The transform from feet to image pixels. */
    AffineTransform feetToPixels() {
        AffineTransform t = new AffineTransform();
        t.translate(LEFT - x0 * ppf, TOP + y1 * ppf);
        t.scale(ppf, -ppf);
        return t;
    }

    /** A white image of this size with its graphics (antialiased text and lines). */
    BufferedImage newImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }

    /**
     * Fills every cell of {@code grid} with its colour (no antialiasing, so a cell's inside is exactly its colour),
     * clipped to the plot area. Cell edges are rounded to whole pixels so neighbours neither overlap nor leave seams.
     */
    void drawCells(Graphics2D g, GridSpec grid, double[] values, double limit) {
        drawCells(g, grid, values, ColourScale.diverging(limit));
    }

    /** As {@link #drawCells(Graphics2D, GridSpec, double[], double)} with any colour scale. */
    void drawCells(Graphics2D g, GridSpec grid, double[] values, ColourScale scale) {
        Shape oldClip = g.getClip();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.clipRect(LEFT, TOP, plotWidth, plotHeight);
        double sx = grid.cellSizeX();
        double sy = grid.cellSizeY();
        for (int r = 0; r < grid.rows(); r++) {
            double xa = grid.originX() + r * sx;
            int px0 = (int) Math.round(toPixel(xa, 0).getX());
            int px1 = (int) Math.round(toPixel(xa + sx, 0).getX());
            for (int c = 0; c < grid.cols(); c++) {
                double ya = grid.originY() + c * sy;
                int pyTop = (int) Math.round(toPixel(0, ya + sy).getY());
                int pyBottom = (int) Math.round(toPixel(0, ya).getY());
                g.setColor(scale.colour(values[r * grid.cols() + c]));
                g.fillRect(px0, pyTop, px1 - px0, pyBottom - pyTop);
            }
        }
        g.setClip(oldClip);
    }

    /** Draws {@code feetShape} (in feet) with a stroke {@code px} pixels wide, antialiased. */
    void stroke(Graphics2D g, Shape feetShape, float px, Color colour) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(colour);
        g.setStroke(new BasicStroke(px, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
        g.draw(feetToPixels().createTransformedShape(feetShape));
    }

    /** Draws {@code feetShape} (in feet) with a dashed stroke {@code px} pixels wide, antialiased. */
    void dashed(Graphics2D g, Shape feetShape, float px, Color colour) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(colour);
        g.setStroke(new BasicStroke(px, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {3 * px, 3 * px}, 0f));
        g.draw(feetToPixels().createTransformedShape(feetShape));
    }

    /** The plot frame, ticks every {@code tickStep} feet, axis labels, title, subtitle and the colour bar. */
    void drawDecorations(Graphics2D g, String title, String subtitle, String xLabel, String yLabel,
            String valueLabel, double limit) {
        drawDecorations(g, title, subtitle, xLabel, yLabel, valueLabel, ColourScale.diverging(limit));
    }

    /** As above with any colour scale. */
    void drawDecorations(Graphics2D g, String title, String subtitle, String xLabel, String yLabel,
            String valueLabel, ColourScale scale) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(INK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);

        Font tickFont = new Font(FONT, Font.PLAIN, 11);
        g.setFont(tickFont);
        FontMetrics fm = g.getFontMetrics();
        double step = tickStep();
        for (double v = Math.ceil(x0 / step) * step; v <= x1 + 1e-9; v += step) {
            int px = (int) Math.round(toPixel(v, y0).getX());
            g.drawLine(px, TOP + plotHeight, px, TOP + plotHeight + 4);
            String s = tick(v);
            g.drawString(s, px - fm.stringWidth(s) / 2, TOP + plotHeight + 6 + fm.getAscent());
        }
        for (double v = Math.ceil(y0 / step) * step; v <= y1 + 1e-9; v += step) {
            int py = (int) Math.round(toPixel(x0, v).getY());
            g.drawLine(LEFT - 4, py, LEFT, py);
            String s = tick(v);
            g.drawString(s, LEFT - 6 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        Font labelFont = new Font(FONT, Font.PLAIN, 12);
        g.setFont(labelFont);
        fm = g.getFontMetrics();
        g.drawString(xLabel, LEFT + (plotWidth - fm.stringWidth(xLabel)) / 2, height - 10);
        drawRotated(g, yLabel, 18, TOP + plotHeight / 2.0);

        drawTitle(g, title, subtitle);
        drawColourBar(g, valueLabel, scale);
    }

    private void drawTitle(Graphics2D g, String title, String subtitle) {
        int size = 16;
        Font f = new Font(FONT, Font.BOLD, size);
        while (size > 9 && g.getFontMetrics(f).stringWidth(title) > width - 16) {
            f = new Font(FONT, Font.BOLD, --size);
        }
        g.setFont(f);
        g.setColor(INK);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (width - fm.stringWidth(title)) / 2, 8 + fm.getAscent());
        if (subtitle != null && !subtitle.isEmpty()) {
            int s2 = 12;
            Font f2 = new Font(FONT, Font.PLAIN, s2);
            while (s2 > 8 && g.getFontMetrics(f2).stringWidth(subtitle) > width - 16) {
                f2 = new Font(FONT, Font.PLAIN, --s2);
            }
            g.setFont(f2);
            g.setColor(new Color(0x555555));
            FontMetrics fm2 = g.getFontMetrics();
            g.drawString(subtitle, (width - fm2.stringWidth(subtitle)) / 2, 8 + fm.getHeight() + 4 + fm2.getAscent());
        }
    }

    /** Left edge of the colour bar, pixels. */
    int barLeft() {
        return LEFT + plotWidth + BAR_GAP;
    }

    private void drawColourBar(Graphics2D g, String valueLabel, ColourScale scale) {
        int bx = barLeft();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        for (int j = 0; j < plotHeight; j++) {
            double v = scale.max() - (scale.max() - scale.min()) * (j + 0.5) / plotHeight;
            g.setColor(scale.colour(v));
            g.fillRect(bx, TOP + j, BAR_WIDTH, 1);
        }
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(INK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(bx, TOP, BAR_WIDTH, plotHeight);
        g.setFont(new Font(FONT, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        int maxLabel = 0;
        for (int k = 0; k <= 4; k++) {
            double v = scale.max() - (scale.max() - scale.min()) * k / 4.0;
            int py = TOP + (int) Math.round(k / 4.0 * plotHeight);
            g.drawLine(bx + BAR_WIDTH, py, bx + BAR_WIDTH + 4, py);
            String s = scale.signed() ? compact(v) : scale.label(v);
            maxLabel = Math.max(maxLabel, fm.stringWidth(s));
            g.drawString(s, bx + BAR_WIDTH + 6, py + fm.getAscent() / 2 - 1);
        }
        if (!valueLabel.isEmpty()) {
            g.setFont(new Font(FONT, Font.PLAIN, 12));
            double cx = Math.min(bx + BAR_WIDTH + 6 + maxLabel + 14, width - 10);
            drawRotated(g, valueLabel, cx, TOP + plotHeight / 2.0);
        }
    }

    /** Draws {@code s} rotated 90° counter-clockwise, centred at {@code (cx, cy)}. */
    static void drawRotated(Graphics2D g, String s, double cx, double cy) {
        if (s.isEmpty()) {
            return;
        }
        AffineTransform old = g.getTransform();
        FontMetrics fm = g.getFontMetrics();
        g.translate(cx, cy);
        g.rotate(-Math.PI / 2);
        g.drawString(s, -fm.stringWidth(s) / 2f, fm.getAscent() / 2f - 1);
        g.setTransform(old);
    }

    /** Draws {@code s} with its baseline starting at {@code (x, y)} pixels, in ink with a white halo. */
    static void haloText(Graphics2D g, String s, float x, float y) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        TextLayout tl = new TextLayout(s, g.getFont(), g.getFontRenderContext());
        Shape outline = tl.getOutline(AffineTransform.getTranslateInstance(x, y));
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(outline);
        g.setColor(INK);
        g.fill(outline);
    }

    /** Feet between ticks: the smallest of 1, 2, 5, 10 ft that leaves at least 40 pixels between ticks. */
    double tickStep() {
        for (double s : new double[] {1, 2, 5, 10}) {
            if (s * ppf >= 40) {
                return s;
            }
        }
        return 20;
    }

    private static String tick(double v) {
        return v == Math.rint(v) ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Three significant digits, plain for 0.001 ≤ |v| &lt; 10000, scientific otherwise; "0" for 0. */
    static String compact(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** Checks that {@code values} has one entry per cell of {@code grid}. */
    static void checkLength(GridSpec grid, double[] values, String what) {
        if (values == null) {
            throw new IllegalArgumentException(what + ": values must not be null");
        }
        if (values.length != grid.cellCount()) {
            throw new IllegalArgumentException(what + ": expected " + grid.cellCount() + " values (the "
                    + grid.label() + " grid, row-major: cell = row * " + grid.cols() + " + col), found "
                    + values.length);
        }
    }
}
