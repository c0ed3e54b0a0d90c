package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Name-line alignment on small hand-built cases: jumps decide where a substitution happened. */
class NameAlignmentTest {

    /** A line of 10 names: Cleveland {@code C0..C4}, opponents {@code O5..O9}, with column 7 named {@code col7}. */
    private static String[] line(String col7) {
        String[] n = new String[10];
        for (int j = 0; j < 10; j++) {
            n[j] = (j < 5 ? "C" : "O") + j;
        }
        n[7] = col7;
        return n;
    }

    /** Jumps of 0.5 ft everywhere, except {@code bigFeet} for column 7 at the given boundaries. */
    private static double[][] jumps(int segments, double bigFeet, int... boundaries) {
        double[][] j = new double[segments][10];
        for (double[] row : j) {
            java.util.Arrays.fill(row, 0.5);
        }
        for (int e : boundaries) {
            j[e][7] = bigFeet;
        }
        return j;
    }

    @Test
    void shiftedLineIsPlacedWhereThePlayerJumped() throws DataFormatException {
        // 6 segments, 5 lines: column 7 changes from A to B between lines 2 and 3; the jump is at boundary 4
        String[][] lines = {line("A"), line("A"), line("A"), line("B"), line("B")};
        NameAlignment.Result r = NameAlignment.align("names.csv", lines, jumps(6, 20, 4));

        assertThat(r.contradictions()).isZero();
        assertThat(r.nameChanges()).isEqualTo(1);
        assertThat(r.offSteps()).isEqualTo(1);
        assertThat(r.ambiguousColumns()).isZero();
        assertThat(r.line()[3]).isEqualTo(2); // line k to segment k would put B at segment 3, where no one moved
        assertThat(r.line()[4]).isEqualTo(3);
        assertThat(r.line()[0]).isZero();
        assertThat(r.line()[5]).isEqualTo(4);
        for (int e = 0; e < 6; e++) {
            assertThat(r.names()[e][7]).as("segment %d", e).isEqualTo(e < 4 ? "A" : "B");
            assertThat(r.names()[e][0]).isEqualTo("C0");
        }
    }

    @Test
    void jumpJustAtTheThresholdDoesNotExplainANameChange() throws DataFormatException {
        String[][] lines = {line("A"), line("B")};
        assertThat(NameAlignment.align("n", lines, jumps(2, 6.01, 1)).contradictions()).isZero();
        // a 6.0 ft jump is not "more than 6 ft": the change is a contradiction (1 of 1, within max(2, 5%))
        assertThat(NameAlignment.align("n", lines, jumps(2, NameAlignment.JUMP_FEET, 1)).contradictions())
                .isEqualTo(1);
    }

    @Test
    void ambiguousCaseLeavesTheNameNull() throws DataFormatException {
        // 4 segments, 3 lines; column 7 jumps at boundaries 2 and 3, so the change A -> B fits either
        String[][] lines = {line("A"), line("A"), line("B")};
        NameAlignment.Result r = NameAlignment.align("names.csv", lines, jumps(4, 20, 2, 3));

        assertThat(r.contradictions()).isZero();
        assertThat(r.ambiguousColumns()).isEqualTo(1);
        assertThat(r.names()[0][7]).isEqualTo("A");
        assertThat(r.names()[1][7]).isEqualTo("A");
        assertThat(r.names()[2][7]).isNull();
        assertThat(r.names()[3][7]).isEqualTo("B");
        assertThat(r.names()[2][6]).isEqualTo("O6"); // the other columns agree on every optimal alignment
    }

    @Test
    void fileThatDoesNotFitRaisesNamingTheFile() throws DataFormatException {
        // every name changes on every line, but nobody moves
        String[][] lines = new String[3][10];
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 10; j++) {
                lines[k][j] = "L" + k + "C" + j;
            }
        }
        assertThatThrownBy(() -> NameAlignment.align("player_names_x.csv", lines, jumps(3, 0.5)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("player_names_x.csv: name lines do not fit the segments")
                .hasMessageContaining("10 of 10 name changes");
    }

    @Test
    void moreLinesThanSegmentsRaisesNamingTheFile() throws DataFormatException {
        String[][] lines = {line("A"), line("A"), line("A")};
        assertThatThrownBy(() -> NameAlignment.align("names.csv", lines, jumps(2, 0.5)))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("names.csv: 3 name lines for 2 segments; expected at most one line per segment");
    }

    @Test
    void oneLineCoversEverySegmentByRepeats() throws DataFormatException {
        NameAlignment.Result r = NameAlignment.align("names.csv", new String[][] {line("A")}, jumps(3, 0.5));
        assertThat(r.line()).containsExactly(0, 0, 0);
        assertThat(r.offSteps()).isEqualTo(2);
        assertThat(r.names()[2][7]).isEqualTo("A");
    }
}
