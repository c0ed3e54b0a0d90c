package io.github.finegrain.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/** The Spark context of a finegrain command. */
final class SparkContexts {
    private SparkContexts() {
    }

    /**
     * Starts a Spark context at {@code master} (e.g. {@code local[2]}) named {@code appName}, or joins the one that
     * {@code spark-submit} made. The web UI is off unless the configuration turns it on; with a {@code local} master
     * the driver binds to the loopback interface (a laptop or CI machine whose host name does not resolve).
     *
     * @throws IllegalArgumentException if the context cannot be started (e.g. the master cannot be reached)
     */
    static JavaSparkContext forMaster(String appName, String master) {
        SparkConf conf = new SparkConf().setAppName(appName).setMaster(master)
                .setIfMissing("spark.ui.enabled", "false");
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        try {
            return JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
        } catch (RuntimeException e) {
            // e.g. a standalone master that cannot be reached: Spark retries, then fails with a message about its
            // own internals (and logs the cause above it)
            throw new IllegalArgumentException("--spark " + master + ": could not start a Spark context ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); is the master running and "
                    + "reachable from this machine?", e);
        }
    }
}
