package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;

/**
 * What a CP-factored spatial layer is, independent of DL4J: a {@link SpatialLayerSpec} (tasks and the two grids, the
 * defender mode with its constant entry) and the CP rank K (paper, Sec. 2, Eq. 1: {@code F = A ⊗ B ⊗ C}).
 *
 * <p>Factors: {@code A [tasks, K]}, {@code B [courtCells, K]}, {@code C [defenderCells + 1, K]} (the last row of C is
 * the constant defender entry, see {@link SpatialLayerSpec}).
 *
 * @param spatial tasks and grids
 * @param rank    CP rank K, &ge; 1
 */
public record CpLayerSpec(SpatialLayerSpec spatial, int rank) {
    /**
     * Validates the spec.
     *
     * @throws IllegalArgumentException if {@code spatial} is null, {@code rank < 1}, or the factors would not fit in
     *                                  one DL4J parameter array
     */
    public CpLayerSpec {
        if (spatial == null) {
            throw new IllegalArgumentException("a spatial spec is required");
        }
        if (rank < 1) {
            throw new IllegalArgumentException("CP rank must be >= 1, found " + rank);
        }
        long n = (long) rank * ((long) spatial.tasks() + spatial.court().cellCount() + spatial.defenderModeSize())
                + spatial.tasks();
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("CP factors of rank " + rank + " for " + spatial.tasks() + " tasks, "
                    + spatial.court().cellCount() + " court cells and " + spatial.defenderModeSize()
                    + " defender entries are too large for one DL4J parameter array");
        }
    }

    /** Convenience constructor. */
    public CpLayerSpec(int tasks, GridSpec court, GridSpec defenderBox, int rank) {
        this(new SpatialLayerSpec(tasks, court, defenderBox), rank);
    }

    /** Number of tasks. */
    public int tasks() {
        return spatial.tasks();
    }

    /** Court grid (ψ). */
    public GridSpec court() {
        return spatial.court();
    }

    /** Defender grid (φ, without the constant entry). */
    public GridSpec defenderBox() {
        return spatial.defenderBox();
    }

    /** Number of parameters: {@code K (tasks + courtCells + defenderCells + 1) + tasks}. */
    public long parameterCount() {
        return (long) rank * (tasks() + court().cellCount() + spatial.defenderModeSize()) + tasks();
    }
}
