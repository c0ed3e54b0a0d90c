/**
 * Saving and loading model bundles: a DL4J {@code ModelSerializer} zip (loadable with
 * {@code MultiLayerNetwork.load}) that carries one extra JSON entry, the versioned {@link io.github.finegrain.bundle.Manifest}.
 * No Java serialization: bundles and checkpoint networks are read by {@link io.github.finegrain.bundle.NetworkZip}, an
 * allow-list reader that checks every size before allocating (DL4J's own loader deserializes {@code preprocessor.bin}).
 */
package io.github.finegrain.bundle;
