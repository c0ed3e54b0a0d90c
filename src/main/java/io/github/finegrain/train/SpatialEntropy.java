package io.github.finegrain.train;

/**
 * Entropy statistics of a gradient over spatial cells (paper, Sec. 3.1: the spatial entropy that controls
 * fine-graining). All entropies are in nats.
 *
 * <p>Given a non-negative mass m_b per court cell b (e.g. |gradient| summed over the other modes),
 * {@code P_b = m_b / Σ m} and {@code S = −Σ_b P_b log P_b}; normalized {@code S / log(#cells)} lies in [0, 1]
 * (1 for a uniform P, 0 for one cell holding all the mass).
 */
public final class SpatialEntropy {
    private SpatialEntropy() {
    }

    /**
     * Entropy of the distribution proportional to {@code mass}, nats; 0 when the total mass is 0.
     *
     * @throws IllegalArgumentException if a mass is negative or not finite
     */
    public static double entropy(double[] mass) {
        double total = 0;
        for (int i = 0; i < mass.length; i++) {
            if (!(mass[i] >= 0) || Double.isInfinite(mass[i])) {
                throw new IllegalArgumentException("mass " + i + " is " + mass[i] + "; expected finite and >= 0");
            }
            total += mass[i];
        }
        if (total == 0) {
            return 0;
        }
        double s = 0;
        for (double m : mass) {
            if (m > 0) {
                double p = m / total;
                s -= p * Math.log(p);
            }
        }
        return s;
    }

    /** {@link #entropy} divided by log(#cells): in [0, 1]; 0 for a single cell. */
    public static double normalizedEntropy(double[] mass) {
        return mass.length <= 1 ? 0 : entropy(mass) / Math.log(mass.length);
    }

    /**
     * Entropy of a histogram of {@code values} with {@code bins} equal bins over [lo, hi] (values outside are
     * clamped into the end bins), nats; 0 for no values.
     */
    public static double histogramEntropy(double[] values, int count, int bins, double lo, double hi) {
        if (count == 0) {
            return 0;
        }
        double[] h = new double[bins];
        for (int i = 0; i < count; i++) {
            int b = (int) Math.floor((values[i] - lo) / (hi - lo) * bins);
            h[Math.max(0, Math.min(bins - 1, b))]++;
        }
        return entropy(h);
    }

    /** Binary entropy of the share of positive values among {@code count} values, nats; 0 for no values. */
    public static double signEntropy(double[] values, int count) {
        if (count == 0) {
            return 0;
        }
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (values[i] > 0) {
                pos++;
            }
        }
        return entropy(new double[] {pos, count - pos});
    }
}
