package io.github.finegrain.report;

import java.awt.Color;
import java.util.Locale;

/**
 * How a heat map turns a value into a colour, and how its colour bar is labelled.
 *
 * <ul>
 *   <li>{@link #diverging(double)}: {@link DivergingPalette} (blue below 0, near-white at 0, red above) on
 *       {@code [-limit, +limit]}, for signed quantities such as factor loadings or a change in probability.</li>
 *   <li>{@link #probability(double)}: a sequential scale (ColorBrewer YlOrRd, 9 classes, light yellow at 0 to dark
 *       red at {@code max}) on {@code [0, max]} for a probability in {@code [0, 1]}; the colour bar is labelled in
 *       percent.</li>
 * </ul>
 * Values outside the scale get the end colours; NaN gets {@link DivergingPalette#MISSING}.
 *
 * @param min     the value at the bottom of the colour bar
 * @param max     the value at the top of the colour bar (&gt; min)
 * @param percent whether tick labels are written as percentages (value × 100 followed by "%")
 * @param signed  whether the diverging palette is used ({@code min = -max}); else the sequential one
 */
public record ColourScale(double min, double max, boolean percent, boolean signed) {

    /** YlOrRd (9 classes), from 0 to max. */
    private static final int[] SEQUENTIAL = {
        0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026,
    };

    /** Validates. */
    public ColourScale {
        if (!(Double.isFinite(min) && Double.isFinite(max) && max > min)) {
            throw new IllegalArgumentException("colour scale: expected finite min < max, found [" + min + ", " + max
                    + "]");
        }
        if (signed && Math.abs(min + max) > 1e-12 * Math.abs(max)) {
            throw new IllegalArgumentException("a diverging colour scale must be symmetric, found [" + min + ", "
                    + max + "]");
        }
    }

    /** The diverging scale on {@code [-limit, +limit]} (limit finite and &gt; 0), plain tick labels. */
    public static ColourScale diverging(double limit) {
        return new ColourScale(-limit, limit, false, true);
    }

    /** The sequential probability scale on {@code [0, max]} ({@code 0 < max <= 1}), ticks in percent. */
    public static ColourScale probability(double max) {
        if (!(max > 0 && max <= 1)) {
            throw new IllegalArgumentException("probability colour scale: expected 0 < max <= 1, found " + max);
        }
        return new ColourScale(0, max, true, false);
    }

    /** The colour of {@code value}. */
    public Color colour(double value) {
        if (signed) {
            return DivergingPalette.colour(value, max);
        }
        if (Double.isNaN(value)) {
            return DivergingPalette.MISSING;
        }
        double t = Math.max(0, Math.min(1, (value - min) / (max - min)));
        double pos = t * (SEQUENTIAL.length - 1);
        int i = Math.min((int) Math.floor(pos), SEQUENTIAL.length - 2);
        double f = pos - i;
        int a = SEQUENTIAL[i];
        int b = SEQUENTIAL[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, double f) {
        int ca = a & 0xff;
        int cb = b & 0xff;
        return (int) Math.round(ca + (cb - ca) * f);
    }

    /** The tick label of {@code v}: percent with up to one decimal, or three significant digits. */
    public String label(double v) {
        if (percent) {
            double p = v * 100;
            return (Math.abs(p - Math.rint(p)) < 1e-9 ? String.format(Locale.ROOT, "%.0f", p)
                    : String.format(Locale.ROOT, "%.1f", p)) + "%";
        }
        String s = HeatmapCanvas.compact(v);
        return v > 0 && signed ? "+" + s : s.replace('-', '−');
    }

    /**
     * A "nice" upper end for values up to {@code largest}: the smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n that is
     * &ge; largest (1 for a non-positive or non-finite input).
     */
    public static double niceCeiling(double largest) {
        if (!(largest > 0) || !Double.isFinite(largest)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(largest)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= largest * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
