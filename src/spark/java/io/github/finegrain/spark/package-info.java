/**
 * Multi-resolution training on Apache Spark through DL4J's Spark training (compiled only by the {@code spark} build
 * profile, {@code mvn -Pspark package}): {@link io.github.finegrain.spark.SparkMultiResolutionTrainer} runs the
 * MMT-SE ladder with parameter averaging while the driver measures, decides and swaps with the single-machine
 * trainer's rule and swap code; {@link io.github.finegrain.spark.SparkCliTraining} is {@code train --spark};
 * {@link io.github.finegrain.spark.SparkSportvuImport} is {@code import-sportvu --spark} (one task per game file).
 */
package io.github.finegrain.spark;
