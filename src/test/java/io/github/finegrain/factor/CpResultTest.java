package io.github.finegrain.factor;

import static org.assertj.core.api.Assertions.assertThat;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class CpResultTest {

    private static CpResult planted() {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{0.6, -0.8}, {0.8, 0.6}});
        DMatrixRMaj b = new DMatrixRMaj(new double[][] {{-0.6, 0.0}, {-0.8, 1.0}, {0.0, 0.0}});
        DMatrixRMaj c = new DMatrixRMaj(new double[][] {{1.0, -0.28}, {0.0, -0.96}});
        return new CpResult(new double[] {1.5, 4.0}, a, b, c, 0.1, 3, true, 0.0, new double[] {0.2, 0.1, 0.1});
    }

    @Test
    void canonicalSortsByWeightFixesSignsOfModes1And2AndKeepsTheTensor() {
        CpResult raw = planted();
        CpResult can = raw.canonical();
        assertThat(can.weights()).containsExactly(4.0, 1.5);
        // component 1 moved first: B column (0, 1, 0) already positive; C column (-0.28, -0.96) flipped; A takes the sign
        assertThat(can.b().get(1, 0)).isEqualTo(1.0);
        assertThat(can.c().get(1, 0)).isEqualTo(0.96);
        assertThat(can.a().get(0, 0)).isEqualTo(0.8);
        assertThat(can.a().get(1, 0)).isEqualTo(-0.6);
        // component 0: B column (-0.6, -0.8, 0) flipped, C (1, 0) kept, A flipped
        assertThat(can.b().get(1, 1)).isEqualTo(0.8);
        assertThat(can.a().get(0, 1)).isEqualTo(-0.6);
        double[] x = raw.reconstruct().toArray();
        double[] y = can.reconstruct().toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-12));
        }
        assertThat(can.relativeError()).isEqualTo(raw.relativeError());
    }

    @Test
    void canonicalIsIdempotent() {
        CpResult once = planted().canonical();
        CpResult twice = once.canonical();
        assertThat(twice.weights()).containsExactly(once.weights());
        assertThat(twice.a().data).containsExactly(once.a().data);
        assertThat(twice.b().data).containsExactly(once.b().data);
        assertThat(twice.c().data).containsExactly(once.c().data);
    }
}
