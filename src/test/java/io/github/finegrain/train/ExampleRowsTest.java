package io.github.finegrain.train;

import io.github.finegrain.data.TaskIndexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.InputRow;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

class ExampleRowsTest {

    /** Example i has features 100 i + k (k = 0..11). */
    static ExampleSet examples(String[] keys, byte[] labels) {
        int n = keys.length;
        double[] f = new double[n * ExampleSet.FEATURES];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < ExampleSet.FEATURES; k++) {
                f[i * ExampleSet.FEATURES + k] = 100 * i + k;
            }
        }
        int[] frames = new int[n];
        Arrays.setAll(frames, i -> 10 + i);
        return new ExampleSet(keys, f, labels, frames, new int[n]);
    }

    @Test
    void trainingHasThePlayerRowThenTheLeagueRowForEachExample() {
        ExampleSet ex = examples(new String[] {"b", "a", "b"}, new byte[] {1, 0, 1});
        TaskIndex tasks = TaskIndexes.fromTraining(ex); // (league), a, b
        DataSet d = ExampleRows.training(ex, tasks, DataType.DOUBLE);

        assertThat(d.getFeatures().shape()).containsExactly(6, InputRow.WIDTH);
        assertThat(d.getLabels().shape()).containsExactly(6, 1);
        assertThat(d.getFeatures().dataType()).isEqualTo(DataType.DOUBLE);
        double[][] x = d.getFeatures().toDoubleMatrix();
        assertThat(x[0][InputRow.TASK]).isEqualTo(2.0);
        assertThat(x[1][InputRow.TASK]).isEqualTo(0.0);
        assertThat(x[2][InputRow.TASK]).isEqualTo(1.0);
        assertThat(x[3][InputRow.TASK]).isEqualTo(0.0);
        assertThat(x[4][InputRow.TASK]).isEqualTo(2.0);
        assertThat(x[5][InputRow.TASK]).isEqualTo(0.0);
        for (int r = 0; r < 6; r++) {
            int i = r / 2;
            for (int k = 0; k < ExampleSet.FEATURES; k++) {
                assertThat(x[r][1 + k]).isEqualTo(100.0 * i + k);
            }
        }
        assertThat(d.getLabels().toDoubleVector()).containsExactly(1, 1, 0, 0, 1, 1);
    }

    @Test
    void trainingGivesAKeyWithoutATaskOnlyItsLeagueRow() {
        ExampleSet ex = examples(new String[] {"a", "z"}, new byte[] {0, 1});
        TaskIndex tasks = TaskIndex.of(java.util.List.of(TaskIndex.LEAGUE, "a"));
        DataSet d = ExampleRows.training(ex, tasks, DataType.FLOAT);
        assertThat(d.getFeatures().getColumn(InputRow.TASK).toDoubleVector()).containsExactly(1, 0, 0);
        assertThat(d.getLabels().reshape(3).toDoubleVector()).containsExactly(0, 0, 1);
    }

    @Test
    void scoringUsesTheLeagueTaskForUnseenPlayers() {
        TaskIndex tasks = TaskIndex.of(java.util.List.of(TaskIndex.LEAGUE, "a", "b"));
        ExampleSet ex = examples(new String[] {"b", "new", "a", "new", "other"}, new byte[] {0, 1, 0, 0, 1});
        DataSet d = ExampleRows.scoring(ex, tasks, DataType.FLOAT);

        assertThat(d.getFeatures().shape()).containsExactly(5, InputRow.WIDTH);
        assertThat(d.getFeatures().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(d.getFeatures().getColumn(InputRow.TASK).toDoubleVector()).containsExactly(2, 0, 1, 0, 0);
        assertThat(d.getFeatures().getDouble(3, InputRow.BALL_HANDLER_Y)).isEqualTo(301.0);
        assertThat(d.getLabels().toDoubleVector()).containsExactly(0, 1, 0, 0, 1);
        assertThat(ExampleRows.fallbackCount(ex, tasks)).isEqualTo(3);
        assertThat(ExampleRows.fallbackCount(ex.subset(new int[] {0, 2}), tasks)).isZero();
    }
}
