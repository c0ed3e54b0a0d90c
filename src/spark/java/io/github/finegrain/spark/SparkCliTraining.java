package io.github.finegrain.spark;

import io.github.finegrain.cli.SparkTraining;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.train.DefaultStageTransition;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.MultiResolutionTrainer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code train --spark MASTER}: starts a Spark context at the master (or joins the one {@code spark-submit} made),
 * runs {@link SparkMultiResolutionTrainer} with automatic settings and stops the context it started. Found by the
 * CLI through {@link java.util.ServiceLoader} ({@code META-INF/services/io.github.finegrain.cli.SparkTraining}).
 */
public final class SparkCliTraining implements SparkTraining {
    @Override
    public Outcome fit(String master, MultiResolutionOptions options, ExampleSet train, ExampleSet validation,
            MultiResolutionTrainer.Progress progress) {
        SparkConf conf = new SparkConf().setAppName("finegrain train").setMaster(master)
                .setIfMissing("spark.ui.enabled", "false");
        if (master.startsWith("local")) {
            // a laptop or CI machine whose host name does not resolve: bind the driver to the loopback interface
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        try (JavaSparkContext sc = JavaSparkContext.fromSparkContext(org.apache.spark.SparkContext.getOrCreate(conf))) {
            SparkMultiResolutionTrainer.Result r = new SparkMultiResolutionTrainer(sc, options,
                    new DefaultStageTransition(), SparkMultiResolutionTrainer.Settings.automatic())
                    .withProgress(progress).fit(train, validation);
            Map<String, Object> spark = new LinkedHashMap<>();
            spark.put("master", master);
            spark.put("rounds", r.rounds());
            spark.put("executors", r.workers());
            spark.put("averagingFrequency", r.averagingFrequency());
            spark.put("trainingMaster", "parameter-averaging");
            spark.put("workerUpdater", options.updater().getClass().getSimpleName());
            return new Outcome(r.run(), spark);
        }
    }
}
