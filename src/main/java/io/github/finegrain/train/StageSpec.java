package io.github.finegrain.train;

import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.ModelKind;

/**
 * One stage of a multi-resolution schedule: the model form and its grids.
 *
 * @param kind        full-rank F or CP factors (the layers' {@link ModelKind})
 * @param court       court grid
 * @param defenderBox defender grid
 */
public record StageSpec(ModelKind kind, GridSpec court, GridSpec defenderBox) {
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
