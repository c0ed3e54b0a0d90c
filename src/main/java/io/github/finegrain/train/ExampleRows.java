package io.github.finegrain.train;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.InputRow;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Examples as DL4J {@link DataSet}s of {@link InputRow} rows: features {@code [rows, 13]}, labels {@code [rows, 1]}.
 */
public final class ExampleRows {
    private ExampleRows() {
    }

    /**
     * Training rows: each example becomes one row per active task, its ball handler's (when he has a task) and the
     * league's (A(i) = {ball handler, league}); examples are in order, the league row right after the player row.
     */
    public static DataSet training(ExampleSet ex, TaskIndex tasks, DataType type) {
        List<double[]> x = new ArrayList<>();
        List<double[]> y = new ArrayList<>();
        for (int i = 0; i < ex.size(); i++) {
            int a = tasks.indexOf(ex.taskKeys()[i]);
            double[] label = {ex.labels()[i]};
            if (a > TaskIndex.LEAGUE_INDEX) {
                x.add(row(ex, i, a));
                y.add(label);
            }
            x.add(row(ex, i, TaskIndex.LEAGUE_INDEX));
            y.add(label);
        }
        return new DataSet(Nd4j.createFromArray(x.toArray(new double[0][])).castTo(type),
                Nd4j.createFromArray(y.toArray(new double[0][])).castTo(type));
    }

    /** Scoring rows: one per example, on its ball handler's task if seen in training, else on the league task. */
    public static DataSet scoring(ExampleSet ex, TaskIndex tasks, DataType type) {
        int n = ex.size();
        double[][] x = new double[n][];
        double[][] y = new double[n][1];
        for (int i = 0; i < n; i++) {
            x[i] = row(ex, i, tasks.scoringIndex(ex.taskKeys()[i]));
            y[i][0] = ex.labels()[i];
        }
        return new DataSet(Nd4j.createFromArray(x).castTo(type), Nd4j.createFromArray(y).castTo(type));
    }

    /** Number of examples whose ball handler was not seen in training (scored on the league task). */
    public static int fallbackCount(ExampleSet ex, TaskIndex tasks) {
        int c = 0;
        for (String k : ex.taskKeys()) {
            if (tasks.indexOf(k) < 0) {
                c++;
            }
        }
        return c;
    }

    /**
     * The data fingerprint checkpoints and bundles record: SHA-256 over the examples' task keys (UTF-8) and labels,
     * then every feature as a big-endian double; lower-case hex.
     */
    public static String fingerprint(ExampleSet ex) {
        java.security.MessageDigest md = sha256();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8);
        for (int i = 0; i < ex.size(); i++) {
            md.update(ex.taskKeys()[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(ex.labels()[i]);
        }
        for (double v : ex.features()) {
            buf.clear();
            buf.putDouble(v);
            md.update(buf.array());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /**
     * The fingerprint of rows that are already input rows: SHA-256 over the raw bytes of the features' then the
     * labels' buffers (so it depends on the data type); lower-case hex.
     */
    public static String fingerprint(DataSet rows) {
        java.security.MessageDigest md = sha256();
        md.update(rows.getFeatures().data().asBytes());
        md.update(rows.getLabels().data().asBytes());
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static double[] row(ExampleSet ex, int i, int task) {
        double[] r = new double[InputRow.WIDTH];
        r[InputRow.TASK] = task;
        System.arraycopy(ex.features(), i * ExampleSet.FEATURES, r, 1, ExampleSet.FEATURES);
        return r;
    }
}
