package io.github.finegrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class FlatBufferTest {

    @Test
    void readsAndWritesAViewAtItsOffset() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean indexer : new boolean[] {false, true}) {
                check(type, indexer);
            }
        }
    }

    private static void check(DataType type, boolean indexer) {
        INDArray flat = Nd4j.linspace(type, 0, 100, 1).reshape(1, 100);
        // a parameter-like view: elements 30..59 of the flat vector, reshaped [5, 6]
        INDArray view = flat.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(30, 60)).reshape('c', 5, 6);
        assertThat(view.offset()).isEqualTo(30);
        FlatBuffer b = indexer ? FlatBuffer.viaIndexer(view) : FlatBuffer.of(view);
        assertThat(b).isInstanceOf(indexer ? FlatBuffer.Indexed.class
                : type == DataType.FLOAT ? FlatBuffer.F32.class : FlatBuffer.F64.class);
        assertThat(b.length()).isEqualTo(30);
        for (int i = 0; i < 30; i++) {
            assertThat(b.get(i)).isEqualTo(view.getDouble(i / 6, i % 6)).isEqualTo(30.0 + i);
        }
        b.set(0, -1);
        b.add(29, 0.5);
        assertThat(flat.getDouble(0, 29)).isEqualTo(29.0);
        assertThat(flat.getDouble(0, 30)).isEqualTo(-1.0);
        assertThat(flat.getDouble(0, 59)).isEqualTo(59.5);
        assertThat(flat.getDouble(0, 60)).isEqualTo(60.0);
        double[] row = new double[6];
        b.get(6, row);
        assertThat(row).containsExactly(36, 37, 38, 39, 40, 41);
        b.set(24, new double[] {7, 8});
        assertThat(view.getDouble(4, 0)).isEqualTo(7.0);
        assertThat(view.getDouble(4, 1)).isEqualTo(8.0);
        // a view cannot reach past its end
        assertThatThrownBy(() -> b.get(30)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void rejectsNonContiguousAndIntegerArrays() {
        INDArray m = Nd4j.rand(DataType.FLOAT, 4, 5);
        assertThatThrownBy(() -> FlatBuffer.of(m.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3))))
                .hasMessageContaining("contiguous");
        assertThatThrownBy(() -> FlatBuffer.of(Nd4j.zeros(DataType.INT, 3))).hasMessageContaining("INT");
    }
}
