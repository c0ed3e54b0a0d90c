package io.github.finegrain.report;

import java.awt.Color;

/**
 * The diverging colour scale shared by every heat map: ColorBrewer RdBu (11 classes) with blue for negative values,
 * a near-white {@link #ZERO} at 0 and red for positive values, linearly interpolated in sRGB between the 11 anchors.
 *
 * <p>A value {@code v} is mapped through {@code t = clamp(v / limit, -1, 1)}: {@code -limit} and below get
 * {@link #MOST_NEGATIVE}, {@code +limit} and above get {@link #MOST_POSITIVE}. NaN gets {@link #MISSING}.
 */
public final class DivergingPalette {
    /** RdBu, from the most negative (dark blue) to the most positive (dark red). */
    private static final int[] ANCHORS = {
        0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f,
    };
    /** Colour of 0. */
    public static final Color ZERO = new Color(0xf7f7f7);
    /** Colour of {@code -limit} and below. */
    public static final Color MOST_NEGATIVE = new Color(0x053061);
    /** Colour of {@code +limit} and above. */
    public static final Color MOST_POSITIVE = new Color(0x67001f);
    /** Colour of NaN (a cell without a value). */
    public static final Color MISSING = new Color(0xbdbdbd);

    private DivergingPalette() {
    }

    /**
     * The colour of {@code value} on the scale {@code [-limit, +limit]}.
     *
     * @param value any double (NaN gives {@link #MISSING})
     * @param limit the end of the scale, finite and &gt; 0
     */
    public static Color colour(double value, double limit) {
        if (!(limit > 0) || !Double.isFinite(limit)) {
            throw new IllegalArgumentException("colour scale limit must be finite and > 0, found " + limit);
        }
        if (Double.isNaN(value)) {
            return MISSING;
        }
        double t = Math.max(-1, Math.min(1, value / limit));
        double pos = (t + 1) / 2 * (ANCHORS.length - 1);
        int i = Math.min((int) Math.floor(pos), ANCHORS.length - 2);
        double f = pos - i;
        int a = ANCHORS[i];
        int b = ANCHORS[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, double f) {
        int ca = a & 0xff;
        int cb = b & 0xff;
        return (int) Math.round(ca + (cb - ca) * f);
    }

    /**
     * The symmetric limit that fits {@code values}: the largest finite |value|, or 1 when there is none (all zero,
     * NaN or infinite), so that an all-zero map is drawn in {@link #ZERO}.
     *
     * @param values not modified
     */
    public static double autoLimit(double[] values) {
        double m = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m > 0 ? m : 1.0;
    }
}
