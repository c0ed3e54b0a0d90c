/**
 * Court and defender-box geometry in feet, rectangular grid specs, point-to-cell lookup and the resolution ladders of
 * the paper's benchmark, {@link io.github.finegrain.grid.FineGraining} (the area-overlap map that carries gridded
 * parameters from a coarse grid to a finer one, exact for nested grids), and
 * {@link io.github.finegrain.grid.GridLaplacian} (the Gaussian-kernel graph Laplacian over cell centres behind the
 * spatial smoothness penalty). JDK only.
 *
 * <p>Cell convention everywhere (layers, saved factors, heat maps): rows run along x, columns along y,
 * {@code cell = row * cols + col}.
 */
package io.github.finegrain.grid;
