/**
 * Benchmarks that print their numbers (never timed unit tests): the comparison of fine-graining criteria on
 * recorded training trajectories, the cost and effect of the spatial smoothness penalty, and the layer speed
 * benchmark's entry point.
 */
package io.github.finegrain.bench;
