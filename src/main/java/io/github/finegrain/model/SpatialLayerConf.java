package io.github.finegrain.model;

/**
 * What both spatial layer configurations tell the trainer and the listeners: their spec, and where the court mode
 * sits among their parameters (the gradient whose spatial entropy controls fine-graining).
 */
public interface SpatialLayerConf {
    /** Tasks and grids of the layer. */
    SpatialLayerSpec spatialSpec();

    /** Full-rank or CP. */
    ModelKind kind();

    /** Which columns of an input row hold the task, the anchor and the context points. */
    InputLayout inputLayout();

    /** CP rank K, or null for a full-rank layer. */
    Integer rank();

    /** Key of the parameter that carries the court mode: {@code F} (full-rank) or {@code B} (CP). */
    String courtModeParam();

    /** Axis of the court mode in that parameter: 1 in {@code F [tasks, court, defender]}, 0 in {@code B [court, K]}. */
    int courtAxis();

    /** The layer's spatial smoothness penalty ({@link SpatialSmoothness#NONE} when off). */
    SpatialSmoothness smoothness();
}
