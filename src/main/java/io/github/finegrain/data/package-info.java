/**
 * Tracking data in, training examples out: the reader of the bundled 5 Hz arrays (with the alignment of its name
 * lines to segments), ball-handler and shot-attempt detection, attack-direction inference, the encoding of frames
 * as {@link io.github.finegrain.model.InputRow input rows}, task indexing, and the per-split data summary.
 */
package io.github.finegrain.data;
