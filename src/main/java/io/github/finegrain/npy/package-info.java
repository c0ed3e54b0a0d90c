/**
 * Reading and writing NumPy {@code .npy} files (format versions 1.0 to 3.0, C order, little-endian float64, float32,
 * int64 and int32): the exchange format of the bundled tracking arrays, the CP-ALS golden cases and the
 * {@code factorize} command. JDK only.
 */
package io.github.finegrain.npy;
