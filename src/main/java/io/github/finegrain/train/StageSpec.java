package io.github.finegrain.train;

import io.github.finegrain.grid.GridSpec;

/**
 * One stage of a multi-resolution schedule: the model form and its grids.
 *
 * @param kind        full-rank F or CP factors
 * @param court       court grid
 * @param defenderBox defender grid
 */
public record StageSpec(Kind kind, GridSpec court, GridSpec defenderBox) {
    /** Model form of a stage. */
    public enum Kind {
        /** Full-rank tensor F. */
        FULL_RANK,
        /** CP factors A, B, C. */
        CP;

        /** {@code full-rank} or {@code cp}. */
        public String label() {
            return this == FULL_RANK ? "full-rank" : "cp";
        }
    }

    /** Validates the stage. */
    public StageSpec {
        if (kind == null || court == null || defenderBox == null) {
            throw new IllegalArgumentException("a stage needs a kind and two grids");
        }
    }

    /** E.g. {@code full-rank 4x5 / 6x6}. */
    public String label() {
        return kind.label() + " " + court.label() + " / " + defenderBox.label();
    }
}
