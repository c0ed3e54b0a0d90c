/**
 * Reading and writing NumPy {@code .npy} files (format versions 1.0 to 3.0, C order, little-endian float64, float32,
 * int64 and int32): the exchange format of the bundled tracking arrays, the CP-ALS golden cases and the
 * {@code factorize} command. JDK only.
 *
 * <p><b>Why not ND4J's reader.</b> ND4J reads {@code .npy} files natively, and on a malformed or hostile file (a
 * truncated array, a header whose shape or dtype disagrees with the data) it crashes in native code or fails without
 * naming the file; this reader checks the header and the sizes against the file's length before it allocates, and
 * its errors ({@link io.github.finegrain.npy.NpyFormatException}) name the file and what was expected.
 */
package io.github.finegrain.npy;
