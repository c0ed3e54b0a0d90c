package io.github.finegrain.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.data.PlantedData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench fig3 with {@code --examples}: the training split streamed from an example file with its planted model. */
class Fig3StreamedTest {
    @TempDir
    Path dir;

    static final Fig3Benchmark.Scale SCALE = new Fig3Benchmark.Scale(4, 600, 2, 0.1, 2.0, 11, 0.02);

    @Test
    void aMethodTrainsFromTheFileAndScoresWithThePlantedModelWrittenBesideIt() throws Exception {
        Path file = dir.resolve("planted.fgex");
        PlantedData written = Fig3Benchmark.writeExamples(SCALE, file);
        assertThat(Fig3Benchmark.plantedModelFile(file)).exists();

        // the sidecar holds the same planted model as the in-memory generator's
        Fig3Benchmark.Data mem = Fig3Benchmark.data(SCALE);
        Fig3Benchmark.Data held = Fig3Benchmark.heldOut(SCALE, file);
        assertThat(held.train()).isNull();
        assertThat(held.planted().bias()).isEqualTo(written.bias()).isEqualTo(mem.planted().bias());
        DMatrixRMaj[] a = Fig3Benchmark.plantedFactors(held.planted());
        DMatrixRMaj[] b = Fig3Benchmark.plantedFactors(mem.planted());
        for (int i = 0; i < 3; i++) {
            assertThat(a[i].data).containsExactly(b[i].data);
        }
        assertThat(held.val().size()).isEqualTo(SCALE.holdOut());
        assertThat(held.test().size()).isEqualTo(SCALE.holdOut());
        assertThat(held.trainPositiveRate()).isCloseTo(mem.trainPositiveRate(), within(1e-12));
        assertThat(held.val().labels()).containsExactly(mem.val().labels());

        Map<String, Object> r = Fig3Benchmark.runMethod(SCALE, "random", 1, dir.resolve("random-s1.json"), file);
        assertThat(r.get("streamedFrom")).isEqualTo(file.toString());
        assertThat((List<?>) r.get("trace")).isNotEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> test = (Map<String, Object>) r.get("test");
        assertThat(test.get("examples")).isEqualTo(SCALE.holdOut());
        @SuppressWarnings("unchecked")
        Map<String, Object> in = (Map<String, Object>) r.get("interpretability");
        assertThat((double) in.get("plantedCongruence")).isBetween(0.0, 1.0 + 1e-9);
        assertThat(dir.resolve("random-s1-B.npy")).exists();
    }

    @Test
    void aFileOfAnotherScaleOrWithoutItsPlantedModelIsRefusedByName() throws Exception {
        Path file = dir.resolve("planted.fgex");
        Fig3Benchmark.writeExamples(SCALE, file);
        // another data seed and another budget: only the seed is named (the budget is not part of the data)
        Fig3Benchmark.Scale other = new Fig3Benchmark.Scale(4, 600, 2, 0.1, 2.0, 12, 0.5);
        assertThatThrownBy(() -> Fig3Benchmark.runMethod(other, "entropy", 1, null, file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("planted.fgex.planted.json")
                .hasMessageEndingWith("another scale: --data-seed 11 in the file, 12 asked");
        java.nio.file.Files.delete(Fig3Benchmark.plantedModelFile(file));
        assertThatThrownBy(() -> Fig3Benchmark.heldOut(SCALE, file))
                .isInstanceOf(io.github.finegrain.data.DataFormatException.class).hasMessageContaining("is missing");
        // a file that is not an example file is named as such, before its missing planted model
        Path text = dir.resolve("notes.txt");
        java.nio.file.Files.writeString(text, "these are notes, not examples\n".repeat(10));
        assertThatThrownBy(() -> Fig3Benchmark.heldOut(SCALE, text))
                .isInstanceOf(io.github.finegrain.data.DataFormatException.class)
                .hasMessageContaining("not a finegrain example file");
    }
}
