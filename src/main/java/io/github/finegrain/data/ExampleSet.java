package io.github.finegrain.data;

import io.github.finegrain.model.InputRow;

/**
 * Examples of one split, one per kept ball-handler frame, in columnar form. Arrays are owned by this object and
 * must not be modified.
 *
 * @param taskKeys  task key of each example: the ball handler's player id, or his name where the data has no ids
 * @param features  {@code [examples, 12]} flattened: the {@link InputRow} columns 1..12 (ball handler x, y in the
 *                  court frame; 5 defenders dx, dy in the box frame; feet; NaN for an absent defender)
 * @param labels    1 if the ball handler shoots within the next {@value ExampleBuilder#LABEL_SECONDS} s, else 0
 * @param frames    source frame of each example
 * @param games     game index of each example
 */
public record ExampleSet(String[] taskKeys, double[] features, byte[] labels, int[] frames, int[] games) {
    /** Feature columns per example (the input row without its task column). */
    public static final int FEATURES = InputRow.WIDTH - 1;

    /** Validates lengths. */
    public ExampleSet {
        int n = taskKeys.length;
        if (features.length != n * FEATURES || labels.length != n || frames.length != n || games.length != n) {
            throw new IllegalArgumentException("example arrays disagree in length: " + n + " keys, "
                    + features.length / FEATURES + " feature rows, " + labels.length + " labels");
        }
    }

    /** Number of examples. */
    public int size() {
        return taskKeys.length;
    }

    /** Number of positive examples. */
    public int positives() {
        int p = 0;
        for (byte b : labels) {
            p += b;
        }
        return p;
    }

    /** Feature {@code k} (0-based over the 12 feature columns) of example {@code i}. */
    public double feature(int i, int k) {
        return features[i * FEATURES + k];
    }

    /** A subset by example index (keeps order). */
    public ExampleSet subset(int[] idx) {
        String[] k = new String[idx.length];
        double[] f = new double[idx.length * FEATURES];
        byte[] l = new byte[idx.length];
        int[] fr = new int[idx.length];
        int[] g = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            k[i] = taskKeys[idx[i]];
            System.arraycopy(features, idx[i] * FEATURES, f, i * FEATURES, FEATURES);
            l[i] = labels[idx[i]];
            fr[i] = frames[idx[i]];
            g[i] = games[idx[i]];
        }
        return new ExampleSet(k, f, l, fr, g);
    }
}
