package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import io.github.finegrain.npy.NpyFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader's rules on small synthetic splits in the bundled layout: 4 games of 2 segments of 10 frames (T = 80),
 * every player jumps 20 ft across game boundaries and moves 0.3 ft per frame otherwise.
 */
class BundledDataFormatTest {

    static final int SEGMENTS = 8;
    static final int LENGTH = 10;
    static final int T = SEGMENTS * LENGTH;
    static final String VAL = Split.VAL.suffix();

    @TempDir
    Path dir;

    /** Normalized player coordinates (T, 10, 2). */
    static NpyArray players() {
        double[] p = new double[T * 20];
        for (int f = 0; f < T; f++) {
            int game = f / (2 * LENGTH);
            for (int j = 0; j < 10; j++) {
                p[(f * 10 + j) * 2] = (10 + 7 * j + 0.3 * (f % (2 * LENGTH))) / 94;
                p[(f * 10 + j) * 2 + 1] = (5 + 4 * (j % 5) + 20 * (game % 2)) / 50.0;
            }
        }
        return new NpyArray(new int[] {T, 10, 2}, p);
    }

    /** Ball at column 0, 4 ft high: (T, 3), x and y normalized, z in feet. */
    static NpyArray ball(NpyArray players) {
        double[] b = new double[T * 3];
        for (int f = 0; f < T; f++) {
            b[f * 3] = players.data()[f * 20];
            b[f * 3 + 1] = players.data()[f * 20 + 1];
            b[f * 3 + 2] = 4;
        }
        return new NpyArray(new int[] {T, 3}, b);
    }

    /** [-1, 9, 19, ..., 69, T]: inclusive ends, the last one T. */
    static NpyArray stops() {
        double[] s = new double[SEGMENTS + 1];
        s[0] = -1;
        for (int e = 1; e < SEGMENTS; e++) {
            s[e] = e * LENGTH - 1;
        }
        s[SEGMENTS] = T;
        return new NpyArray(new int[] {SEGMENTS + 1}, s);
    }

    static String[] line(int game) {
        String[] n = new String[10];
        for (int j = 0; j < 10; j++) {
            n[j] = j < 5 ? "Cle " + j : "G" + game + " Opp " + j;
        }
        return n;
    }

    /** One line per segment. */
    static List<String[]> lines() {
        List<String[]> l = new ArrayList<>();
        for (int e = 0; e < SEGMENTS; e++) {
            l.add(line(e / 2));
        }
        return l;
    }

    static TrackingSplit build(Split split, NpyArray players, NpyArray ball, NpyArray stops, List<String[]> lines)
            throws DataFormatException {
        return BundledData.build("mem", split, players, ball, stops, lines);
    }

    static TrackingSplit build(NpyArray players, NpyArray ball, NpyArray stops) throws DataFormatException {
        return build(Split.VAL, players, ball, stops, lines());
    }

    @Test
    void readsSegmentsWithInclusiveEndsAndTheLastStopEqualToT() throws IOException {
        NpyArray p = players();
        TrackingSplit t = build(p, ball(p), stops());

        assertThat(t.frames()).isEqualTo(T);
        assertThat(t.segStart()).containsExactly(0, 10, 20, 30, 40, 50, 60, 70);
        assertThat(t.segEnd()).containsExactly(9, 19, 29, 39, 49, 59, 69, 79);
        assertThat(t.games()).containsExactly(0, 0, 1, 1, 2, 2, 3, 3);
        assertThat(t.gameCount()).isEqualTo(4);
        assertThat(t.teleports()).isZero();
        assertThat(t.alignment().contradictions()).isZero();
        assertThat(t.alignment().nameChanges()).isEqualTo(15); // 5 opponents at each of 3 game boundaries
        assertThat(t.names()[5][7]).isEqualTo("G2 Opp 7");
        // de-normalized: x * 94, y * 50, z untouched
        assertThat(t.playerX(21, 3)).isCloseTo(10 + 21 + 0.3, within(1e-9));
        assertThat(t.playerY(21, 3)).isCloseTo(5 + 12 + 20, within(1e-9));
        assertThat(t.ballX(21)).isCloseTo(10 + 0.3, within(1e-9));
        assertThat(t.ballZ(21)).isEqualTo(4.0);
    }

