package io.github.finegrain.data.sportvu;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.bench.SyntheticGame;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 items 8-11: the import does not depend on the order of the events in the file, keeps conflicting copies
 * of a moment, treats player id 0 and ids on no roster as unknown, does not credit a ball in flight to a player,
 * reports play-by-play shots whose clock is far from their best match, and cleans up after an interrupted import.
 */
class ImportRobustnessTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- item 8: order of events

    @Test
    void eventsInAnyOrderGiveExactlyTheTruth() throws IOException {
        SyntheticGame g = TestGames.small(31, 1);
        SyntheticGame.Truth t = g.truth();
        List<List<SyntheticGame.SynthEvent>> orders = new ArrayList<>();
        List<SyntheticGame.SynthEvent> swapped = new ArrayList<>(g.events());
        Collections.swap(swapped, 3, 4); // two adjacent events swapped
        orders.add(swapped);
        List<SyntheticGame.SynthEvent> reversed = new ArrayList<>(g.events());
        Collections.reverse(reversed);
        orders.add(reversed);
        List<SyntheticGame.SynthEvent> shuffled = new ArrayList<>(g.events());
        Collections.shuffle(shuffled, new Random(5));
        orders.add(shuffled);
        List<SyntheticGame.SynthEvent> original = List.copyOf(g.events());
        int k = 0;
        for (List<SyntheticGame.SynthEvent> order : orders) {
            g.events().clear();
            g.events().addAll(order);
            Path sub = dir.resolve("order" + k++);
            SportvuImport.Result r = TestGames.importInto(sub, List.of(TestGames.writeJson(g, sub)));
            Map<String, Object> game = game(r);
            assertThat(game.get("momentsRead")).isEqualTo(t.momentCopies());
            assertThat(game.get("momentsKept")).isEqualTo((long) t.uniqueMoments());
            assertThat(game.get("duplicateMoments")).isEqualTo(t.momentCopies() - t.uniqueMoments());
            assertThat(r.rows()).isEqualTo(t.examples());
            assertThat(r.positives()).isEqualTo(t.positives());
            assertThat(game.get("ballHandlerFrames")).isEqualTo((long) t.handlerFrames());
            assertThat(r.tally().counts()).containsOnlyKeys(io.github.finegrain.data.ExampleBuilder.SKIP_OUTSIDE_ZONE);
            // the report keeps its totals
            @SuppressWarnings("unchecked")
            Map<String, Object> totals = (Map<String, Object>) r.report().get("totals");
            assertThat(totals.get("examples")).isEqualTo((long) t.examples());
            assertThat(totals).containsKey("tasks");
        }
        g.events().clear();
        g.events().addAll(original);
    }

    @Test
    void twoMomentsWithTheSameTimestampAndDifferentPositionsAreBothKeptAndReported() throws IOException {
        SyntheticGame g = TestGames.small(32, 1);
        SyntheticGame.SynthMoment src = g.moments().get(700);
        SyntheticGame.SynthMoment copy = new SyntheticGame.SynthMoment();
        copy.period = src.period;
        copy.timestampMs = src.timestampMs;
        copy.gameClock = src.gameClock;
        copy.shotClock = src.shotClock;
        copy.entities = src.entities.clone();
        copy.entities[10 * 5 + 2] += 1.0; // the last visitor 1 ft further
        g.moments().add(copy);
        int n = g.moments().size();
        g.events().add(new SyntheticGame.SynthEvent("9999", n - 1, n));
        SportvuImport.Result r = TestGames.importInto(dir, List.of(TestGames.writeJson(g, dir)));
        Map<String, Object> game = game(r);
        assertThat(game.get("momentsKept")).isEqualTo(g.truth().uniqueMoments() + 1L);
        assertThat(r.tally().get(SportvuReader.NOTE_TIMESTAMP_CONFLICT)).isEqualTo(1);
        assertThat(r.tally().firstOccurrence().get(SportvuReader.NOTE_TIMESTAMP_CONFLICT))
                .contains("event 9999, moment 0").contains(Long.toString(src.timestampMs));
        assertThat(notes(r)).containsEntry(SportvuReader.NOTE_TIMESTAMP_CONFLICT, 1L);
    }

    @Test
    void aBadCopyOfAGoodMomentIsADuplicateAndEveryMomentReadIsAccountedFor() throws IOException {
        SyntheticGame g = TestGames.small(33, 1);
        Collections.reverse(g.events());
        g.moments().get(900).count = 10; // each copy of moment 900 has 10 entities: skipped once
        SportvuImport.Result r = TestGames.importInto(dir, List.of(TestGames.writeJson(g, dir)));
        Map<String, Object> game = game(r);
        long skipped = r.tally().get(SportvuReader.SKIP_FEWER_ENTITIES);
        assertThat(skipped).isEqualTo(1);
        assertThat((long) game.get("momentsRead"))
                .isEqualTo((long) game.get("momentsKept") + (long) game.get("duplicateMoments") + skipped);
        assertThat(game.get("momentsKept")).isEqualTo(g.truth().uniqueMoments() - 1L);
    }

    // ---------------------------------------------------------------- item 9: balls in flight, far clocks

    @Test
    void noFrameIsCreditedToAPlayerWhileAShotIsInTheAir() throws IOException {
        SyntheticGame g = TestGames.small(34, 1);
        int inAir = 0;
        for (SyntheticGame.SynthMoment m : g.moments()) {
            inAir += m.shotInFlight ? 1 : 0;
        }
        assertThat(inAir).isGreaterThan(50);
        game25Hz(g);
        ExampleFile f = TestGames.openChecked(dir.resolve("out.fgex"));
        int rows = 0;
        try (ExampleFile.Cursor c = f.cursor(Split.TRAIN)) {
            ExampleFile.Row row = new ExampleFile.Row();
            while (c.hasNext()) {
                c.next(row);
                rows++;
                assertThat(g.moments().get(row.moment).shotInFlight)
                        .as("row at moment %d (player %s) while a shot is in the air", row.moment,
                                f.tasks().get(row.task).key())
                        .isFalse();
            }
        }
        assertThat(rows).isGreaterThan(500);
        // releases are the generator's own (the last moment in the shooter's hand): the positives of the truth
        assertThat(game(TestGames.importInto(dir.resolve("5hz"), List.of(TestGames.writeJson(g, dir.resolve("5hz")))))
                .get("positives")).isEqualTo((long) g.truth().positives());
    }

    @Test
    void aPlayByPlayShotFarFromItsBestMatchIsReportedWithItsOffset() throws IOException {
        SyntheticGame g = TestGames.small(35, 1);
        int idx = -1;
        for (int i = 0; i < g.playByPlay().size(); i++) {
            SyntheticGame.PbpRow p = g.playByPlay().get(i);
            if ((p.type() == 1 || p.type() == 2) && p.clockSeconds() <= 700) {
                idx = i;
                break;
            }
        }
        SyntheticGame.PbpRow p = g.playByPlay().get(idx);
        g.playByPlay().set(idx, new SyntheticGame.PbpRow(p.eventNum(), p.type(), p.period(), p.clockSeconds() + 20,
                p.player1(), p.team1(), p.description(), p.home()));
        SportvuImport.Result r = TestGames.importInto(dir, List.of(TestGames.writeJson(g, dir)));
        assertThat(r.tally().get(GameImporter.NOTE_FAR_FROM_CLOCK)).isEqualTo(1);
        assertThat(r.tally().firstOccurrence().get(GameImporter.NOTE_FAR_FROM_CLOCK))
                .contains("EVENTNUM " + p.eventNum()).containsPattern("offset -(19|20|21)\\.\\d s");
        Map<String, Object> game = game(r);
        assertThat(game.get("shotsFarFromStatedClock")).isEqualTo(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> far = (List<Map<String, Object>>) game.get("shotsFarFromStatedClockList");
        assertThat(far).hasSize(1);
        assertThat(far.get(0).get("eventNum")).isEqualTo(p.eventNum());
        assertThat((double) far.get(0).get("offsetSeconds")).isBetween(-21.0, -19.0);
    }

    // ---------------------------------------------------------------- item 10: unknown players

    @Test
    void playerIdZeroAndIdsOnNoRosterAreUnknownNeverTasks() throws IOException {
        SyntheticGame clean = TestGames.small(36, 1);
        SportvuImport.Result base = TestGames.importInto(dir.resolve("clean"),
                List.of(TestGames.writeJson(clean, dir.resolve("clean"))));
        SyntheticGame g = TestGames.small(36, 1);
        // the first shooter (a home player) has id 0 in periods 1-2, id 4242 (on no roster) in periods 3-4
        int gone = g.playByPlay().stream().filter(p -> (p.type() == 1 || p.type() == 2) && p.home()).findFirst()
                .orElseThrow().player1();
        for (SyntheticGame.SynthMoment m : g.moments()) {
            for (int j = 1; j <= 10; j++) {
                if ((int) m.entities[j * 5 + 1] == gone) {
                    m.entities[j * 5 + 1] = m.period <= 2 ? 0 : 4242;
                }
            }
        }
        SportvuImport.Result r = TestGames.importInto(dir.resolve("bad"),
                List.of(TestGames.writeJson(g, dir.resolve("bad"))));
        ExampleFile f = TestGames.openChecked(dir.resolve("bad").resolve("out.fgex"));
        Set<String> keys = new HashSet<>();
        for (ExampleFile.Task t : f.tasks()) {
            keys.add(t.key());
            assertThat(t.name()).isNotEmpty();
        }
        assertThat(keys).doesNotContain("0", "4242", Integer.toString(gone));
        assertThat(r.tally().get(SportvuReader.NOTE_UNKNOWN_PLAYER)).isGreaterThan(100);
        long skippedHandler = r.tally().get(GameImporter.SKIP_UNKNOWN_HANDLER);
        assertThat(skippedHandler).isGreaterThan(5);
        assertThat((long) game(r).get("ballHandlerFrames") + skippedHandler)
                .isEqualTo((long) clean.truth().handlerFrames());
        // the unknown player still defends: the visitors' rows are exactly those of the clean import
        assertThat(visitorRows(r, g)).isEqualTo(visitorRows(base, clean));
        assertThat(notes(r)).containsKey(SportvuReader.NOTE_UNKNOWN_PLAYER);
    }

    // ---------------------------------------------------------------- item 11: partial files, file modes

    @Test
    void staleRowsPartialFilesAreCleanedAndOutputsHaveTheUsualMode() throws IOException {
        SyntheticGame g = TestGames.small(37, 1);
        Path game = TestGames.writeJson(g, dir);
        Path stale = Files.writeString(dir.resolve("out.fgex.123456.rows.partial"), "left by a killed import");
        Path stale2 = Files.writeString(dir.resolve("out.fgex.98765.partial"), "x");
        Path other = Files.writeString(dir.resolve("other.fgex.1.rows.partial"), "not ours");
        SportvuImport.Result r = TestGames.importInto(dir, List.of(game));
        assertThat(stale).doesNotExist();
        assertThat(stale2).doesNotExist();
        assertThat(other).exists();
        assertThat(r.report().get("staleFilesRemoved")).asList().hasSize(2);
        Path probe = Files.createFile(dir.resolve("probe"));
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(probe);
        assertThat(Files.getPosixFilePermissions(dir.resolve("out.fgex"))).isEqualTo(usual);
        assertThat(Files.getPosixFilePermissions(dir.resolve("out.report.json"))).isEqualTo(usual);
    }

    // ---------------------------------------------------------------- helpers

    private void game25Hz(SyntheticGame g) throws IOException {
        Path file = TestGames.writeJson(g, dir);
        SportvuImport.Options o = new SportvuImport.Options(dir.resolve("pbp"), 25, SplitRule.Seeded.DEFAULT, false);
        SportvuImport.run(List.of(file), dir.resolve("out.fgex"), null, o);
    }

    private static Map<String, List<String>> visitorRows(SportvuImport.Result r, SyntheticGame g) throws IOException {
        ExampleFile f = TestGames.openChecked(r.output());
        Map<String, List<String>> out = new HashMap<>();
        try (ExampleFile.Cursor c = f.cursor(Split.TRAIN)) {
            ExampleFile.Row row = new ExampleFile.Row();
            while (c.hasNext()) {
                c.next(row);
                String key = f.tasks().get(row.task).key();
                if (g.visitor().players().containsKey(Integer.parseInt(key))) {
                    out.computeIfAbsent(key, k -> new ArrayList<>()).add(row.moment + ":"
                            + java.util.Arrays.toString(row.features));
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> game(SportvuImport.Result r) {
        return ((List<Map<String, Object>>) r.report().get("games")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> notes(SportvuImport.Result r) {
        return (Map<String, Long>) r.report().get("notes");
    }
}
