package io.github.finegrain.cli;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.train.ExampleFileRows;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import java.util.Map;

/**
 * {@code train --spark MASTER}: multi-resolution training on Apache Spark. The implementation lives in the source
 * folder of the {@code spark} build profile ({@code src/spark/java}, {@code mvn -Pspark package}) and is found with
 * {@link java.util.ServiceLoader}; a build without the profile has none, and {@link #load()} says how to get one.
 */
public interface SparkTraining {
    /**
     * What a Spark run returns besides the single-machine trainer's result.
     *
     * @param result the run, in the single-machine trainer's terms (stages, trace, final model)
     * @param spark  {@code master}, {@code rounds} (parameter-averaging rounds), {@code executors} and the other
     *               Spark settings of the run, for {@code metrics.json}
     */
    record Outcome(MultiResolutionTrainer.Result result, Map<String, Object> spark) {
    }

    /**
     * Runs the options' ladder on Spark at {@code master} (e.g. {@code local[2]}), validating on the driver.
     *
     * @param train      training examples (read on the driver, then partitioned over the executors)
     * @param validation validation examples, scored on the driver
     * @param progress   stage progress callbacks (called on the driver)
     */
    Outcome fit(String master, MultiResolutionOptions options, ExampleSet train, ExampleSet validation,
            MultiResolutionTrainer.Progress progress);

    /**
     * Runs the options' ladder on Spark at {@code master} on the training split of an example file, which the
     * executors read block by block (the driver holds only {@code train}'s per-player counts).
     *
     * @param train      the driver's scan of the training split ({@link ExampleFileRows#scan})
     * @param validation validation examples, scored on the driver
     */
    Outcome fit(String master, MultiResolutionOptions options, ExampleFileRows train, ExampleSet validation,
            MultiResolutionTrainer.Progress progress) throws java.io.IOException;

    /**
     * The Spark implementation of this build.
     *
     * @throws IllegalArgumentException if this finegrain was built without the {@code spark} profile
     */
    static SparkTraining load() {
        return SparkProfile.service(SparkTraining.class);
    }
}
