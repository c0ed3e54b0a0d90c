/**
 * Court and defender-box geometry in feet, rectangular grid specs, point-to-cell lookup and the resolution ladders of
 * the paper's benchmark. JDK only.
 *
 * <p>Cell convention everywhere (layers, saved factors, heat maps): rows run along x, columns along y,
 * {@code cell = row * cols + col}.
 */
package io.github.finegrain.grid;
