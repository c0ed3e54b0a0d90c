package io.github.finegrain.report;

import io.github.finegrain.grid.GridSpec;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A heat map of one value per court cell drawn under the lines of an NBA half court seen from above.
 *
 * <p><b>Orientation: the basket is at the left.</b> The plot area shows the court zone x ∈ [0, 40] ft (feet from the
 * baseline, to the right) by y ∈ [0, 50] ft (feet from the sideline, up), with the basket at (5.25, 25). This is the
 * data's right-handed frame unrotated and unmirrored (see the package documentation).
 *
 * <p>Court lines drawn (NBA dimensions, feet): the baseline (x = 0) and sidelines (y = 0, y = 50); the paint, a
 * 16 ft wide lane (y ∈ [17, 33]) from the baseline to the free-throw line at x = 19; the free-throw circle of
 * radius 6 ft centred at (19, 25), dashed inside the lane; the restricted-area arc of radius 4 ft around the basket
 * with its straight ends to the backboard; the 3-point line, straight at y = 3 and y = 47 (22 ft from the basket)
 * from the baseline to where it meets the arc of radius 23.75 ft centred at the basket (x ≈ 14.2 ft); the backboard
 * (x = 4, 6 ft wide) and the rim (radius 0.75 ft at (5.25, 25)).
 *
 * <p>Cells: the cell {@code row * cols + col} of the grid covers x ∈ [originX + row·Δx, …) and
 * y ∈ [originY + col·Δy, …) and is filled with {@link DivergingPalette#colour} of its value on the scale
 * {@code [-limit, +limit]}; NaN cells are grey. Any rectangular grid inside the court zone (4x5 … 40x50) works.
 */
public final class CourtHeatmap {
    static {
        Headless.ensure();
    }

    /** Basket (rim centre), feet from the baseline. */
    public static final double BASKET_X = 5.25;
    /** Basket (rim centre), feet from the sideline. */
    public static final double BASKET_Y = 25.0;
    /** Rim radius, feet. */
    public static final double RIM_RADIUS = 0.75;
    /** Backboard face, feet from the baseline. */
    public static final double BACKBOARD_X = 4.0;
    /** Half the backboard width, feet. */
    public static final double BACKBOARD_HALF_WIDTH = 3.0;
    /** Half the lane (paint) width, feet. */
    public static final double LANE_HALF_WIDTH = 8.0;
    /** Free-throw line, feet from the baseline. */
    public static final double FREE_THROW_X = 19.0;
    /** Free-throw circle radius, feet. */
    public static final double FREE_THROW_RADIUS = 6.0;
    /** Restricted-area arc radius, feet. */
    public static final double RESTRICTED_RADIUS = 4.0;
    /** 3-point arc radius, feet. */
    public static final double THREE_RADIUS = 23.75;
    /** Distance from the basket to the straight corner 3-point lines, feet (they lie at y = 3 and y = 47). */
    public static final double THREE_CORNER = 22.0;
    /** Where the straight corner 3-point lines meet the arc, feet from the baseline (≈ 14.2). */
    public static final double THREE_BREAK_X = BASKET_X
            + Math.sqrt(THREE_RADIUS * THREE_RADIUS - THREE_CORNER * THREE_CORNER);

    private final GridSpec grid;
    private final HeatmapOptions options;
    private final HeatmapCanvas canvas;

    /**
     * @param grid    the court grid of the values; must lie inside the court zone x ∈ [0, 40], y ∈ [0, 50] ft
     * @param options title, scale and resolution (default 12 pixels per foot: a 480 x 600 plot area)
     */
    public CourtHeatmap(GridSpec grid, HeatmapOptions options) {
        double eps = 1e-9;
        if (grid.originX() < -eps || grid.originY() < -eps
                || grid.originX() + grid.extentX() > GridSpec.COURT_EXTENT_X + eps
                || grid.originY() + grid.extentY() > GridSpec.COURT_EXTENT_Y + eps) {
            throw new IllegalArgumentException("court heat map: expected a grid inside the court zone x in [0, "
                    + HeatmapCanvas.compact(GridSpec.COURT_EXTENT_X) + "], y in [0, "
                    + HeatmapCanvas.compact(GridSpec.COURT_EXTENT_Y) + "] ft, found x in ["
                    + HeatmapCanvas.compact(grid.originX()) + ", "
                    + HeatmapCanvas.compact(grid.originX() + grid.extentX()) + "], y in ["
                    + HeatmapCanvas.compact(grid.originY()) + ", "
                    + HeatmapCanvas.compact(grid.originY() + grid.extentY()) + "]");
        }
        this.grid = grid;
        this.options = options;
        int ppf = options.pixelsPerFoot() == 0 ? 12 : options.pixelsPerFoot();
        this.canvas = new HeatmapCanvas(0, GridSpec.COURT_EXTENT_X, 0, GridSpec.COURT_EXTENT_Y, ppf);
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

    /** The image pixel (x right, y down, not rounded) where the court point {@code (x, y)} in feet is drawn. */
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
     * @param values one per grid cell, {@code cell = row * cols + col}; not modified
     */
    public BufferedImage render(double[] values) {
        HeatmapCanvas.checkLength(grid, values, "court heat map");
        return render(values, ColourScale.diverging(limitFor(values)));
    }

    /**
     * Renders the heat map on a given colour scale (the options' limit is not used).
     *
     * @param values one per grid cell, {@code cell = row * cols + col}; not modified
     * @param scale  the colour scale and its colour-bar labels
     */
    public BufferedImage render(double[] values, ColourScale scale) {
        HeatmapCanvas.checkLength(grid, values, "court heat map");
        BufferedImage img = canvas.newImage();
        Graphics2D g = HeatmapCanvas.graphics(img);
        try {
            canvas.drawCells(g, grid, values, scale);
            drawCourt(g);
            String range = scale.signed() ? "±" + HeatmapCanvas.compact(scale.max())
                    : scale.label(scale.min()) + " to " + scale.label(scale.max());
            String sub = options.subtitle() != null ? options.subtitle()
                    : grid.label() + " grid  ·  basket at left  ·  colour scale " + range;
            canvas.drawDecorations(g, options.title(), sub, "x, feet from the baseline",
                    "y, feet from the sideline", options.valueLabel(), scale);
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Renders the heat map to a PNG file (parent folders created).
     *
     * @param values one per grid cell; not modified
     * @return {@code png}
     */
    public Path write(double[] values, Path png) throws IOException {
        return Png.write(render(values), png);
    }

    /**
     * Renders the heat map on {@code scale} to a PNG file (parent folders created).
     *
     * @param values one per grid cell; not modified
     * @return {@code png}
     */
    public Path write(double[] values, ColourScale scale, Path png) throws IOException {
        return Png.write(render(values, scale), png);
    }

    private void drawCourt(Graphics2D g) {
        float w = (float) Math.max(1.0, Math.min(4.0, canvas.ppf / 6.0));
        var ink = HeatmapCanvas.INK;
        double ex = GridSpec.COURT_EXTENT_X;
        double ey = GridSpec.COURT_EXTENT_Y;
        // baseline and sidelines
        Path2D bounds = new Path2D.Double();
        bounds.moveTo(ex, 0);
        bounds.lineTo(0, 0);
        bounds.lineTo(0, ey);
        bounds.lineTo(ex, ey);
        canvas.stroke(g, bounds, w, ink);
        // the paint
        canvas.stroke(g, new Rectangle2D.Double(0, BASKET_Y - LANE_HALF_WIDTH, FREE_THROW_X, 2 * LANE_HALF_WIDTH), w,
                ink);
        // free-throw circle: solid outside the lane, dashed inside
        canvas.stroke(g, arc(FREE_THROW_X, BASKET_Y, FREE_THROW_RADIUS, -90, 90), w, ink);
        canvas.dashed(g, arc(FREE_THROW_X, BASKET_Y, FREE_THROW_RADIUS, 90, 270), w, ink);
        // restricted area: a 4 ft half circle with straight ends to the backboard
        Path2D ra = new Path2D.Double();
        ra.moveTo(BACKBOARD_X, BASKET_Y - RESTRICTED_RADIUS);
        ra.lineTo(BASKET_X, BASKET_Y - RESTRICTED_RADIUS);
        ra.append(arc(BASKET_X, BASKET_Y, RESTRICTED_RADIUS, -90, 90), true);
        ra.lineTo(BACKBOARD_X, BASKET_Y + RESTRICTED_RADIUS);
        canvas.stroke(g, ra, w, ink);
        // 3-point line: corners at y = 3 and 47, arc of 23.75 ft
        double theta = Math.toDegrees(Math.asin(THREE_CORNER / THREE_RADIUS));
        Path2D three = new Path2D.Double();
        three.moveTo(0, BASKET_Y - THREE_CORNER);
        three.lineTo(THREE_BREAK_X, BASKET_Y - THREE_CORNER);
        three.append(arc(BASKET_X, BASKET_Y, THREE_RADIUS, -theta, theta), true);
        three.lineTo(0, BASKET_Y + THREE_CORNER);
        canvas.stroke(g, three, w, ink);
        // backboard, rim and its connector
        canvas.stroke(g, new Line2D.Double(BACKBOARD_X, BASKET_Y - BACKBOARD_HALF_WIDTH, BACKBOARD_X,
                BASKET_Y + BACKBOARD_HALF_WIDTH), w * 1.5f, ink);
        canvas.stroke(g, new Line2D.Double(BACKBOARD_X, BASKET_Y, BASKET_X - RIM_RADIUS, BASKET_Y), w, ink);
        canvas.stroke(g, new Ellipse2D.Double(BASKET_X - RIM_RADIUS, BASKET_Y - RIM_RADIUS, 2 * RIM_RADIUS,
                2 * RIM_RADIUS), w, ink);
    }

    /** A polyline arc in feet, counter-clockwise in the (x right, y up) frame from {@code fromDeg} to {@code toDeg}. */
    static Path2D arc(double cx, double cy, double r, double fromDeg, double toDeg) {
        int n = Math.max(8, (int) Math.ceil(Math.abs(toDeg - fromDeg) / 2));
        Path2D p = new Path2D.Double();
        for (int i = 0; i <= n; i++) {
            double t = Math.toRadians(fromDeg + (toDeg - fromDeg) * i / n);
            double x = cx + r * Math.cos(t);
            double y = cy + r * Math.sin(t);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        return p;
    }
}
