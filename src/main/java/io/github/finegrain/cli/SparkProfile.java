package io.github.finegrain.cli;

import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** The implementations that the {@code spark} build profile adds ({@code src/spark/java}), found with ServiceLoader. */
final class SparkProfile {
    private SparkProfile() {
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
