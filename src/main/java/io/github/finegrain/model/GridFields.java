package io.github.finegrain.model;

import io.github.finegrain.grid.GridSpec;

/**
 * Jackson-friendly holder of a {@link GridSpec} inside DL4J layer configurations (DL4J's shaded Jackson serializes
 * plain fields; it predates records).
 */
public final class GridFields implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private double originX;
    private double originY;
    private double extentX;
    private double extentY;
    private int rows;
    private int cols;

    /** For Jackson. */
    public GridFields() {
    }

    /** Copies {@code g}. */
    public GridFields(GridSpec g) {
        originX = g.originX();
        originY = g.originY();
        extentX = g.extentX();
        extentY = g.extentY();
        rows = g.rows();
        cols = g.cols();
    }

    /** The validated grid. */
    public GridSpec toSpec() {
        return new GridSpec(originX, originY, extentX, extentY, rows, cols);
    }

    public double getOriginX() {
        return originX;
    }

    public void setOriginX(double v) {
        originX = v;
    }

    public double getOriginY() {
        return originY;
    }

    public void setOriginY(double v) {
        originY = v;
    }

    public double getExtentX() {
        return extentX;
    }

    public void setExtentX(double v) {
        extentX = v;
    }

    public double getExtentY() {
        return extentY;
    }

    public void setExtentY(double v) {
        extentY = v;
    }

    public int getRows() {
        return rows;
    }

    public void setRows(int v) {
        rows = v;
    }

    public int getCols() {
        return cols;
    }

    public void setCols(int v) {
        cols = v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GridFields g && toSpec().equals(g.toSpec());
    }

    @Override
    public int hashCode() {
        return toSpec().hashCode();
    }
}
