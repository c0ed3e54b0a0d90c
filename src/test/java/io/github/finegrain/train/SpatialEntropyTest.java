package io.github.finegrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpatialEntropyTest {

    @Test
    void uniformMassHasNormalizedEntropyOne() {
        double[] m = {2, 2, 2, 2, 2, 2, 2, 2};
        assertThat(SpatialEntropy.entropy(m)).isCloseTo(Math.log(8), within(1e-12));
        assertThat(SpatialEntropy.normalizedEntropy(m)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void oneHotMassHasEntropyZero() {
        assertThat(SpatialEntropy.normalizedEntropy(new double[] {0, 0, 5, 0})).isEqualTo(0.0);
        assertThat(SpatialEntropy.entropy(new double[] {0, 0, 0})).isEqualTo(0.0);
    }

    @Test
    void twoToOneMassMatchesHandComputation() {
        double expected = -(2.0 / 3) * Math.log(2.0 / 3) - (1.0 / 3) * Math.log(1.0 / 3);
        assertThat(SpatialEntropy.entropy(new double[] {2, 1})).isCloseTo(expected, within(1e-12));
        assertThat(SpatialEntropy.normalizedEntropy(new double[] {2, 1, 0, 0}))
                .isCloseTo(expected / Math.log(4), within(1e-12));
    }

    @Test
    void rejectsNegativeOrNonFiniteMass() {
        assertThatThrownBy(() -> SpatialEntropy.entropy(new double[] {1, -1})).hasMessageContaining("mass 1");
        assertThatThrownBy(() -> SpatialEntropy.entropy(new double[] {Double.NaN})).hasMessageContaining("mass 0");
    }

    @Test
    void histogramEntropyOfValuesInOneBinIsZeroAndInTwoBinsLog2() {
        double[] same = {0.31, 0.32, 0.33, 0.34};
        assertThat(SpatialEntropy.histogramEntropy(same, 4, 20, -1, 1)).isEqualTo(0.0);
        double[] split = {-0.95, -0.96, 0.95, 0.96};
        assertThat(SpatialEntropy.histogramEntropy(split, 4, 20, -1, 1)).isCloseTo(Math.log(2), within(1e-12));
        // clamped: values beyond the range fall in the end bins
        double[] clamped = {-5, 5};
        assertThat(SpatialEntropy.histogramEntropy(clamped, 2, 20, -1, 1)).isCloseTo(Math.log(2), within(1e-12));
        assertThat(SpatialEntropy.histogramEntropy(split, 0, 20, -1, 1)).isEqualTo(0.0);
    }

    @Test
    void signEntropyIsBinaryEntropyOfPositiveShare() {
        assertThat(SpatialEntropy.signEntropy(new double[] {0.1, -0.2}, 2)).isCloseTo(Math.log(2), within(1e-12));
        assertThat(SpatialEntropy.signEntropy(new double[] {0.1, 0.2, 0.3}, 3)).isEqualTo(0.0);
        double q = 0.25;
        double expected = -q * Math.log(q) - (1 - q) * Math.log(1 - q);
        assertThat(SpatialEntropy.signEntropy(new double[] {1, -1, -1, -1}, 4)).isCloseTo(expected, within(1e-12));
    }
}
