package io.github.finegrain.cli;

import io.github.finegrain.data.sportvu.SportvuImport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code import-sportvu --spark MASTER}: the SportVU import with one Spark task per game file. The implementation
 * lives in the source folder of the {@code spark} build profile ({@code src/spark/java}, {@code mvn -Pspark package})
 * and is found with {@link java.util.ServiceLoader}, like {@link SparkTraining}; a build without the profile has none, and
 * {@link #load()} says how to get one.
 */
public interface SparkImport {
    /**
     * Imports {@code inputs} into {@code out} on Spark at {@code master} (e.g. {@code local[2]}): the same file and
     * report as {@link SportvuImport#run(List, Path, Path, SportvuImport.Options, SportvuImport.Progress)}, plus
     * {@code spark: {master, tasks, executors}} in the report.
     *
     * @param progress called on the driver after each game is merged into the file
     * @throws io.github.finegrain.data.DataFormatException on bad input (see {@link SportvuImport}); nothing is
     *                                                      written then
     */
    SportvuImport.Result run(String master, List<Path> inputs, Path out, Path report, SportvuImport.Options options,
            SportvuImport.Progress progress) throws IOException;

    /**
     * The Spark implementation of this build.
     *
     * @throws IllegalArgumentException if this finegrain was built without the {@code spark} profile
     */
    static SparkImport load() {
        return SparkProfile.service(SparkImport.class);
    }
}
