package io.github.finegrain.data.sportvu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.FrameGeometry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real SportVU excerpts, read from {@code ../shared/data/} (they have no stated license, so they are not copied
 * into the project); skipped with a message when that folder is absent.
 */
class RealExcerptsTest {
    static final Path EXCERPTS = TestGames.SHARED.resolve("sportvu-excerpts");
    static final Path SAMPLE = EXCERPTS.resolve("SampleVU.json");
    static final Path CLE = EXCERPTS.resolve("01.23.2016.CHI.at.CLE.7z");
    static final Path PBP = TestGames.SHARED.resolve("play-by-play");

    @TempDir
    Path dir;

    @BeforeAll
    static void requireSharedData() {
        Assumptions.assumeTrue(Files.isRegularFile(SAMPLE) && Files.isRegularFile(CLE) && Files.isDirectory(PBP),
                () -> "skipped: the real SportVU excerpts are not in " + EXCERPTS.toAbsolutePath().normalize()
                        + " (they are not part of the project; see src/test/resources/play-by-play/PROVENANCE.md)");
    }

    /** Copies of every moment the reader hands on. */
    static final class Recorder implements SportvuReader.Listener {
        final List<Moment> moments = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        String gameId;
        Roster home;
        Roster visitor;

        @Override
        public void game(String id, String date) {
            gameId = id;
        }

        @Override
        public void event(String eventId, Roster h, Roster v) {
            events.add(eventId);
            home = h;
            visitor = v;
        }

        @Override
        public void moment(Moment m) {
            Moment c = new Moment();
            c.period = m.period;
            c.timestampMs = m.timestampMs;
            c.gameClock = m.gameClock;
            c.shotClock = m.shotClock;
            c.eventId = m.eventId;
            c.indexInEvent = m.indexInEvent;
            c.index = m.index;
            c.ballX = m.ballX;
            c.ballY = m.ballY;
            c.ballZ = m.ballZ;
            System.arraycopy(m.playerId, 0, c.playerId, 0, Moment.PLAYERS);
            System.arraycopy(m.x, 0, c.x, 0, Moment.PLAYERS);
            System.arraycopy(m.y, 0, c.y, 0, Moment.PLAYERS);
            moments.add(c);
        }
    }

    @Test
    void sampleVuParsesInEntityOrderWithItsRealValues() throws IOException {
        Recorder r = new Recorder();
        Tally tally = new Tally();
        SportvuReader.Stats s;
        try (InputStream in = Files.newInputStream(SAMPLE)) {
            s = SportvuReader.read(in, SAMPLE.toString(), r, tally);
        }
        assertThat(s.gameId()).isEqualTo("0021500492");
        assertThat(s.gameDate()).isEqualTo("2016-01-01");
        assertThat(s.events()).isEqualTo(1);
        assertThat(r.events).containsExactly("1");
        assertThat(s.momentsRead()).isEqualTo(3);
        assertThat(s.momentsKept()).isEqualTo(3);
        assertThat(tally.counts()).isEmpty();
        assertThat(r.home.abbreviation()).isEqualTo("TOR");
        assertThat(r.home.teamId()).isEqualTo(1610612761L);
        assertThat(r.visitor.abbreviation()).isEqualTo("CHA");
        assertThat(r.home.players()).hasSize(13).containsEntry(200768, "Kyle Lowry");
        Moment m = r.moments.get(0);
        assertThat(m.period).isEqualTo(1);
        assertThat(m.timestampMs).isEqualTo(1451695252003L);
        assertThat(m.gameClock).isEqualTo(711.26);
        assertThat(m.shotClock).isEqualTo(11.99);
        assertThat(new double[] {m.ballX, m.ballY, m.ballZ}).containsExactly(23.4254, 45.12734, 3.64299);
        // ball first, then 5 Toronto (home) players, then 5 Charlotte players, as in the file
        assertThat(m.playerId).containsExactly(2449, 201960, 200768, 201942, 202685, 101107, 201587, 202689, 203469,
                203798);
        assertThat(r.home.players().keySet()).contains(2449, 201960, 200768, 201942, 202685);
        assertThat(r.visitor.players().keySet()).contains(101107, 201587, 202689, 203469, 203798);
        assertThat(m.x[2]).isEqualTo(20.81838);
        assertThat(m.y[2]).isEqualTo(44.51006);
        assertThat(r.moments).extracting(x -> x.timestampMs).containsExactly(1451695252003L, 1451695252043L,
                1451695252083L);
    }

