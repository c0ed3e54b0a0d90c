package io.github.finegrain.spark;

import io.github.finegrain.cli.SparkTraining;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import io.github.finegrain.data.Split;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.train.ExampleFileRows;
import io.github.finegrain.train.ExampleRows;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@code train --spark MASTER}: starts a Spark context at the master (or joins the one {@code spark-submit} made),
 * runs {@link SparkMultiResolutionTrainer} with automatic settings and stops the context it started. Found by the
 * CLI through {@link java.util.ServiceLoader} ({@code META-INF/services/io.github.finegrain.cli.SparkTraining}).
 */
public final class SparkCliTraining implements SparkTraining {
    @Override
    public Outcome fit(String master, MultiResolutionOptions options, ExampleSet train, ExampleSet validation,
            MultiResolutionTrainer.Progress progress) {
        try (JavaSparkContext sc = SparkContexts.forMaster("finegrain train", master)) {
            return outcome(master, options, trainer(sc, options, progress).fit(train, validation));
        }
    }

    @Override
    public Outcome fit(String master, MultiResolutionOptions options, ExampleFileRows train, ExampleSet validation,
            MultiResolutionTrainer.Progress progress) throws java.io.IOException {
        TaskIndex tasks = TaskIndex.fromCounts(train.taskCounts(), options.minTaskExamples());
        try (JavaSparkContext sc = SparkContexts.forMaster("finegrain train", master)) {
            SparkMultiResolutionTrainer trainer = trainer(sc, options, progress);
            JavaRDD<DataSet> batches = SparkExampleFiles.minibatches(sc, train, Split.TRAIN, tasks,
                    options.batchSize(), options.dataType(), options.seed(), ExampleFileRows.DEFAULT_BLOCK_EXAMPLES,
                    4 * sc.defaultParallelism());
            return outcome(master, options, trainer.fit(batches, tasks, train.positiveRate(tasks),
                    train.fingerprint(), ExampleRows.scoring(validation, tasks, options.dataType()),
                    validation.labels()));
        }
    }

    private static SparkMultiResolutionTrainer trainer(JavaSparkContext sc, MultiResolutionOptions options,
            MultiResolutionTrainer.Progress progress) {
        return new SparkMultiResolutionTrainer(sc, options, new DefaultStageTransition(),
                SparkMultiResolutionTrainer.Settings.automatic()).withProgress(progress);
    }

    private static Outcome outcome(String master, MultiResolutionOptions options,
            SparkMultiResolutionTrainer.Result r) {
        Map<String, Object> spark = new LinkedHashMap<>();
        spark.put("master", master);
        spark.put("rounds", r.rounds());
        spark.put("executors", r.workers());
        spark.put("averagingFrequency", r.averagingFrequency());
        spark.put("trainingMaster", "parameter-averaging");
        spark.put("workerStep", SparkMultiResolutionTrainer.rowSparse(options.optimizer())
                ? "row-sparse " + options.optimizer() : "dl4j " + options.updater().getClass().getSimpleName());
        spark.put("entropyReading", r.reading());
        return new Outcome(r.run(), spark);
    }
}
