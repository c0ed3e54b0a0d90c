package io.github.finegrain.eval;

import java.util.Locale;

/**
 * Plain-words names of court spots and defender positions, for captions an analyst reads. Court frame: feet, x from
 * the baseline, y from the sideline, basket at (5.25, 25); box frame: feet, +y toward the basket, +x to the ball
 * handler's right.
 */
public final class CourtWords {
    private CourtWords() {
    }

    /** A name for the court spot (x, y): at the rim, in the paint, mid-range, corner three, beyond the arc. */
    public static String spot(double x, double y) {
        double d = Math.hypot(x - 5.25, y - 25);
        String where;
        if (d < 4) {
            where = "at the rim";
        } else if (x < 14.2 && Math.abs(y - 25) >= 22) {
            where = "in the corner three";
        } else if (d >= 23.75) {
            where = "beyond the three-point arc";
        } else if (x < 19 && Math.abs(y - 25) < 8) {
            where = "in the paint";
        } else {
            where = x < 6 ? "mid-range, along the baseline" : "mid-range";
        }
        return String.format(Locale.ROOT, "%s (%.0f ft from the basket; x %.1f, y %.1f ft)", where, d, x, y);
    }

    /** A name for the defender offset (dx, dy) from the ball handler. */
    public static String defender(double dx, double dy) {
        StringBuilder b = new StringBuilder();
        if (Math.abs(dy) >= 0.5) {
            b.append(String.format(Locale.ROOT, "%.1f ft %s", Math.abs(dy), dy > 0 ? "toward the basket"
                    : "behind him"));
        }
        if (Math.abs(dx) >= 0.5) {
            if (b.length() > 0) {
                b.append(" and ");
            }
            b.append(String.format(Locale.ROOT, "%.1f ft to his %s", Math.abs(dx), dx > 0 ? "right" : "left"));
        }
        return b.length() == 0 ? "right on him" : b.toString();
    }
}
