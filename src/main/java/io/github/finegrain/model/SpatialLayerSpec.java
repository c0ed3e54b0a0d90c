package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;

/**
 * What a spatial layer is, independent of DL4J: the number of tasks and the two grids. The DL4J configuration
 * classes are thin Jackson-friendly adapters built from this record.
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
        long full = (long) tasks * court.cellCount() * defenderBox.cellCount();
        if (full > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("full-rank tensor of " + tasks + " x " + court.cellCount() + " x "
                    + defenderBox.cellCount() + " entries is too large for one DL4J parameter array");
        }
    }

    /** Entries of the full-rank tensor F: {@code tasks * courtCells * defenderCells}. */
    public long fullRankSize() {
        return (long) tasks * court.cellCount() * defenderBox.cellCount();
    }
}
