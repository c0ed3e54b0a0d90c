package io.github.finegrain.cli;

import io.github.finegrain.bundle.Versions;
import picocli.CommandLine;

/** Prints the finegrain and DL4J versions for {@code --version}. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"finegrain " + Versions.finegrain(), "Deeplearning4j " + Versions.dl4j()};
    }
}
