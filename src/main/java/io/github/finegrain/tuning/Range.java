package io.github.finegrain.tuning;

/**
 * The range of one searched hyperparameter. A range with {@code min == max} is a fixed value.
 *
 * @param min   smallest value (inclusive)
 * @param max   largest value (inclusive), {@code >= min}
 * @param scale how values are spread: {@link Scale#LOG} (log-uniform for random search, geometric grid points for
 *              grid search; needs {@code min > 0}) or {@link Scale#LINEAR}
 */
public record Range(double min, double max, Scale scale) {

    /** How values are spread over a range. */
    public enum Scale {
        /** Uniform in the value. */
        LINEAR,
        /** Uniform in the logarithm of the value. */
        LOG
    }

    /** Validates the bounds. */
    public Range {
        if (scale == null) {
            throw new IllegalArgumentException("a range needs a scale");
        }
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("a range needs finite min <= max, found [" + min + ", " + max + "]");
        }
        if (scale == Scale.LOG && !(min > 0)) {
            throw new IllegalArgumentException("a log-scale range needs min > 0, found " + min);
        }
    }

    /** A fixed value. */
    public static Range fixed(double value) {
        return new Range(value, value, Scale.LINEAR);
    }

    /** Whether this range holds one value only. */
    public boolean isFixed() {
        return min == max;
    }

    @Override
    public String toString() {
        return isFixed() ? plain(min) : "[" + plain(min) + ", " + plain(max) + "]" + (scale == Scale.LOG ? " log" : "");
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
