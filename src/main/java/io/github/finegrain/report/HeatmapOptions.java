package io.github.finegrain.report;

/**
 * How a heat map ({@link CourtHeatmap}, {@link DefenderBoxHeatmap}) is titled and scaled.
 *
 * @param title         the title drawn above the picture (required, may be empty)
 * @param subtitle      a smaller line under the title; null for the picture's default (grid size and orientation)
 * @param valueLabel    the label of the colour bar (e.g. {@code "logit contribution"}); may be empty
 * @param limit         the colour scale runs over {@code [-limit, +limit]}; NaN (the default) for the largest finite
 *                      |value| of the map (see {@link DivergingPalette#autoLimit}). Give the same limit to maps that
 *                      should be compared by colour.
 * @param pixelsPerFoot image pixels per foot of court; 0 (the default) for the picture's default (court 12, defender
 *                      box 36), else 2 to 100
 */
public record HeatmapOptions(String title, String subtitle, String valueLabel, double limit, int pixelsPerFoot) {

    /** Validates. */
    public HeatmapOptions {
        if (title == null) {
            throw new IllegalArgumentException("heat map title must not be null (use \"\" for none)");
        }
        if (valueLabel == null) {
            valueLabel = "";
        }
        if (!Double.isNaN(limit) && !(limit > 0 && Double.isFinite(limit))) {
            throw new IllegalArgumentException("colour scale limit must be NaN (automatic) or finite and > 0, found "
                    + limit);
        }
        if (pixelsPerFoot != 0 && (pixelsPerFoot < 2 || pixelsPerFoot > 100)) {
            throw new IllegalArgumentException("pixels per foot must be 0 (default) or in [2, 100], found "
                    + pixelsPerFoot);
        }
    }

    /** Defaults: the given title, the default subtitle, no value label, automatic limit, default resolution. */
    public static HeatmapOptions titled(String title) {
        return new HeatmapOptions(title, null, "", Double.NaN, 0);
    }

    /** A copy with {@code subtitle}. */
    public HeatmapOptions withSubtitle(String s) {
        return new HeatmapOptions(title, s, valueLabel, limit, pixelsPerFoot);
    }

    /** A copy with {@code valueLabel}. */
    public HeatmapOptions withValueLabel(String label) {
        return new HeatmapOptions(title, subtitle, label, limit, pixelsPerFoot);
    }

    /** A copy with the colour scale limit {@code l} (NaN for automatic). */
    public HeatmapOptions withLimit(double l) {
        return new HeatmapOptions(title, subtitle, valueLabel, l, pixelsPerFoot);
    }

    /** A copy with {@code ppf} pixels per foot (0 for the default). */
    public HeatmapOptions withPixelsPerFoot(int ppf) {
        return new HeatmapOptions(title, subtitle, valueLabel, limit, ppf);
    }
}
