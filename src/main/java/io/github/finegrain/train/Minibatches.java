package io.github.finegrain.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
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
        Gather gather = new Gather(all);
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < n; from += size) {
            batches.add(gather.batch(perm, from, Math.min(n, from + size)));
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
     * Gathers minibatches of rows held in memory. The rows are copied once into Java arrays and each minibatch is
     * assembled there and handed to ND4J as one array: ND4J's native {@code pullRows} for a 1024-row minibatch of 13
     * columns was the largest single cost of a row-sparse training step on the bundled data.
     */
    public static final class Gather {
        private final int width;
        private final int labelWidth;
        private final org.nd4j.linalg.api.buffer.DataType featureType;
        private final org.nd4j.linalg.api.buffer.DataType labelType;
        /** The rows in C order, as floats for FLOAT data (half the heap) and doubles otherwise. */
        private final float[] features32;
        private final float[] labels32;
        private final double[] features64;
        private final double[] labels64;

        /**
         * @param all features {@code [n, width]} and labels {@code [n, labelWidth]}; copied, not modified
         */
        public Gather(DataSet all) {
            INDArray f = all.getFeatures();
            INDArray l = all.getLabels();
            width = (int) f.size(1);
            labelWidth = (int) l.size(1);
            featureType = f.dataType();
            labelType = l.dataType();
            boolean single = featureType == org.nd4j.linalg.api.buffer.DataType.FLOAT
                    && labelType == org.nd4j.linalg.api.buffer.DataType.FLOAT;
            features32 = single ? f.dup('c').data().asFloat() : null;
            labels32 = single ? l.dup('c').data().asFloat() : null;
            features64 = single ? null : f.dup('c').data().asDouble();
            labels64 = single ? null : l.dup('c').data().asDouble();
        }

        /** The minibatch of rows {@code perm[from..to)}: features {@code [to - from, width]}, labels likewise. */
        public DataSet batch(int[] perm, int from, int to) {
            int n = to - from;
            if (features32 != null) {
                float[] f = new float[n * width];
                float[] y = new float[n * labelWidth];
                for (int i = 0; i < n; i++) {
                    int r = perm[from + i];
                    System.arraycopy(features32, r * width, f, i * width, width);
                    System.arraycopy(labels32, r * labelWidth, y, i * labelWidth, labelWidth);
                }
                return new DataSet(Nd4j.createFromArray(f).reshape(n, width),
                        Nd4j.createFromArray(y).reshape(n, labelWidth));
            }
            double[] f = new double[n * width];
            double[] y = new double[n * labelWidth];
            for (int i = 0; i < n; i++) {
                int r = perm[from + i];
                System.arraycopy(features64, r * width, f, i * width, width);
                System.arraycopy(labels64, r * labelWidth, y, i * labelWidth, labelWidth);
            }
            return new DataSet(Nd4j.createFromArray(f).reshape(n, width).castTo(featureType),
                    Nd4j.createFromArray(y).reshape(n, labelWidth).castTo(labelType));
        }
    }
}
