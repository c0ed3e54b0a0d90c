package io.github.finegrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.eval.BinaryMetrics;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValidationLossTest {

    @Test
    void equalsTheLogLossOfBinaryMetrics() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 5; trial++) {
            int n = 1 + rnd.nextInt(5000);
            double[] p = new double[n];
            byte[] y = new byte[n];
            for (int i = 0; i < n; i++) {
                // include the clipped ends: exact 0 and 1, and values within 1e-15 of them
                int kind = rnd.nextInt(20);
                p[i] = kind == 0 ? 0 : kind == 1 ? 1 : kind == 2 ? 1e-17 : kind == 3 ? 1 - 1e-16 : rnd.nextDouble();
                y[i] = (byte) (rnd.nextDouble() < 0.3 ? 1 : 0);
            }
            assertThat(ValidationLoss.of(p, y)).isCloseTo(BinaryMetrics.of(p, y, 0.5).logLoss(), within(1e-12));
        }
    }

    @Test
    void knownValue() {
        // -(log 0.8 + log(1 - 0.4)) / 2
        assertThat(ValidationLoss.of(new double[] {0.8, 0.4}, new byte[] {1, 0}))
                .isCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, within(1e-15));
    }

    @Test
    void aNonFiniteProbabilityGivesNaNNotAnException() {
        assertThat(ValidationLoss.of(new double[] {0.5, Double.NaN}, new byte[] {1, 0})).isNaN();
        assertThat(ValidationLoss.of(new double[] {0.5, 1.5}, new byte[] {1, 0})).isNaN();
    }

    @Test
    void lengthsMustAgree() {
        assertThatThrownBy(() -> ValidationLoss.of(new double[] {0.5}, new byte[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found 1 and 2");
    }
}
