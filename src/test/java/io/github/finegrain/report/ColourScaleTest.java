package io.github.finegrain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class ColourScaleTest {
    @Test
    void probabilityScaleRunsFromPaleYellowToDarkRedWithPercentTicks() {
        ColourScale s = ColourScale.probability(0.8);
        assertThat(s.colour(0)).isEqualTo(new Color(0xffffcc));
        assertThat(s.colour(0.8)).isEqualTo(new Color(0x800026));
        assertThat(s.colour(2)).isEqualTo(new Color(0x800026));
        assertThat(s.colour(0.4)).isEqualTo(new Color(0xfd8d3c)); // the middle anchor of YlOrRd-9
        assertThat(s.colour(Double.NaN)).isEqualTo(DivergingPalette.MISSING);
        assertThat(s.label(0.8)).isEqualTo("80%");
        assertThat(s.label(0.075)).isEqualTo("7.5%");
        assertThatThrownBy(() -> ColourScale.probability(1.5)).hasMessageContaining("0 < max <= 1");
    }

    @Test
    void divergingScaleIsThePaletteWithSignedLabels() {
        ColourScale s = ColourScale.diverging(20);
        assertThat(s.colour(-20)).isEqualTo(DivergingPalette.MOST_NEGATIVE);
        assertThat(s.colour(0)).isEqualTo(DivergingPalette.ZERO);
        assertThat(s.label(20)).isEqualTo("+20");
        assertThat(s.label(-20)).isEqualTo("−20");
    }

    @Test
    void niceCeilingRoundsUpToARoundNumber() {
        assertThat(ColourScale.niceCeiling(0.55)).isEqualTo(0.6, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(ColourScale.niceCeiling(21.7)).isEqualTo(25);
        assertThat(ColourScale.niceCeiling(0.106)).isEqualTo(0.12, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(ColourScale.niceCeiling(3)).isEqualTo(3);
        assertThat(ColourScale.niceCeiling(0)).isEqualTo(1);
    }
}