    @Test
    void oneNameLineFewerThanSegmentsIsAlignedFromTheJumps() throws IOException {
        List<String[]> lines = lines();
        lines.remove(5); // game 2 has one line for its two segments, like the train and val files
        NpyArray p = players();
        TrackingSplit t = build(Split.VAL, p, ball(p), stops(), lines);

        assertThat(t.alignment().line()).containsExactly(0, 1, 2, 3, 4, 4, 5, 6);
        assertThat(t.alignment().contradictions()).isZero();
        assertThat(t.alignment().offSteps()).isEqualTo(1);
        assertThat(t.alignment().ambiguousColumns()).isZero();
        assertThat(t.names()[5]).containsExactly(line(2));
        assertThat(t.names()[6]).containsExactly(line(3));
        assertThat(t.games()).containsExactly(0, 0, 1, 1, 2, 2, 3, 3);
    }

    @Test
    void gameCountMustMatchTheSplitName() {
        NpyArray p = players();
        assertThatThrownBy(() -> build(Split.TRAIN, p, ball(p), stops(), lines()))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("mem: found 4 games (by line-up changes), the split name promises 5");
    }

    @Test
    void moreNameLinesThanSegmentsIsRejected() {
        List<String[]> lines = lines();
        lines.add(line(3));
        NpyArray p = players();
        assertThatThrownBy(() -> build(Split.VAL, p, ball(p), stops(), lines))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("player_names_by_example_" + VAL + ".csv: 9 name lines for 8 segments; expected at "
                        + "most one line per segment");
    }

    @Test
    void wrongShapesNameTheFileAndBothShapes() {
        NpyArray p = players();
        NpyArray threeCoords = new NpyArray(new int[] {T, 10, 3}, new double[T * 30]);
        assertThatThrownBy(() -> build(threeCoords, ball(p), stops()))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("player_coords_" + VAL + ".npy: expected shape (T, 10, 2), found [80, 10, 3]");
        NpyArray shortBall = new NpyArray(new int[] {T - 1, 3}, new double[(T - 1) * 3]);
        assertThatThrownBy(() -> build(p, shortBall, stops()))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("ball_coords_" + VAL + ".npy: expected shape (80, 3), found [79, 3]");
        NpyArray stops2d = new NpyArray(new int[] {1, SEGMENTS + 1}, stops().data());
        assertThatThrownBy(() -> build(p, ball(p), stops2d))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("example_stop_idxs_" + VAL + ".npy: expected [-1, t_1, ..., t_E]");
    }

