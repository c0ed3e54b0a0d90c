package io.github.finegrain.model;

/**
 * Form of the spatial tensor F (paper, Sec. 2, Eq. 1), shared by the layer configurations
 * ({@link SpatialLayerConf#kind()}) and the stages of a multi-resolution schedule ({@code train.StageSpec}).
 */
public enum ModelKind {
    /** Full-rank tensor F [tasks, courtCells, defenderCells + 1] ({@link FullRankSpatialLayer}). */
    FULL_RANK("full-rank"),
    /** CP factors A, B, C of rank K ({@link CpSpatialLayer}). */
    CP("cp");

    private final String label;

    ModelKind(String label) {
        this.label = label;
    }

    /** {@code full-rank} or {@code cp}: the word used in manifests, traces, reports and the CLI. */
    public String label() {
        return label;
    }

    /**
     * The kind with label {@code label}.
     *
     * @throws IllegalArgumentException naming the label and the accepted ones when there is none
     */
    public static ModelKind ofLabel(String label) {
        for (ModelKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown model kind '" + label + "', expected full-rank or cp");
    }

    /** The {@link #label()}, so that messages and string concatenations read {@code full-rank} / {@code cp}. */
    @Override
    public String toString() {
        return label;
    }
}
