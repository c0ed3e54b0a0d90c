package io.github.finegrain.data.sportvu;

import io.github.finegrain.bench.SyntheticGame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports of small synthetic games: planted counts (the generator's truth), and every bad-input policy. */
class SportvuImportTest {
    @TempDir
    Path dir;

    @Test
    void aCleanGameFromJsonGivesExactlyTheGeneratorsTruth() throws IOException {
        SyntheticGame g = TestGames.small(11, 1);
        SyntheticGame.Truth t = g.truth();
        SportvuImport.Result r = TestGames.importInto(dir, List.of(TestGames.writeJson(g, dir)));
        assertThat(t.fieldGoalAttempts()).isGreaterThan(4);
        assertThat(t.momentCopies()).isGreaterThan(t.uniqueMoments()); // the events overlap
        assertThat(r.rows()).isEqualTo(t.examples());
        assertThat(r.positives()).isEqualTo(t.positives());
        @SuppressWarnings("unchecked")
        Map<String, Object> game = ((List<Map<String, Object>>) r.report().get("games")).get(0);
        assertThat(game.get("momentsRead")).isEqualTo(t.momentCopies());
        assertThat(game.get("momentsKept")).isEqualTo((long) t.uniqueMoments());
        assertThat(game.get("duplicateMoments")).isEqualTo(t.momentCopies() - t.uniqueMoments());
        assertThat(game.get("fieldGoalAttempts")).isEqualTo(t.fieldGoalAttempts());
        assertThat(game.get("releasesFromFlight")).isEqualTo(t.fieldGoalAttempts());
        assertThat(game.get("ballHandlerFrames")).isEqualTo((long) t.handlerFrames());
        assertThat(game.get("eventsInPlayByPlay")).isEqualTo(g.events().size());
        // the inferred attack directions are the planted ones
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> periods = (List<Map<String, Object>>) game.get("periods");
        for (int p = 0; p < 4; p++) {
            assertThat(periods.get(p).get("homeAttacks")).isEqualTo(t.homeAttacksLeft().get(p) ? "left" : "right");
        }
        // the only skips are frames outside the offensive zone (the ball brought up)
        assertThat(r.tally().counts()).containsOnlyKeys(ExampleBuilder.SKIP_OUTSIDE_ZONE);
        assertThat(r.tally().get(ExampleBuilder.SKIP_OUTSIDE_ZONE)).isEqualTo(t.handlerFrames() - t.examples());
        ExampleFile f = TestGames.openChecked(dir.resolve("out.fgex"));
        assertThat(f.rows()).isEqualTo(t.examples());
        ExampleSet all = f.read(Split.TRAIN);
        assertThat(all.size()).isEqualTo(t.examples()); // one game: all train
        assertThat(all.positives()).isEqualTo(t.positives());
        // task keys are player ids with roster names; every handler is a player of the game
        for (ExampleFile.Task task : f.tasks()) {
            int id = Integer.parseInt(task.key());
            String name = g.home().players().containsKey(id) ? g.home().players().get(id) : g.visitor().players()
                    .get(id);
            assertThat(task.name()).isEqualTo(name).startsWith("Synthetic ");
        }
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.feature(i, 0)).isBetween(0.0, 40.0);
            assertThat(all.feature(i, 1)).isBetween(0.0, 50.0);
        }
        assertThat(Files.exists(dir.resolve("out.report.json"))).isTrue();
    }

    @Test
    void theSameGameFrom7zGivesTheSameRowsAsFromJson() throws IOException {
        SyntheticGame g = TestGames.small(12, 1);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        SportvuImport.Result fromJson = TestGames.importInto(a, List.of(TestGames.writeJson(g, a)));
        SportvuImport.Result from7z = TestGames.importInto(b, List.of(TestGames.write7z(g, b, "")));
        assertThat(from7z.rows()).isEqualTo(fromJson.rows()).isEqualTo(g.truth().examples());
        assertThat(from7z.jsonBytes()).isEqualTo(fromJson.jsonBytes());
        ExampleSet x = ExampleFile.open(a.resolve("out.fgex")).read(Split.TRAIN);
        ExampleSet y = ExampleFile.open(b.resolve("out.fgex")).read(Split.TRAIN);
        assertThat(y.features()).containsExactly(x.features());
        assertThat(y.labels()).containsExactly(x.labels());
        assertThat(y.taskKeys()).containsExactly(x.taskKeys());
    }

    @Test
    void gamesAreSplitByGameWithASeedAndTheSplitIsStoredInTheFile() throws IOException {
        Path games = dir.resolve("games");
        long truthRows = 0;
        for (int i = 1; i <= 5; i++) {
            SyntheticGame g = TestGames.small(20 + i, i);
            TestGames.writeJson(g, dir);
            truthRows += g.truth().examples();
        }
        SportvuImport.Result r = TestGames.importInto(dir, List.of(games));
        assertThat(r.rows()).isEqualTo(truthRows);
        ExampleFile f = TestGames.openChecked(dir.resolve("out.fgex"));
        Map<String, Split> expected = SplitRule.Seeded.DEFAULT.assign(f.games().stream()
                .map(ExampleFile.Game::gameId).toList());
        assertThat(f.games()).allSatisfy(gm -> assertThat(gm.split()).isEqualTo(expected.get(gm.gameId())));
        assertThat(f.games().stream().filter(gm -> gm.split() == Split.TRAIN).count()).isEqualTo(3);
        assertThat(f.games().stream().filter(gm -> gm.split() == Split.VAL).count()).isEqualTo(1);
        assertThat(f.games().stream().filter(gm -> gm.split() == Split.TEST).count()).isEqualTo(1);
        // rows of a split are exactly its games' rows, and every player's per-split counts add up
        for (Split s : Split.values()) {
            ExampleSet ex = f.read(s);
            assertThat((long) ex.size()).isEqualTo(f.rows(s));
            Set<Integer> gamesSeen = new HashSet<>();
            for (int gi : ex.games()) {
                gamesSeen.add(gi);
                assertThat(f.games().get(gi).split()).isEqualTo(s);
            }
            assertThat(f.taskCounts(s).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(ex.size());
        }
        // explicit lists
        Path out2 = dir.resolve("explicit.fgex");
        SportvuImport.run(List.of(games), out2, null, new SportvuImport.Options(dir.resolve("pbp"), 5,
                new SplitRule.Explicit(Set.of("0099900001", "0099900002"), Set.of("0099900003"),
                        Set.of("0099900004", "0099900005")), false));
        ExampleFile e = ExampleFile.open(out2);
        assertThat(e.games()).extracting(ExampleFile.Game::split).containsExactly(Split.TRAIN, Split.TRAIN, Split.VAL,
                Split.TEST, Split.TEST);
        assertThatThrownBy(() -> SportvuImport.run(List.of(games), dir.resolve("x.fgex"), null,
                new SportvuImport.Options(dir.resolve("pbp"), 5, new SplitRule.Explicit(Set.of("0099900001"),
                        Set.of(), Set.of()), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0099900002");
        assertThat(Files.exists(dir.resolve("x.fgex"))).isFalse();
    }

    @Test
    void seededSplitRule() {
        List<String> ids = List.of("g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9", "g10");
        Map<String, Split> a = new SplitRule.Seeded(0.2, 0.2, 7).assign(ids);
        List<String> reversed = new java.util.ArrayList<>(ids);
        java.util.Collections.reverse(reversed);
        Map<String, Split> b = new SplitRule.Seeded(0.2, 0.2, 7).assign(reversed);
        assertThat(a).isEqualTo(b); // order of the files does not matter
        assertThat(a.values().stream().filter(s -> s == Split.TEST).count()).isEqualTo(2);
        assertThat(a.values().stream().filter(s -> s == Split.VAL).count()).isEqualTo(2);
        assertThat(new SplitRule.Seeded(0.2, 0.2, 8).assign(ids)).isNotEqualTo(a);
        Map<String, Split> three = new SplitRule.Seeded(0.1, 0.1, 1).assign(List.of("a", "b", "c"));
        assertThat(three.values()).containsExactlyInAnyOrder(Split.TRAIN, Split.VAL, Split.TEST);
        assertThat(new SplitRule.Seeded(0.2, 0.2, 1).assign(List.of("a", "b")).values()).containsOnly(Split.TRAIN);
        assertThatThrownBy(() -> new SplitRule.Seeded(0.5, 0.5, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SplitRule.Explicit(Set.of("a"), Set.of("a"), Set.of()))
                .hasMessageContaining("game a is in more than one");
    }

    @Test
    void incompleteNonFiniteAndNullMomentsAreSkippedAndCountedWithTheirPlace() throws IOException {
        SyntheticGame g = TestGames.small(13, 1);
        g.moments().get(100).count = 10;                                  // fewer than 11 entities
        g.moments().get(200).entities[3 * 5 + 2] = Double.NaN;            // NaN x of a player
        g.moments().get(300).entities[4] = Double.NaN;                    // NaN ball height
        g.moments().get(400).entities[7 * 5 + 1] = 4242;                  // a player on no roster
        Path nanFile = TestGames.writeJson(g, dir);
        SportvuImport.Result r = TestGames.importInto(dir, List.of(nanFile));
        assertThat(r.tally().get(SportvuReader.SKIP_FEWER_ENTITIES)).isEqualTo(1);
        assertThat(r.tally().get(SportvuReader.SKIP_NON_FINITE)).isEqualTo(2);
        assertThat(r.tally().get(SportvuReader.NOTE_UNKNOWN_PLAYER)).isEqualTo(1);
        assertThat(r.tally().firstOccurrence().get(SportvuReader.SKIP_FEWER_ENTITIES))
                .startsWith(nanFile.toString()).contains(TestGames.whereFirstCopy(g, 100)).contains("10 entities");
        assertThat(r.tally().firstOccurrence().get(SportvuReader.SKIP_NON_FINITE))
                .contains(TestGames.whereFirstCopy(g, 200)).contains("(entity 3)");
        assertThat(r.tally().firstOccurrence().get(SportvuReader.NOTE_UNKNOWN_PLAYER))
                .contains(TestGames.whereFirstCopy(g, 400));
        @SuppressWarnings("unchecked")
        Map<String, Long> notes = (Map<String, Long>) r.report().get("notes");
        assertThat(notes).containsEntry(SportvuReader.NOTE_UNKNOWN_PLAYER, 1L);
        @SuppressWarnings("unchecked")
        Map<String, Object> game = ((List<Map<String, Object>>) r.report().get("games")).get(0);
        assertThat(game.get("momentsKept")).isEqualTo(g.truth().uniqueMoments() - 3L); // the note keeps its moment

        // the same with null coordinates (as some re-hosted logs have)
        Path nulls = dir.resolve("nulls");
        Files.createDirectories(nulls);
        Path nullFile = nulls.resolve(g.gameId() + ".json");
        try (OutputStream o = Files.newOutputStream(nullFile)) {
            g.writeJson(o, true);
        }
        assertThat(Files.readString(nullFile)).contains(",null,").doesNotContain("NaN");
        SportvuImport.Result rn = SportvuImport.run(List.of(nullFile), dir.resolve("n.fgex"), null,
                SportvuImport.Options.defaults(dir.resolve("pbp")));
        assertThat(rn.tally().get(SportvuReader.SKIP_NON_FINITE)).isEqualTo(2);
        assertThat(rn.rows()).isEqualTo(r.rows());
    }

    @Test
    void playByPlayShotsWithoutTrackingOrWithoutAHandlerAreSkippedAndCounted() throws IOException {
        SyntheticGame g = TestGames.small(14, 1);
        int inactive = List.copyOf(g.home().players().keySet()).get(12); // the 13th player never plays
        SyntheticGame.PbpRow shot = g.playByPlay().stream().filter(p -> p.type() == 2 || p.type() == 1)
                .findFirst().orElseThrow();
        // a shot at 5:00 of period 1 (the tracking covers 12:00-11:30), one in period 6 (no overtime was tracked),
        // and one by the inactive player at the time of a real shot
        g.playByPlay().add(new SyntheticGame.PbpRow(900, 2, 1, 300, shot.player1(), shot.team1(), "MISS late",
                shot.home()));
        g.playByPlay().add(new SyntheticGame.PbpRow(901, 1, 6, 100, shot.player1(), shot.team1(), "OT", shot.home()));
        g.playByPlay().add(new SyntheticGame.PbpRow(902, 2, shot.period(), shot.clockSeconds(), inactive,
                g.home().teamId(), "MISS ghost", true));
        SportvuImport.Result r = TestGames.importInto(dir, List.of(TestGames.writeJson(g, dir)));
        assertThat(r.tally().get(GameImporter.SKIP_NO_TRACKING)).isEqualTo(2);
        assertThat(r.tally().get(GameImporter.SKIP_NEVER_HANDLED)).isEqualTo(1);
        assertThat(r.tally().firstOccurrence().get(GameImporter.SKIP_NO_TRACKING))
                .contains("EVENTNUM 900 (period 1, 5:00");
        assertThat(r.tally().firstOccurrence().get(GameImporter.SKIP_NEVER_HANDLED)).contains("EVENTNUM 902");
        // nothing else changes: the real shots still carry their labels
        assertThat(r.rows()).isEqualTo(g.truth().examples());
        assertThat(r.positives()).isEqualTo(g.truth().positives());
    }

    @Test
    void aGameWithoutMomentsIsSkippedAndListed() throws IOException {
        SyntheticGame empty = TestGames.small(15, 2);
        empty.events().replaceAll(e -> new SyntheticGame.SynthEvent(e.eventId(), 0, 0));
        SyntheticGame full = TestGames.small(16, 1);
        Path a = TestGames.writeJson(empty, dir);
        TestGames.writeJson(full, dir);
        SportvuImport.Result r = TestGames.importInto(dir, List.of(dir.resolve("games")));
        assertThat(r.tally().get(SportvuImport.SKIP_NO_MOMENTS)).isEqualTo(1);
        assertThat(r.tally().firstOccurrence().get(SportvuImport.SKIP_NO_MOMENTS)).contains(a.toString())
                .contains("0099900002");
        assertThat(r.gamesByRows()).isEqualTo(1);
        assertThat(r.rows()).isEqualTo(full.truth().examples());
        assertThat(r.tally().get(GameImporter.SKIP_NO_TRACKING)).isZero(); // its shots are not counted one by one
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> skipped = (List<Map<String, Object>>) r.report().get("gamesWithoutMoments");
        assertThat(skipped).singleElement().satisfies(m -> assertThat(m.get("gameId")).isEqualTo("0099900002"));
    }

    @Test
    void badInputFailsWithTheFileNamedAndWritesNothing() throws IOException {
        SyntheticGame g = TestGames.small(17, 1);
        Path json = TestGames.writeJson(g, dir);
        Path out = dir.resolve("out.fgex");

        // a play-by-play file of another game under this game's name
        SyntheticGame other = TestGames.small(18, 2);
        other.writePlayByPlay(dir.resolve("pbp"), g.gameId());
        assertThatThrownBy(() -> TestGames.importInto(dir, List.of(json)))
                .isInstanceOf(DataFormatException.class).hasMessageContaining(g.gameId() + ".csv line 2")
                .hasMessageContaining("GAME_ID 0099900002, expected 0099900001").hasMessageContaining("another game");
        assertThat(Files.exists(out)).isFalse();
        assertThat(TestGames.partials(dir)).isEmpty();

        // no play-by-play at all
        Files.delete(dir.resolve("pbp").resolve(g.gameId() + ".csv"));
        assertThatThrownBy(() -> TestGames.importInto(dir, List.of(json)))
                .isInstanceOf(DataFormatException.class).hasMessageContaining(json.toString())
                .hasMessageContaining("no play-by-play file");

        // the same game twice
        g.writePlayByPlay(dir.resolve("pbp"));
        Path copy = Files.copy(json, dir.resolve("copy.json"));
        assertThatThrownBy(() -> TestGames.importInto(dir, List.of(json, copy)))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("was already read from");

        // an empty input directory
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> TestGames.importInto(dir, List.of(empty)))
                .isInstanceOf(DataFormatException.class).hasMessageContaining(empty.toString())
                .hasMessageContaining("no game files");

        // a truncated game log: the message names the file, the event and the moment
        byte[] bytes = Files.readAllBytes(json);
        Path cut = dir.resolve("cut").resolve(g.gameId() + ".json");
        Files.createDirectories(cut.getParent());
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> TestGames.importInto(dir, List.of(cut)))
                .isInstanceOf(DataFormatException.class).hasMessageContaining(cut.toString())
                .hasMessageMatching("(?s).*event \\d+, moment \\d+.*");
        assertThat(Files.exists(out)).isFalse();
        assertThat(TestGames.partials(dir)).isEmpty();
    }

    @Test
    void anInterruptedImportLeavesThePreviousFileAndNoHalfFile() throws IOException {
        SyntheticGame a = TestGames.small(19, 1);
        SyntheticGame b = TestGames.small(20, 2);
        TestGames.writeJson(a, dir);
        Path bFile = TestGames.writeJson(b, dir);
        TestGames.importInto(dir, List.of(dir.resolve("games")));
        Path out = dir.resolve("out.fgex");
        byte[] before = Files.readAllBytes(out);
        // the second game is now damaged: the import stops there, after the first game's rows were written
        byte[] bytes = Files.readAllBytes(bFile);
        Files.write(bFile, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        assertThatThrownBy(() -> TestGames.importInto(dir, List.of(dir.resolve("games"))))
                .isInstanceOf(DataFormatException.class).hasMessageContaining(bFile.toString());
        assertThat(Files.readAllBytes(out)).isEqualTo(before);
        assertThat(TestGames.partials(dir)).isEmpty();

        // with --skip-bad-games the damaged game is dropped, its rows undone, and listed
        SportvuImport.Result r = SportvuImport.run(List.of(dir.resolve("games")), dir.resolve("skip.fgex"), null,
                new SportvuImport.Options(dir.resolve("pbp"), 5, SplitRule.Seeded.DEFAULT, true));
        assertThat(r.rows()).isEqualTo(a.truth().examples());
        assertThat(r.tally().get(SportvuImport.SKIP_BAD_GAME)).isEqualTo(1);
        ExampleFile f = TestGames.openChecked(dir.resolve("skip.fgex"));
        assertThat(f.games()).extracting(ExampleFile.Game::gameId).containsExactly(a.gameId());
        assertThat(f.rows()).isEqualTo(a.truth().examples());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> failed = (List<Map<String, Object>>) r.report().get("gamesFailed");
        assertThat(failed).singleElement().satisfies(m -> assertThat(m.get("file")).isEqualTo(bFile.toString()));
    }

    @Test
    void rateOf25HzKeepsEveryBallHandlerMoment() throws IOException {
        SyntheticGame g = TestGames.small(21, 1);
        Path json = TestGames.writeJson(g, dir);
        SportvuImport.Result r5 = TestGames.importInto(dir, List.of(json));
        SportvuImport.Result r25 = SportvuImport.run(List.of(json), dir.resolve("25.fgex"), null,
                new SportvuImport.Options(dir.resolve("pbp"), 25, SplitRule.Seeded.DEFAULT, false));
        @SuppressWarnings("unchecked")
        long frames25 = (long) ((List<Map<String, Object>>) r25.report().get("games")).get(0).get("ballHandlerFrames");
        assertThat(frames25).isBetween(5L * g.truth().handlerFrames() - 25, 5L * g.truth().handlerFrames() + 25);
        assertThat(r25.rows()).isBetween(5 * r5.rows() - 40, 5 * r5.rows() + 40);
        // 1 s before each release holds 26 moments at 25 Hz, 6 at 5 Hz
        assertThat((double) r25.positives() / r5.positives()).isBetween(4.0, 5.2);
        assertThatThrownBy(() -> new SportvuImport.Options(dir, 30, SplitRule.Seeded.DEFAULT, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 25]");
    }
}
