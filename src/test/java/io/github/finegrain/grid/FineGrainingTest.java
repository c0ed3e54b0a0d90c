package io.github.finegrain.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FineGrainingTest {

    @Test
    void nestedGridsCopyTheParentValue() {
        for (int[] g : new int[][] {{4, 5, 8, 10}, {8, 10, 40, 50}, {2, 2, 4, 4}}) {
            GridSpec coarse = GridSpec.court(g[0], g[1]);
            GridSpec fine = GridSpec.court(g[2], g[3]);
            FineGraining fg = FineGraining.between(coarse, fine);
            assertThat(fg.isNested()).as(coarse.label() + " -> " + fine.label()).isTrue();
            for (int f = 0; f < fine.cellCount(); f++) {
                int parent = coarse.cellOf(fine.centerX(f), fine.centerY(f));
                assertThat(fg.sources(f)).containsExactly(new FineGraining.Source(parent, 1.0));
                assertThat(fg.parent(f)).isEqualTo(parent);
            }
        }
        FineGraining box = FineGraining.between(GridSpec.defenderBox(6, 6), GridSpec.defenderBox(12, 12));
        assertThat(box.isNested()).isTrue();
        // fine cell (row 3, col 5) lies in coarse (1, 2)
        assertThat(box.parent(3 * 12 + 5)).isEqualTo(1 * 6 + 2);
    }

    @Test
    void nestedValuesAreExactlyEqualAtRandomPoints() {
        GridSpec coarse = GridSpec.court(8, 10);
        GridSpec fine = GridSpec.court(40, 50);
        FineGraining fg = FineGraining.between(coarse, fine);
        Random rnd = new Random(1);
        double[] v = rnd.doubles(coarse.cellCount()).toArray();
        double[] w = fg.apply(v);
        for (int n = 0; n < 10_000; n++) {
            double x = rnd.nextDouble() * 40;
            double y = rnd.nextDouble() * 50;
            assertThat(w[fine.cellOf(x, y)]).isEqualTo(v[coarse.cellOf(x, y)]);
        }
    }

    @Test
    void nonNestedWeightsAreAreaFractionsSummingToOne() {
        GridSpec coarse = GridSpec.court(8, 10); // 5 x 5 ft cells
        GridSpec fine = GridSpec.court(20, 25); // 2 x 2 ft cells
        FineGraining fg = FineGraining.between(coarse, fine);
        assertThat(fg.isNested()).isFalse();
        for (int f = 0; f < fine.cellCount(); f++) {
            assertThat(fg.weightSum(f)).isCloseTo(1.0, within(1e-12));
        }
        // fine row 2 spans x in [4, 6): 1/2 in coarse row 0 ([0, 5)), 1/2 in row 1; col 0 spans y in [0, 2): coarse col 0
        assertThat(fg.sources(2 * 25)).containsExactly(new FineGraining.Source(0, 0.5), new FineGraining.Source(10, 0.5));
        // fine (2, 2): x [4, 6), y [4, 6) -> four quarter-overlaps
        List<FineGraining.Source> s = fg.sources(2 * 25 + 2);
        assertThat(s).extracting(FineGraining.Source::coarseCell).containsExactly(0, 1, 10, 11);
        assertThat(s).allSatisfy(src -> assertThat(src.weight()).isCloseTo(0.25, within(1e-15)));
    }

    @Test
    void anyRectangularGridsPreserveTheAreaIntegral() {
        Random rnd = new Random(2);
        int[][] pairs = {{3, 7, 5, 11}, {7, 3, 2, 2}, {1, 1, 9, 4}, {5, 5, 3, 3}, {4, 5, 8, 10}, {13, 17, 6, 29}};
        for (int[] p : pairs) {
            GridSpec coarse = GridSpec.court(p[0], p[1]);
            GridSpec fine = GridSpec.court(p[2], p[3]);
            FineGraining fg = FineGraining.between(coarse, fine);
            double[] v = rnd.doubles(coarse.cellCount(), -1, 1).toArray();
            double[] w = fg.apply(v);
            double coarseIntegral = 0;
            for (double x : v) {
                coarseIntegral += x * coarse.cellSizeX() * coarse.cellSizeY();
            }
            double fineIntegral = 0;
            for (double x : w) {
                fineIntegral += x * fine.cellSizeX() * fine.cellSizeY();
            }
            assertThat(fineIntegral).as(coarse.label() + " -> " + fine.label()).isCloseTo(coarseIntegral, within(1e-9));
            for (int f = 0; f < fine.cellCount(); f++) {
                assertThat(fg.weightSum(f)).isCloseTo(1.0, within(1e-12));
            }
        }
    }

    @Test
    void fineCellsOutsideTheCoarseRectangleGetTheInsideFraction() {
        GridSpec coarse = new GridSpec(0, 0, 10, 10, 2, 2);
        GridSpec fine = new GridSpec(-5, 0, 20, 10, 4, 2); // x cells [-5,0), [0,5), [5,10), [10,15)
        FineGraining fg = FineGraining.between(coarse, fine);
        assertThat(fg.isNested()).isFalse();
        assertThat(fg.sources(0)).isEmpty();
        assertThat(fg.sources(1 * 2 + 1)).containsExactly(new FineGraining.Source(1, 1.0));
        assertThat(fg.sources(3 * 2)).isEmpty();
        double[] out = fg.apply(new double[] {1, 2, 3, 4});
        assertThat(out).containsExactly(0, 0, 1, 2, 3, 4, 0, 0);
    }

    @Test
    void appliesAlongAnAxisOfAFlatArray() {
        GridSpec coarse = GridSpec.court(1, 2);
        GridSpec fine = GridSpec.court(2, 2);
        FineGraining fg = FineGraining.between(coarse, fine);
        // [2, coarse 2, 3]: fine-grain axis 1 -> [2, 4, 3], fine cells (r, c) copy coarse col c
        double[] v = new double[12];
        for (int n = 0; n < 12; n++) {
            v[n] = n;
        }
        double[] out = fg.applyAlongAxis(v, new int[] {2, 2, 3}, 1);
        assertThat(out).containsExactly(
                0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5,
                6, 7, 8, 9, 10, 11, 6, 7, 8, 9, 10, 11);
        // the defender version keeps the last entry of the axis: [coarse 2 + 1, 2] -> [4 + 1, 2]
        double[] d = {1, 2, 3, 4, 5, 6};
        assertThat(fg.applyAlongDefenderAxis(d, new int[] {3, 2}, 0)).containsExactly(1, 2, 3, 4, 1, 2, 3, 4, 5, 6);
        assertThat(fg.fineDims(new int[] {7, 3}, 1, 1)).containsExactly(7, 5);
    }

    @Test
    void rejectsWrongShapesWithBothNumbers() {
        FineGraining fg = FineGraining.between(GridSpec.court(4, 5), GridSpec.court(8, 10));
        assertThatThrownBy(() -> fg.applyAlongAxis(new double[20], new int[] {20}, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 21").hasMessageContaining("found 20");
        assertThatThrownBy(() -> fg.applyAlongAxis(new double[19], new int[] {20}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 20").hasMessageContaining("found 19");
        assertThatThrownBy(() -> fg.applyAlongAxis(new double[20], new int[] {20}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("axis 1");
        assertThatThrownBy(() -> fg.sources(80)).isInstanceOf(IndexOutOfBoundsException.class);
        FineGraining notNested = FineGraining.between(GridSpec.court(8, 10), GridSpec.court(20, 25));
        assertThatThrownBy(() -> notNested.parent(0)).isInstanceOf(IllegalStateException.class);
    }
}
