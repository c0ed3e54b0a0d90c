/**
 * Benchmarks that print their numbers (never timed unit tests): the comparison of fine-graining criteria on
 * recorded training trajectories, the cost and effect of the spatial smoothness penalty, the layer speed benchmark
 * ({@link io.github.finegrain.bench.LayerBenchmark}), {@code bench fig3} (planted data; its pipelines on the bundled
 * real data: {@link io.github.finegrain.bench.RealDataPipelines}), and the generators they run on: synthetic
 * SportVU games in the exact public schema ({@link io.github.finegrain.bench.SyntheticGame}) with the import
 * benchmark ({@link io.github.finegrain.bench.ImportBenchmark}). Nothing in {@code model} or {@code data} exists only
 * to be timed.
 */
package io.github.finegrain.bench;