    @Test
    void stopsMustStartAtMinusOneEndAtTAndIncrease() {
        NpyArray p = players();
        double[] s = stops().data();
        double[] noMinusOne = s.clone();
        noMinusOne[0] = 0;
        assertThatThrownBy(() -> build(p, ball(p), new NpyArray(new int[] {SEGMENTS + 1}, noMinusOne)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("example_stop_idxs_" + VAL + ".npy: expected [-1, t_1, ..., t_E]");
        double[] lastInclusive = s.clone();
        lastInclusive[SEGMENTS] = T - 1; // as if the last entry were an inclusive end like the others
        assertThatThrownBy(() -> build(p, ball(p), new NpyArray(new int[] {SEGMENTS + 1}, lastInclusive)))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("example_stop_idxs_" + VAL + ".npy: last stop must equal T = 80 (one past the last "
                        + "frame), found 79");
        double[] repeated = s.clone();
        repeated[2] = repeated[1];
        assertThatThrownBy(() -> build(p, ball(p), new NpyArray(new int[] {SEGMENTS + 1}, repeated)))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("example_stop_idxs_" + VAL + ".npy: segment 1 spans frames 10..9; stops must increase "
                        + "strictly within [0, 80]");
        double[] lastSegmentEmpty = s.clone();
        lastSegmentEmpty[SEGMENTS - 1] = T - 1;
        assertThatThrownBy(() -> build(p, ball(p), new NpyArray(new int[] {SEGMENTS + 1}, lastSegmentEmpty)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("segment 7 spans frames 80..79");
    }

    @Test
    void nonFiniteCoordinatesNameTheFileFrameAndColumn() {
        NpyArray p = players();
        NpyArray b = ball(p);
        double[] pd = p.data().clone();
        pd[(7 * 10 + 3) * 2 + 1] = Double.NaN;
        assertThatThrownBy(() -> build(new NpyArray(p.shape(), pd), b, stops()))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("player_coords_" + VAL + ".npy: non-finite value at frame 7, column 3");
        double[] bd = b.data().clone();
        bd[12 * 3 + 2] = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> build(p, new NpyArray(b.shape(), bd), stops()))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("ball_coords_" + VAL + ".npy: non-finite value at frame 12");
    }

    @Test
    void playersJumpingInsideSegmentsMeanTheStopsDoNotSegmentTheData() {
        NpyArray p = players();
        double[] pd = p.data().clone();
        pd[(33 * 10 + 4) * 2] += 30.0 / 94; // column 4 is 30 ft away for one frame: 2 teleport frames of 80
        assertThatThrownBy(() -> build(new NpyArray(p.shape(), pd), ball(p), stops()))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("mem: 2 frames inside segments where a player moved more than 10.0 ft in 0.2 s; the stop "
                        + "file does not segment this data");
    }

    // ---- from a directory ----

    private void write(List<String[]> lines) throws IOException {
        NpyArray p = players();
        Npy.writeDoubles(dir.resolve("player_coords_" + VAL + ".npy"), p);
        Npy.writeDoubles(dir.resolve("ball_coords_" + VAL + ".npy"), ball(p));
        Npy.writeLongs(dir.resolve("example_stop_idxs_" + VAL + ".npy"), stops());
        StringBuilder csv = new StringBuilder();
        for (String[] l : lines) {
            csv.append(String.join(",", l)).append('\n');
        }
        Files.writeString(dir.resolve("player_names_by_example_" + VAL + ".csv"), csv, StandardCharsets.UTF_8);
    }

    @Test
    void loadsFromADirectory() throws IOException {
        write(lines());
        TrackingSplit t = BundledData.load(dir, Split.VAL);

        assertThat(t.source()).isEqualTo(dir.toString());
        assertThat(t.frames()).isEqualTo(T);
        assertThat(t.segments()).isEqualTo(SEGMENTS);
        assertThat(t.gameCount()).isEqualTo(4);
        assertThat(t.names()[7][9]).isEqualTo("G3 Opp 9");
    }

    @Test
    void missingFileRaisesNoSuchFileNamingIt() throws IOException {
        write(lines());
        Files.delete(dir.resolve("ball_coords_" + VAL + ".npy"));
        assertThatThrownBy(() -> BundledData.load(dir, Split.VAL))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(dir.resolve("ball_coords_" + VAL + ".npy").toString());
        assertThatThrownBy(() -> BundledData.load(dir, Split.TEST))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("player_coords_" + Split.TEST.suffix() + ".npy");
    }

    @Test
    void corruptNpyRaisesNamingTheFile() throws IOException {
        write(lines());
        byte[] junk = new byte[256];
        new Random(1).nextBytes(junk);
        Files.write(dir.resolve("player_coords_" + VAL + ".npy"), junk);
        assertThatThrownBy(() -> BundledData.load(dir, Split.VAL))
                .isInstanceOf(NpyFormatException.class)
                .hasMessageStartingWith("player_coords_" + VAL + ".npy: not a .npy file");
        // truncated: a valid header, half the data
        byte[] good = Files.readAllBytes(dir.resolve("ball_coords_" + VAL + ".npy"));
        Files.write(dir.resolve("player_coords_" + VAL + ".npy"), java.util.Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> BundledData.load(dir, Split.VAL))
                .isInstanceOf(NpyFormatException.class)
                .hasMessageStartingWith("player_coords_" + VAL + ".npy");
    }

    @Test
    void namesLineWithTheWrongNumberOfNamesOrAnEmptyNameRaisesNamingFileAndLine() throws IOException {
        List<String[]> lines = lines();
        lines.set(2, java.util.Arrays.copyOf(lines.get(2), 9));
        write(lines);
        assertThatThrownBy(() -> BundledData.load(dir, Split.VAL))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("player_names_by_example_" + VAL + ".csv line 3: expected 10 comma-separated names, "
                        + "found 9");
        lines = lines();
        lines.get(4)[6] = " ";
        write(lines);
        assertThatThrownBy(() -> BundledData.load(dir, Split.VAL))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("player_names_by_example_" + VAL + ".csv line 5: empty name in column 6");
    }
}
