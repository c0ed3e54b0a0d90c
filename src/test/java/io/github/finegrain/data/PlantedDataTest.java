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
}
