package io.github.finegrain.bundle;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Versions of finegrain and of Deeplearning4j, as recorded in manifests and printed by {@code --version}. */
public final class Versions {
    private Versions() {
    }

    /** finegrain's version from the jar manifest, or {@code "dev"} when running from classes. */
    public static String finegrain() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Deeplearning4j's version from its jar manifest, or the version this build was made against. */
    public static String dl4j() {
        String v = MultiLayerNetwork.class.getPackage().getImplementationVersion();
        return v == null ? "1.0.0-M2.1" : v;
    }
}
