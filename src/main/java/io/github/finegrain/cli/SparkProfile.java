package io.github.finegrain.cli;

import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/** The implementations that the {@code spark} build profile adds ({@code src/spark/java}), found with ServiceLoader. */
final class SparkProfile {
    /** {@code local}, {@code local[N]}, {@code local[*]}, with an optional {@code ,F} (task failures allowed). */
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9][0-9]{0,4})(,[1-9][0-9]{0,4})?\\])?");
    /** A standalone master, or several (high availability): {@code spark://host:port[,host:port…]}. */
    private static final Pattern STANDALONE = Pattern.compile(
            "spark://[A-Za-z0-9._\\-]+:[0-9]{1,5}(,[A-Za-z0-9._\\-]+:[0-9]{1,5})*");

    private SparkProfile() {
    }

    /**
     * Checks a {@code --spark} master before any work: the forms this build can start, {@code local},
     * {@code local[N]}, {@code local[*]} (optionally {@code local[N,F]}) and {@code spark://host:port} (a standalone
     * cluster, or {@code spark://h1:p1,h2:p2}). YARN, Kubernetes and Mesos masters need Spark modules this build does
     * not ship.
     *
     * @throws IllegalArgumentException naming the master and the accepted forms
     */
    static void checkMaster(String master) {
        if (master != null && (LOCAL.matcher(master).matches() || STANDALONE.matcher(master).matches())) {
            return;
        }
        throw new IllegalArgumentException("--spark: '" + master + "' is not a Spark master this build can use; "
                + "expected local, local[N], local[*] or spark://host:port (YARN, Kubernetes and Mesos need Spark "
                + "modules that the spark profile does not ship)");
    }

    /**
     * The implementation of {@code type} in this build.
     *
     * @throws IllegalArgumentException if this finegrain was built without the {@code spark} profile (the message
     *                                  says how to build it)
     */
    static <T> T service(Class<T> type) {
        try {
            Optional<T> found = ServiceLoader.load(type, type.getClassLoader()).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
        } catch (ServiceConfigurationError e) {
            // a service file left in target/classes by an earlier -Pspark build, without its classes
            throw new IllegalArgumentException("--spark: this finegrain was built without the spark profile: mvn "
                    + "-Pspark package (after switching profiles, mvn clean first: " + e.getMessage() + ")");
        }
        throw new IllegalArgumentException("--spark: this finegrain was built without the spark profile: mvn -Pspark "
                + "package");
    }
}
