package io.github.finegrain.report;

import io.github.finegrain.grid.GridSpec;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A heat map of one value per defender-box cell, drawn around the ball handler.
 *
 * <p>Orientation: the plot area is the grid's rectangle (the standard box is lateral x ∈ [−6, 6) ft by
 * y ∈ [−2, 10) ft); <b>+x (the ball handler's right when facing the basket) to the right and +y (toward the
 * basket) up</b>. The ball handler is a white disc at (0, 0) and an arrow from him points up, toward the basket.
 * Colours use {@link DivergingPalette} on {@code [-limit, +limit]}, as in {@link CourtHeatmap}.
 *
 * <p>The defender layer's constant entry (the term that applies whatever the defenders do) is not a cell: the
 * caller passes only the {@code rows * cols} grid cells, {@code cell = row * cols + col} with rows along the
 * lateral axis x and columns along the basket axis y.
 */
public final class DefenderBoxHeatmap {
    static {
        Headless.ensure();
    }

    /** Where the arrow to the basket ends, feet ahead of the ball handler (+y). */
    public static final double ARROW_LENGTH = 2.8;

    private final GridSpec grid;
    private final HeatmapOptions options;
    private final HeatmapCanvas canvas;

    /**
     * @param grid    the defender-box grid of the values (e.g. {@link GridSpec#defenderBox})
     * @param options title, scale and resolution (default 36 pixels per foot: a 432 x 432 plot area for the
     *                standard 12 x 12 ft box)
     */
    public DefenderBoxHeatmap(GridSpec grid, HeatmapOptions options) {
        this.grid = grid;
        this.options = options;
        int ppf = options.pixelsPerFoot() == 0 ? 36 : options.pixelsPerFoot();
        this.canvas = new HeatmapCanvas(grid.originX(), grid.originX() + grid.extentX(), grid.originY(),
                grid.originY() + grid.extentY(), ppf);
    }

    /** The grid of the values. */
    public GridSpec grid() {
        return grid;
    }

    /** Image width, pixels. */
    public int width() {
        return canvas.width;
    }

    /** Image height, pixels. */
    public int height() {
        return canvas.height;
    }

    /** The image pixel (x right, y down, not rounded) where the box point {@code (x, y)} in feet is drawn. */
    public Point2D pixelOf(double x, double y) {
        return canvas.toPixel(x, y);
    }

    /** The colour scale limit used for {@code values}: the option's limit, or the automatic one. */
    public double limitFor(double[] values) {
        return Double.isNaN(options.limit()) ? DivergingPalette.autoLimit(values) : options.limit();
    }

    /**
     * Renders the heat map.
     *
     * @param values one per grid cell (without the constant entry); not modified
     */
    public BufferedImage render(double[] values) {
        if (values != null && values.length == grid.cellCount() + 1) {
            throw new IllegalArgumentException("defender box heat map: expected " + grid.cellCount()
                    + " values (the " + grid.label() + " grid cells), found " + values.length
                    + ": pass only the grid cells, without the box's constant entry");
        }
        HeatmapCanvas.checkLength(grid, values, "defender box heat map");
        return render(values, ColourScale.diverging(limitFor(values)));
    }

    /**
     * Renders the heat map on a given colour scale (the options' limit is not used).
     *
     * @param values one per grid cell (without the constant entry); not modified
     * @param scale  the colour scale and its colour-bar labels
     */
    public BufferedImage render(double[] values, ColourScale scale) {
        HeatmapCanvas.checkLength(grid, values, "defender box heat map");
        BufferedImage img = canvas.newImage();
        Graphics2D g = HeatmapCanvas.graphics(img);
        try {
            canvas.drawCells(g, grid, values, scale);
            drawHandler(g);
            String sub = options.subtitle() != null ? options.subtitle()
                    : grid.label() + " grid around the ball handler  ·  basket up  ·  colour scale ±"
                            + HeatmapCanvas.compact(scale.max());
            canvas.drawDecorations(g, options.title(), sub, "lateral x, feet (+ = ball handler's right)",
                    "y, feet toward the basket", options.valueLabel(), scale);
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Renders the heat map to a PNG file (parent folders created).
     *
     * @param values one per grid cell (without the constant entry); not modified
     * @return {@code png}
     */
    public Path write(double[] values, Path png) throws IOException {
        return Png.write(render(values), png);
    }

    /**
     * Renders the heat map on {@code scale} to a PNG file (parent folders created).
     *
     * @param values one per grid cell (without the constant entry); not modified
     * @return {@code png}
     */
    public Path write(double[] values, ColourScale scale, Path png) throws IOException {
        return Png.write(render(values, scale), png);
    }

    private void drawHandler(Graphics2D g) {
        var old = g.getClip();
        g.clipRect(HeatmapCanvas.LEFT, HeatmapCanvas.TOP, canvas.plotWidth, canvas.plotHeight);
        double r = 0.3;
        float w = (float) Math.max(1.5, canvas.ppf / 14.0);
        // arrow to the basket: white halo, then ink
        Path2D shaft = new Path2D.Double();
        shaft.moveTo(0, r + 0.15);
        shaft.lineTo(0, ARROW_LENGTH - 0.3);
        Path2D head = new Path2D.Double();
        head.moveTo(-0.3, ARROW_LENGTH - 0.5);
        head.lineTo(0, ARROW_LENGTH);
        head.lineTo(0.3, ARROW_LENGTH - 0.5);
        head.closePath();
        canvas.stroke(g, shaft, w + 3, Color.WHITE);
        canvas.stroke(g, head, 3, Color.WHITE);
        canvas.stroke(g, shaft, w, HeatmapCanvas.INK);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(HeatmapCanvas.INK);
        g.fill(canvas.feetToPixels().createTransformedShape(head));
        // the ball handler
        Ellipse2D disc = new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
        var px = canvas.feetToPixels().createTransformedShape(disc);
        g.setColor(Color.WHITE);
        g.fill(px);
        g.setColor(HeatmapCanvas.INK);
        g.setStroke(new BasicStroke(w));
        g.draw(px);
        // label next to the arrow tip
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        Point2D tip = canvas.toPixel(0, ARROW_LENGTH);
        HeatmapCanvas.haloText(g, "basket", (float) tip.getX() + 8, (float) tip.getY() + 10);
        g.setClip(old);
    }
}
