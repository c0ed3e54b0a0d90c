package io.github.finegrain.factor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class Tensor3Test {

    /** X[i, j, k] = 100 i + 10 j + k on a 2 x 3 x 4 grid. */
    private static Tensor3 indexTensor() {
        double[] v = new double[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    v[(i * 3 + j) * 4 + k] = 100 * i + 10 * j + k;
                }
            }
        }
        return new Tensor3(2, 3, 4, v);
    }

    @Test
    void layoutIsCOrder() {
        Tensor3 x = indexTensor();
        assertThat(x.shape()).containsExactly(2, 3, 4);
        assertThat(x.size()).isEqualTo(24);
        assertThat(x.get(1, 2, 3)).isEqualTo(123.0);
        assertThat(x.get(0, 1, 0)).isEqualTo(10.0);
        assertThat(x.toArray()[(1 * 3 + 2) * 4 + 1]).isEqualTo(121.0);
        assertThat(x.shapeString()).isEqualTo("2 x 3 x 4");
        assertThatThrownBy(() -> x.get(2, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("[2, 0, 0]").hasMessageContaining("2 x 3 x 4");
    }

    @Test
    void copiesItsInputAndOutput() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        Tensor3 x = new Tensor3(2, 2, 2, v);
        v[0] = 99;
        x.toArray()[1] = 99;
        assertThat(x.get(0, 0, 0)).isEqualTo(1.0);
        assertThat(x.get(0, 0, 1)).isEqualTo(2.0);
    }

    @Test
    void unfoldingsFollowTheDocumentedColumnOrder() {
        Tensor3 x = indexTensor();
        DMatrixRMaj u0 = x.unfold(0);
        DMatrixRMaj u1 = x.unfold(1);
        DMatrixRMaj u2 = x.unfold(2);
        assertThat(new int[] {u0.numRows, u0.numCols, u1.numRows, u1.numCols, u2.numRows, u2.numCols})
                .containsExactly(2, 12, 3, 8, 4, 6);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    double expected = 100 * i + 10 * j + k;
                    assertThat(u0.get(i, j * 4 + k)).isEqualTo(expected);
                    assertThat(u1.get(j, i * 4 + k)).isEqualTo(expected);
                    assertThat(u2.get(k, i * 3 + j)).isEqualTo(expected);
                }
            }
        }
        u0.set(0, 0, -1);
        assertThat(x.get(0, 0, 0)).as("unfold returns a copy").isEqualTo(0.0);
    }

    @Test
    void frobeniusNorm() {
        Tensor3 x = new Tensor3(1, 2, 2, new double[] {3, 4, 0, 12});
        assertThat(x.frobeniusNorm()).isEqualTo(13.0);
        Tensor3 huge = new Tensor3(1, 1, 2, new double[] {3e200, 4e200});
        assertThat(huge.frobeniusNorm()).isCloseTo(5e200, within(1e186));
        assertThat(new Tensor3(1, 1, 1, new double[] {0}).frobeniusNorm()).isZero();
    }

    @Test
    void rejectsNonFiniteValuesNamingTheFirstBadIndex() {
        double[] v = new double[24];
        v[(1 * 3 + 2) * 4 + 3] = Double.NaN;
        v[23] = Double.NaN;
        v[(0 * 3 + 1) * 4 + 2] = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> new Tensor3(2, 3, 4, v)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected finite values, found Infinity at index [0, 1, 2] (flat index 6)");
        v[6] = 0;
        assertThatThrownBy(() -> new Tensor3(2, 3, 4, v))
                .hasMessage("expected finite values, found NaN at index [1, 2, 3] (flat index 23)");
    }

    @Test
    void rejectsBadShapes() {
        assertThatThrownBy(() -> new Tensor3(2, 0, 3, new double[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor dimensions must be positive, found 2 x 0 x 3");
        assertThatThrownBy(() -> new Tensor3(2, 2, 2, new double[7])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a 2 x 2 x 2 tensor needs 8 values, found 7");
        assertThatThrownBy(() -> Tensor3.of(new int[] {4, 2}, new double[8]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a 3-way shape [I, J, K], found 2 dimensions [4, 2]");
        assertThatThrownBy(() -> indexTensor().unfold(3)).hasMessageContaining("found 3");
    }

    @Test
    void equalityIsByValue() {
        assertThat(indexTensor()).isEqualTo(indexTensor()).hasSameHashCodeAs(indexTensor());
        assertThat(new Tensor3(1, 1, 2, new double[] {1, 2})).isNotEqualTo(new Tensor3(1, 2, 1, new double[] {1, 2}));
    }
}
