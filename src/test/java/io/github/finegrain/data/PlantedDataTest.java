package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PlantedDataTest {

    /** The signal scales the loadings and nothing else: same positions, same bumps, loadings × signal. */
    @Test
    void signalScalesOnlyTheLoadings() {
        PlantedData one = PlantedData.generate(7, 500, 4, 0.1, 1.0, 3);
        PlantedData two = PlantedData.generate(7, 500, 4, 0.1, 2.0, 3);
        assertThat(two.examples().features()).containsExactly(one.examples().features());
        assertThat(two.bumpsCourt()).isDeepEqualTo(one.bumpsCourt());
        for (int p = 0; p < 7; p++) {
            for (int k = 0; k < 4; k++) {
                assertThat(two.loadings()[p][k]).isCloseTo(2 * one.loadings()[p][k], within(1e-12));
            }
        }
        // the default is documented as 2
        PlantedData byDefault = PlantedData.generate(7, 500, 4, 0.1, 3);
        assertThat(byDefault.loadings()).isDeepEqualTo(two.loadings());
        assertThat(PlantedData.DEFAULT_SIGNAL).isEqualTo(2.0);
    }

    /** The bias is calibrated to the requested rate, and a stronger signal still gives that rate. */
    @Test
    void positiveRateIsCalibratedAtEverySignal() {
        for (double signal : new double[] {1, 2, 4}) {
            PlantedData d = PlantedData.generate(20, 20_000, 5, 0.08, signal, 1);
            double pos = 0;
            for (byte b : d.examples().labels()) {
                pos += b;
            }
            assertThat(pos / 20_000).as("signal %s", signal).isCloseTo(0.08, within(0.01));
        }
    }

    @Test
    void rejectsANonPositiveSignal() {
        assertThatThrownBy(() -> PlantedData.generate(7, 500, 4, 0.1, 0.0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signal");
        assertThatThrownBy(() -> PlantedData.generate(7, 500, 4, 0.1, Double.NaN, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signal");
    }

    /** The streamed writer writes what generate draws: same players, labels, and features to float32. */
    @Test
    void theStreamedWriterWritesTheGeneratedExamples(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        PlantedData mem = PlantedData.generate(9, 700, 3, 0.2, 2.0, 11);
        java.nio.file.Path out = dir.resolve("p.fgex");
        PlantedData written = PlantedData.write(9, new int[] {500, 120, 80}, 3, 0.2, 2.0, 11, out, "{\"t\":1}");
        assertThat(written.bias()).isEqualTo(mem.bias());
        assertThat(written.loadings()).isDeepEqualTo(mem.loadings());
        ExampleFile f = ExampleFile.open(out);
        f.verifyChecksum();
        assertThat(f.rows()).isEqualTo(700);
        assertThat(f.games()).extracting(ExampleFile.Game::split).containsExactly(Split.TRAIN, Split.VAL, Split.TEST);
        int from = 0;
        for (Split s : Split.values()) {
            ExampleSet e = f.read(s);
            for (int i = 0; i < e.size(); i++) {
                int j = from + i;
                assertThat(e.taskKeys()[i]).isEqualTo(mem.examples().taskKeys()[j]);
                assertThat(e.labels()[i]).isEqualTo(mem.examples().labels()[j]);
                assertThat(e.frames()[i]).isEqualTo(j);
                for (int k = 0; k < ExampleSet.FEATURES; k++) {
                    assertThat(e.feature(i, k)).isEqualTo((double) (float) mem.examples().feature(j, k));
                }
            }
            assertThat(f.games().get(s.ordinal()).positives()).isEqualTo(e.positives());
            from += e.size();
        }
        assertThat(f.taskCounts(Split.TRAIN).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(500);
        assertThatThrownBy(() -> PlantedData.write(9, new int[] {5, -1, 0}, 3, 0.2, 2.0, 11, out, "{}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
