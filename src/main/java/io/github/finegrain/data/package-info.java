/**
 * Tracking data in, training examples out: the reader of the bundled 5 Hz arrays (with the alignment of its name
 * lines to segments), ball-handler and shot-attempt detection, attack-direction inference, the encoding of frames
 * as {@link io.github.finegrain.model.InputRow input rows} ({@link io.github.finegrain.data.FrameGeometry}, shared
 * with the SportVU importer in {@code data.sportvu}), task indexing, the per-split data summary, finegrain's example
 * file format ({@link io.github.finegrain.data.ExampleFile}) and the DataVec record readers over it and over the
 * bundled data ({@link io.github.finegrain.data.ExampleFileRecordReader},
 * {@link io.github.finegrain.data.ExampleSetRecordReader}).
 */
package io.github.finegrain.data;
