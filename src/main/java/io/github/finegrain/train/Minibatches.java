package io.github.finegrain.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shuffled minibatches of rows held in memory: the permutation both training loops draw (Fisher–Yates from the last
 * position) and the row gather. {@link InMemoryMinibatchStream} uses them epoch by epoch; {@link Trainer} and the
 * benchmarks cut a whole epoch at once with {@link #shuffled}.
 */
public final class Minibatches {
    private Minibatches() {
    }

    /** The rows of {@code all} in a fresh random order from {@code rnd}, cut into minibatches of {@code size}. */
    public static List<DataSet> shuffled(DataSet all, int size, Random rnd) {
        if (size < 1) {
            throw new IllegalArgumentException("minibatch size must be >= 1, found " + size);
        }
        int n = all.numExamples();
        int[] perm = permutation(n, rnd);
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < n; from += size) {
            batches.add(batch(all, perm, from, Math.min(n, from + size)));
        }
        return batches;
    }

    /** A random permutation of {@code 0..n-1} (Fisher–Yates from the last position). */
    public static int[] permutation(int n, Random rnd) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        return perm;
    }

    /**
     * The minibatch of rows {@code perm[from..to)} of {@code all}: a copy made by ND4J's native row gather.
     *
     * @param all  features {@code [n, width]} and labels {@code [n, 1]}; not modified
     * @param perm row indexes into {@code all}
     */
    public static DataSet batch(DataSet all, int[] perm, int from, int to) {
        int[] rows = Arrays.copyOfRange(perm, from, to);
        return new DataSet(Nd4j.pullRows(all.getFeatures(), 1, rows), Nd4j.pullRows(all.getLabels(), 1, rows));
    }
}
