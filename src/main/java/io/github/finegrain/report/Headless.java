package io.github.finegrain.report;

/** Sets {@code java.awt.headless=true} before the first AWT use, unless the caller already chose. */
final class Headless {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Headless() {
    }

    /** Runs the static initializer (idempotent). Call from the static initializer of every rendering class. */
    static void ensure() {
        // the work is done once, in the static initializer
    }
}
