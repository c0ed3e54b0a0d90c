package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;

/**
 * What a spatial layer is, independent of DL4J: the number of tasks and the two grids. The DL4J configuration
 * classes are thin Jackson-friendly adapters built from this record.
 *
 * <p><b>The defender mode has one extra entry.</b> φ(x) is the occupancy histogram of the defender grid extended by
 * one constant entry φ_C = 1 (index {@link #constantCell()} = defenderCells, the last one). Without it the model of
 * the paper has no term for where the ball handler is unless a defender is in the box, so
 * {@code F[a, b, C]} is the ball handler's own court map and {@code F[a, b, c < C]} its interaction with a defender
 * in cell c (why it matters, measured: {@code src/site/notes/model-measurements.md}).
 *
 * @param tasks        number of tasks a (players plus the league fallback task), &ge; 1
 * @param court        grid of the ball handler's position (ψ), feet in the court frame
 * @param defenderBox  grid of the defender box (φ), feet in the box frame
 */
public record SpatialLayerSpec(int tasks, GridSpec court, GridSpec defenderBox) {
    /** Validates the spec. */
    public SpatialLayerSpec {
        if (tasks < 1) {
            throw new IllegalArgumentException("a spatial layer needs at least 1 task, found " + tasks);
        }
        if (court == null || defenderBox == null) {
            throw new IllegalArgumentException("court and defender grids are required");
        }
        long full = (long) tasks * court.cellCount() * (defenderBox.cellCount() + 1L);
        if (full > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("full-rank tensor of " + tasks + " x " + court.cellCount() + " x "
                    + defenderBox.cellCount() + " entries is too large for one DL4J parameter array");
        }
    }

    /** Entries of the full-rank tensor F: {@code tasks * courtCells * defenderModeSize()}. */
    public long fullRankSize() {
        return (long) tasks * court.cellCount() * defenderModeSize();
    }

    /** Size of the defender mode: the defender grid's cells plus the constant entry. */
    public int defenderModeSize() {
        return defenderBox.cellCount() + 1;
    }

    /** Index of the constant entry of the defender mode (the last one). */
    public int constantCell() {
        return defenderBox.cellCount();
    }
}
