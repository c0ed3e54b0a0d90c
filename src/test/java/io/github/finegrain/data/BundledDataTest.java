package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled real data (14 Cleveland games, 5 Hz) and its quirks, as measured. These numbers are facts of the
 * bundled files; a change in them means the reader (or the data) changed.
 */
class BundledDataTest {

    private static final Map<Split, TrackingSplit> DATA = new EnumMap<>(Split.class);

    @BeforeAll
    static void load() throws IOException {
        for (Split s : Split.values()) {
            DATA.put(s, BundledData.load(s));
        }
    }

    private static InputStream resource(String name) {
        InputStream in = BundledData.class.getResourceAsStream(BundledData.RESOURCE_DIR + name);
        assertThat(in).as(name).isNotNull();
        return in;
    }

    private static double[] rawStops(Split s) throws IOException {
        String name = "example_stop_idxs_" + s.suffix() + ".npy";
        try (InputStream in = resource(name)) {
            return Npy.read(in, name).data();
        }
    }

    private static List<String[]> rawNameLines(Split s) throws IOException {
        List<String[]> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                resource("player_names_by_example_" + s.suffix() + ".csv"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    String[] n = line.split(",", -1);
                    for (int j = 0; j < n.length; j++) {
                        n[j] = n[j].trim();
                    }
                    lines.add(n);
                }
            }
        }
        return lines;
    }

    /** Largest movement of any player from frame f−1 to f, feet. */
    private static double step(TrackingSplit t, int f) {
        double m = 0;
        for (int j = 0; j < 10; j++) {
            m = Math.max(m, Math.hypot(t.playerX(f, j) - t.playerX(f - 1, j), t.playerY(f, j) - t.playerY(f - 1, j)));
        }
        return m;
    }

    @Test
    void sizesAndTheLastStopEqualToT() throws IOException {
        int[][] expected = {{22016, 215, 21342}, {10602, 119, 10462}, {13060, 140, 13047}}; // T, E, last start
        for (Split s : Split.values()) {
            TrackingSplit t = DATA.get(s);
            int[] e = expected[s.ordinal()];
            double[] stops = rawStops(s);
            assertThat(t.frames()).as(s.key()).isEqualTo(e[0]);
            assertThat(t.segments()).as(s.key()).isEqualTo(e[1]);
            assertThat(stops).as(s.key()).hasSize(e[1] + 1);
            assertThat(stops[0]).isEqualTo(-1.0);
            assertThat(stops[stops.length - 1]).as("last stop of %s is T, one past the last frame", s.key())
                    .isEqualTo((double) e[0]);
            assertThat(t.segStart()[t.segments() - 1]).isEqualTo(e[2]);
            assertThat(t.segEnd()[t.segments() - 1]).as("last segment ends at T - 1").isEqualTo(e[0] - 1);
            // segments tile the frames: inclusive ends, the next segment starts right after
            assertThat(t.segStart()[0]).isZero();
            for (int k = 1; k < t.segments(); k++) {
                assertThat(t.segStart()[k]).isEqualTo(t.segEnd()[k - 1] + 1).isEqualTo((int) stops[k] + 1);
            }
        }
        // the first segment of the test split is a single frame
        assertThat(DATA.get(Split.TEST).segStart()[0]).isZero();
        assertThat(DATA.get(Split.TEST).segEnd()[0]).isZero();
    }

    @Test
    void stopEntriesAreInclusiveEndsThePositionJumpsComeRightAfterThem() {
        // boundaries where some player moves more than 10 ft: from the stop frame to the next one (inclusive
        // ends) versus from the frame before the stop to the stop (what exclusive ends would predict)
        int[][] expected = {{214, 114, 12}, {118, 62, 8}, {139, 102, 20}};
        for (Split s : Split.values()) {
            TrackingSplit t = DATA.get(s);
            int after = 0;
            int before = 0;
            for (int e = 1; e < t.segments(); e++) {
                int start = t.segStart()[e];
                after += step(t, start) > 10 ? 1 : 0;
                before += start >= 2 && step(t, start - 1) > 10 ? 1 : 0;
            }
            assertThat(new int[] {t.segments() - 1, after, before}).as(s.key()).containsExactly(expected[s.ordinal()]);
        }
    }

    @Test
    void nameLinesAreOneFewerThanSegmentsInTrainAndValAndEqualInTest() throws IOException {
        assertThat(rawNameLines(Split.TRAIN)).hasSize(214);
        assertThat(rawNameLines(Split.VAL)).hasSize(118);
        assertThat(rawNameLines(Split.TEST)).hasSize(140);
        for (Split s : Split.values()) {
            assertThat(rawNameLines(s)).allSatisfy(l -> assertThat(l).hasSize(10));
        }
    }

    @Test
    void lineKToSegmentKWouldPutSubstitutionsWhereNoOneMoved() throws IOException {
        // the naive alignment the reader refuses: contradicted name changes / name changes
        int[][] expected = {{26, 41}, {5, 31}, {0, 30}};
        for (Split s : Split.values()) {
            TrackingSplit t = DATA.get(s);
            List<String[]> lines = rawNameLines(s);
            int contradictions = 0;
            int changes = 0;
            for (int e = 1; e < Math.min(lines.size(), t.segments()); e++) {
                int f = t.segStart()[e];
                for (int j = 0; j < 10; j++) {
                    if (!lines.get(e)[j].equals(lines.get(e - 1)[j])) {
                        changes++;
                        double jump = Math.hypot(t.playerX(f, j) - t.playerX(f - 1, j),
                                t.playerY(f, j) - t.playerY(f - 1, j));
                        contradictions += jump > NameAlignment.JUMP_FEET ? 0 : 1;
                    }
                }
            }
            assertThat(new int[] {contradictions, changes}).as(s.key()).containsExactly(expected[s.ordinal()]);
        }
    }

    @Test
    void alignmentOnTheRealData() {
        // contradictions, name changes, repeated or skipped lines, unknown (segment, column) names
        int[][] expected = {{1, 41, 3, 29}, {1, 31, 1, 1}, {0, 30, 0, 0}};
        int[] lines = {214, 118, 140};
        for (Split s : Split.values()) {
            NameAlignment.Result a = DATA.get(s).alignment();
            assertThat(new int[] {a.contradictions(), a.nameChanges(), a.offSteps(), a.ambiguousColumns()})
                    .as(s.key()).containsExactly(expected[s.ordinal()]);
            assertThat(a.line()[0]).isZero();
            assertThat(a.line()[a.line().length - 1]).isEqualTo(lines[s.ordinal()] - 1);
        }
        // where train repeats or skips a line: segment 60 and 80 repeat, segment 122 skips one
        int[] line = DATA.get(Split.TRAIN).alignment().line();
        List<String> offSteps = new ArrayList<>();
        for (int e = 1; e < line.length; e++) {
            if (line[e] - line[e - 1] != 1) {
                offSteps.add(e + ":" + (line[e] - line[e - 1]));
            }
        }
        assertThat(offSteps).containsExactly("60:0", "80:0", "122:2");
        // the test split needs no alignment: line k is segment k
        int[] testLine = DATA.get(Split.TEST).alignment().line();
        for (int e = 0; e < testLine.length; e++) {
            assertThat(testLine[e]).isEqualTo(e);
        }
    }

    @Test
    void clevelandNamesAreNeverUnknownAndOnlyOpponentsCanBe() {
        int[] unknownOpponents = {29, 1, 0};
        for (Split s : Split.values()) {
            TrackingSplit t = DATA.get(s);
            int unknown = 0;
            for (String[] n : t.names()) {
                for (int j = 0; j < 10; j++) {
                    if (j < TrackingSplit.TEAM_SIZE) {
                        assertThat(n[j]).as("%s column %d", s.key(), j).isNotNull();
                    } else if (n[j] == null) {
                        unknown++;
                    }
                }
            }
            assertThat(unknown).as(s.key()).isEqualTo(unknownOpponents[s.ordinal()]);
        }
        Set<String> cle = new TreeSet<>();
        for (String[] n : DATA.get(Split.TRAIN).names()) {
            cle.addAll(java.util.Arrays.asList(n).subList(0, 5));
        }
        assertThat(cle).containsExactly("J.R. Smith", "Kevin Love", "Kyrie Irving", "LeBron James",
                "Matthew Dellavedova", "Mo Williams", "Timofey Mozgov", "Tristan Thompson");
    }

    @Test
    void gamesFromLineUpChangesMatchTheSplitNames() {
        int[][] segmentsPerGame = {{71, 30, 66, 28, 20}, {35, 13, 33, 38}, {31, 34, 33, 21, 21}};
        for (Split s : Split.values()) {
            TrackingSplit t = DATA.get(s);
            assertThat(t.gameCount()).isEqualTo(s.games());
            int[] count = new int[t.gameCount()];
            for (int e = 0; e < t.segments(); e++) {
                count[t.games()[e]]++;
                if (e > 0) {
                    assertThat(t.games()[e] - t.games()[e - 1]).isBetween(0, 1);
                }
            }
            assertThat(count).as(s.key()).containsExactly(segmentsPerGame[s.ordinal()]);
        }
    }

    @Test
    void coordinatesAreInFeetAndPlayersSometimesStepOut() {
        TrackingSplit t = DATA.get(Split.TRAIN);
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxZ = 0;
        for (int f = 0; f < t.frames(); f++) {
            for (int j = 0; j < 10; j++) {
                minX = Math.min(minX, t.playerX(f, j));
                maxX = Math.max(maxX, t.playerX(f, j));
            }
            maxZ = Math.max(maxZ, t.ballZ(f));
        }
        assertThat(minX).isCloseTo(-5.22751, within(1e-4));
        assertThat(maxX).isCloseTo(99.45974, within(1e-4));
        assertThat(maxZ).isCloseTo(17.29339, within(1e-4)); // ball height is in feet, not normalized
        assertThat(DATA.get(Split.TRAIN).teleports()).isEqualTo(1);
        assertThat(DATA.get(Split.VAL).teleports()).isZero();
        assertThat(DATA.get(Split.TEST).teleports()).isZero();
    }

    @Test
    void examplesAndShotAttemptsOnTheRealData() {
        // frames, ball-handler frames, examples, attempts, positives, outside zone, name unknown
        int[][] expected = {
            {22016, 18483, 9908, 259, 1251, 8381, 194},
            {10602, 8895, 4860, 137, 689, 4035, 0},
            {13060, 11093, 5918, 167, 822, 5175, 0}};
        int[][] perGame = {{52, 47, 71, 46, 43}, {33, 17, 39, 48}, {30, 61, 31, 18, 27}};
        int[] ownBasket = {239, 128, 152};
        for (Split s : Split.values()) {
            SplitSummary m = ExampleBuilder.build(DATA.get(s)).summary();
            int i = s.ordinal();
            assertThat(new int[] {m.frames(), m.ballHandlerFrames(), m.examples(), m.shotAttempts(), m.positives(),
                m.skips().get(ExampleBuilder.SKIP_OUTSIDE_ZONE), m.skips().get(ExampleBuilder.SKIP_NAME)})
                    .as(s.key()).containsExactly(expected[i]);
            assertThat(m.skips().get(ExampleBuilder.SKIP_DIRECTION)).isZero();
            assertThat(m.shotAttemptsPerGame()).as(s.key()).containsExactly(perGame[i]);
            assertThat(m.ownBasketShare()).isCloseTo((double) ownBasket[i] / m.shotAttempts(), within(1e-12));
            // NBA rate: about 170 attempts per 48 minutes for both teams, 3.5 per minute
            assertThat(m.attemptsPerMinute()).as(s.key()).isBetween(3.4, 4.0);
        }
    }
}
