/**
 * Saving and loading model bundles: a DL4J {@code ModelSerializer} zip (loadable with
 * {@code MultiLayerNetwork.load}) that carries one extra JSON entry, the versioned {@link io.github.finegrain.bundle.Manifest}.
 * No Java serialization.
 */
package io.github.finegrain.bundle;