    @Test
    void sampleVuGeometryLowryHoldsTheBallAndWalkerGuardsHim() throws IOException {
        Recorder r = new Recorder();
        try (InputStream in = Files.newInputStream(SAMPLE)) {
            SportvuReader.read(in, SAMPLE.toString(), r, new Tally());
        }
        for (Moment m : r.moments) { // Lowry: 2.68, 2.80, 2.99 ft from the ball (computed separately in Python)
            int h = FrameGeometry.ballHandler(m.ballX, m.ballY, m.ballZ, m.x, m.y, Moment.PLAYERS);
            assertThat(m.playerId[h]).isEqualTo(200768);
        }
        Moment m = r.moments.get(0);
        double[] dx = new double[5];
        double[] dy = new double[5];
        System.arraycopy(m.x, 5, dx, 0, 5);
        System.arraycopy(m.y, 5, dy, 0, 5);
        double[] out = new double[12];
        assertThat(FrameGeometry.encode(m.x[2], m.y[2], dx, dy, 5, true, out, 0)).isTrue();
        // expected values computed independently in Python from the raw JSON (box frame: +y to the basket)
        double[] expected = {20.81838, 44.51006, -8.044595141891413, 22.123425678433197, -7.041175505514973,
            27.54684275785224, -0.09244960535107305, 2.532544506434279, -4.054554535530309, 12.08922162134977,
            -0.08277307731295469, 8.643624315052815};
        for (int k = 0; k < 12; k++) {
            assertThat(out[k]).as("column %d", k + 1).isCloseTo(expected[k], within(1e-9));
        }
        // attacking the right basket instead, Lowry at x = 20.8 ft is outside the 40 ft zone
        assertThat(FrameGeometry.encode(m.x[2], m.y[2], dx, dy, 5, false, out, 0)).isFalse();
    }

    @Test
    void theClevelandArchiveHasRostersButZeroMomentsAndItsEventIdsJoinThePlayByPlay() throws IOException {
        Recorder r = new Recorder();
        Tally tally = new Tally();
        SportvuReader.Stats s = GameFile.of(CLE).read((in, source) -> SportvuReader.read(in, source, r, tally));
        assertThat(s.gameId()).isEqualTo("0021500659");
        assertThat(s.gameDate()).isEqualTo("2016-01-23");
        assertThat(s.events()).isEqualTo(466);
        assertThat(r.events).hasSize(466);
        assertThat(s.eventsWithMoments()).isZero();
        assertThat(s.momentsRead()).isZero();
        assertThat(s.bytes()).isEqualTo(1_183_598);
        assertThat(r.home.abbreviation()).isEqualTo("CLE");
        assertThat(r.visitor.abbreviation()).isEqualTo("CHI");
        assertThat(GameFile.of(CLE).archiveName())
                .isEqualTo(new GameFile.ArchiveName("2016-01-23", "CHI", "CLE", ""));
        PlayByPlay pbp = PlayByPlay.read(PBP.resolve("0021500659.csv"), "0021500659");
        long joined = r.events.stream().filter(id -> pbp.eventNums().contains(Integer.parseInt(id))).count();
        assertThat(joined).isEqualTo(454); // eventId = EVENTNUM for 454 of the 466 events
    }

    @Test
    @SuppressWarnings("unchecked")
    void importingTheRealExcerptsGivesTheExpectedCounts() throws IOException {
        Path out = dir.resolve("real.fgex");
        SportvuImport.Result r = SportvuImport.run(List.of(SAMPLE, CLE), out, dir.resolve("real.json"),
                SportvuImport.Options.defaults(PBP));
        // SampleVU: 3 moments of period 1 at 11:51, Lowry holds the ball: 1 ball-handler frame at 5 Hz; no shot is
        // inside the excerpt, so the attack direction of period 1 is unknown and that frame is skipped; all 176
        // field-goal attempts of the game lie outside the 3 moments. Cleveland: no moments, skipped as a game.
        assertThat(r.rows()).isZero();
        assertThat(r.gamesByRows()).isEqualTo(1);
        assertThat(r.tally().counts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                ExampleBuilder.SKIP_DIRECTION, 1L,
                GameImporter.SKIP_NO_TRACKING, 176L,
                SportvuImport.SKIP_NO_MOMENTS, 1L));
        Map<String, Object> rep = r.report();
        List<Map<String, Object>> games = (List<Map<String, Object>>) rep.get("games");
        assertThat(games).hasSize(2);
        Map<String, Object> cle = games.stream().filter(g -> "0021500659".equals(g.get("gameId"))).findFirst()
                .orElseThrow();
        assertThat(cle.get("events")).isEqualTo(466);
        assertThat(cle.get("eventsInPlayByPlay")).isEqualTo(454);
        assertThat(cle.get("momentsKept")).isEqualTo(0L);
        assertThat(cle.get("archiveNameMatchesContent")).isEqualTo(true);
        Map<String, Object> sample = games.stream().filter(g -> "0021500492".equals(g.get("gameId"))).findFirst()
                .orElseThrow();
        assertThat(sample.get("momentsKept")).isEqualTo(3L);
        assertThat(sample.get("ballHandlerFrames")).isEqualTo(1L);
        assertThat(sample.get("eventsInPlayByPlay")).isEqualTo(1);
        assertThat(sample.get("fieldGoalAttempts")).isEqualTo(176);
        assertThat((List<?>) rep.get("gamesWithoutMoments")).hasSize(1);
        ExampleFile f = TestGames.openChecked(out);
        assertThat(f.rows()).isZero();
        assertThat(f.games()).extracting(ExampleFile.Game::gameId).containsExactly("0021500492");
    }
}
