package io.github.finegrain.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpAlsOptionsTest {

    @Test
    void defaultsAreTensorLysParafacDefaults() {
        CpAlsOptions o = CpAlsOptions.ofRank(4);
        assertThat(o.rank()).isEqualTo(4);
        assertThat(o.init()).isEqualTo(CpAlsOptions.Init.SVD);
        assertThat(o.maxIterations()).isEqualTo(100);
        assertThat(o.tol()).isEqualTo(1e-8);
        assertThat(o.seed()).isZero();
    }

    @Test
    void withersChangeOneSetting() {
        CpAlsOptions o = CpAlsOptions.ofRank(2).withInit(CpAlsOptions.Init.RANDOM).withSeed(7).withMaxIterations(500)
                .withTol(0);
        assertThat(o).isEqualTo(new CpAlsOptions(2, CpAlsOptions.Init.RANDOM, 7, 500, 0.0));
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> CpAlsOptions.ofRank(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rank must be positive, found 0");
        assertThatThrownBy(() -> CpAlsOptions.ofRank(-3)).hasMessage("rank must be positive, found -3");
        assertThatThrownBy(() -> CpAlsOptions.ofRank(2).withMaxIterations(0))
                .hasMessage("maxIterations must be positive, found 0");
        assertThatThrownBy(() -> CpAlsOptions.ofRank(2).withTol(-1e-9)).hasMessage("tol must be finite and >= 0, found -1.0E-9");
        assertThatThrownBy(() -> CpAlsOptions.ofRank(2).withTol(Double.NaN)).hasMessageContaining("found NaN");
        assertThatThrownBy(() -> CpAlsOptions.ofRank(2).withTol(Double.POSITIVE_INFINITY))
                .hasMessageContaining("found Infinity");
        assertThatThrownBy(() -> CpAlsOptions.ofRank(2).withInit(null)).hasMessageContaining("init");
    }
}
