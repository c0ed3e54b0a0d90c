package io.github.finegrain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class DivergingPaletteTest {

    @Test
    void endsAndCentreAreTheRdBuAnchors() {
        assertThat(DivergingPalette.colour(0, 2)).isEqualTo(DivergingPalette.ZERO);
        assertThat(DivergingPalette.colour(2, 2)).isEqualTo(DivergingPalette.MOST_POSITIVE);
        assertThat(DivergingPalette.colour(-2, 2)).isEqualTo(DivergingPalette.MOST_NEGATIVE);
        // 0.4 of the way to +limit is the 8th anchor of 11 (0xf4a582), to -limit the 4th (0x92c5de)
        assertThat(DivergingPalette.colour(0.8, 2)).isEqualTo(new Color(0xf4a582));
        assertThat(DivergingPalette.colour(-0.8, 2)).isEqualTo(new Color(0x92c5de));
    }

    @Test
    void positiveIsRedNegativeIsBlueAndBeyondTheLimitIsClamped() {
        Color pos = DivergingPalette.colour(0.3, 1);
        Color neg = DivergingPalette.colour(-0.3, 1);
        assertThat(pos.getRed()).isGreaterThan(pos.getBlue());
        assertThat(neg.getBlue()).isGreaterThan(neg.getRed());
        assertThat(DivergingPalette.colour(50, 1)).isEqualTo(DivergingPalette.MOST_POSITIVE);
        assertThat(DivergingPalette.colour(Double.NEGATIVE_INFINITY, 1)).isEqualTo(DivergingPalette.MOST_NEGATIVE);
        assertThat(DivergingPalette.colour(Double.NaN, 1)).isEqualTo(DivergingPalette.MISSING);
    }

    @Test
    void interpolatesBetweenAnchors() {
        // anchors are 0.2 apart in t: t = 0.05 is a quarter of the way from 0 (0xf7f7f7) to 0xfddbc7
        Color c = DivergingPalette.colour(0.05, 1);
        assertThat(c.getRed()).isEqualTo((int) Math.round(0xf7 + (0xfd - 0xf7) * 0.25));
        assertThat(c.getGreen()).isEqualTo((int) Math.round(0xf7 + (0xdb - 0xf7) * 0.25));
        assertThat(c.getBlue()).isEqualTo((int) Math.round(0xf7 + (0xc7 - 0xf7) * 0.25));
    }

    @Test
    void autoLimitIsTheLargestFiniteMagnitudeOrOne() {
        assertThat(DivergingPalette.autoLimit(new double[] {0.5, -3, Double.NaN, Double.POSITIVE_INFINITY}))
                .isEqualTo(3.0);
        assertThat(DivergingPalette.autoLimit(new double[] {0, 0})).isEqualTo(1.0);
        assertThat(DivergingPalette.autoLimit(new double[0])).isEqualTo(1.0);
    }

    @Test
    void rejectsABadLimit() {
        assertThatThrownBy(() -> DivergingPalette.colour(1, 0)).hasMessageContaining("found 0.0");
        assertThatThrownBy(() -> DivergingPalette.colour(1, Double.NaN)).hasMessageContaining("limit");
    }
}
