package io.github.finegrain.data.sportvu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.bench.SyntheticGame;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-game import ({@link SportvuImport#importGame}) that the local and the Spark import share, and the
 * {@link SportvuImport.Engine} contract through which the import takes its games.
 */
class ImportEngineTest {
    @TempDir
    Path dir;

    /** One row as handed to {@link SportvuImport.GameRows}. */
    private record Handed(int player, String name, int moment, float clock, int period, boolean positive,
            float[] features) {
    }

    @Test
    void importGameHandsTheRowsTheImportWritesInTheSameOrder() throws IOException {
        SyntheticGame g = TestGames.small(31, 1);
        Path file = TestGames.write7z(g, dir, "");
        SportvuImport.Result r = TestGames.importInto(dir, List.of(file));
        List<Handed> handed = new ArrayList<>();
        SportvuImport.GameImport gi = SportvuImport.importGame(GameFile.of(file), dir.resolve("pbp"), 5,
                (player, name, moment, clock, period, positive, features) -> {
                    float[] f = new float[features.length];
                    for (int k = 0; k < f.length; k++) {
                        f[k] = (float) features[k];
                    }
                    handed.add(new Handed(player, name, moment, (float) clock, period, positive, f));
                });
        assertThat(gi.gameId()).isEqualTo(g.gameId());
        assertThat(gi.home()).isEqualTo("SYH");
        assertThat(gi.visitor()).isEqualTo("SYV");
        assertThat(gi.rows()).isEqualTo(g.truth().examples()).isEqualTo(handed.size());
        assertThat(gi.positives()).isEqualTo(g.truth().positives());
        assertThat(gi.jsonBytes()).isEqualTo(r.jsonBytes());
        assertThat(gi.momentsKept()).isEqualTo(g.truth().uniqueMoments());
        assertThat(gi.tally().counts()).isEqualTo(r.tally().counts());
        @SuppressWarnings("unchecked")
        Map<String, Object> inReport = ((List<Map<String, Object>>) r.report().get("games")).get(0);
        assertThat(gi.report()).containsEntry("examples", (long) g.truth().examples())
                .containsEntry("momentsKept", (long) g.truth().uniqueMoments())
                .containsEntry("fieldGoalAttempts", inReport.get("fieldGoalAttempts"))
                .containsEntry("periods", inReport.get("periods")).doesNotContainKey("split");

        ExampleFile f = TestGames.openChecked(dir.resolve("out.fgex"));
        ExampleFile.Row row = new ExampleFile.Row();
        try (ExampleFile.Cursor c = f.cursor(null)) {
            for (Handed h : handed) {
                c.next(row);
                ExampleFile.Task task = f.tasks().get(row.task);
                assertThat(Integer.parseInt(task.key())).isEqualTo(h.player());
                assertThat(task.name()).isEqualTo(h.name()).startsWith("Synthetic ");
                assertThat(row.moment).isEqualTo(h.moment());
                assertThat(row.gameClock).isEqualTo(h.clock());
                assertThat(row.period).isEqualTo(h.period());
                assertThat(row.label).isEqualTo(h.positive() ? 1 : 0);
                for (int k = 0; k < h.features().length; k++) {
                    assertThat((float) row.features[k]).isEqualTo(h.features()[k]);
                }
            }
            assertThat(c.hasNext()).isFalse();
        }
    }

    @Test
    void anEngineSuppliesTheGamesAndTheImportKeepsItsPolicy() throws IOException {
        SyntheticGame a = TestGames.small(32, 1);
        SyntheticGame b = TestGames.small(33, 2);
        TestGames.writeJson(a, dir);
        TestGames.writeJson(b, dir);
        Path games = dir.resolve("games");
        // game 2 fails half-way, after handing over some rows (a remote copy that broke, say)
        AtomicBoolean closed = new AtomicBoolean();
        SportvuImport.Engine engine = (files, out, o) -> new SportvuImport.Session() {
            @Override
            public SportvuImport.GameImport game(int index, GameFile file, SportvuImport.GameRows rows)
                    throws IOException {
                if (index == 1) {
                    rows.row(4242, "Mr Half", 0, 700, 1, false, new double[12]);
                    throw new DataFormatException(file.path() + ": broken on the way");
                }
                return SportvuImport.importGame(file, o.playByPlayDir(), o.rateHz(), rows);
            }

            @Override
            public Map<String, Object> report() {
                return Map.of("engine", "test");
            }

            @Override
            public List<Path> staleFilesRemoved() {
                return List.of(dir.resolve("old.shards.partial"));
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        SportvuImport.Options fail = SportvuImport.Options.defaults(dir.resolve("pbp"));
        assertThatThrownBy(() -> SportvuImport.run(List.of(games), dir.resolve("x.fgex"), null, fail, (d, t, f) -> {
        }, engine)).isInstanceOf(DataFormatException.class).hasMessageEndingWith("0099900002.json: broken on the way");
        assertThat(closed).isTrue();
        assertThat(dir.resolve("x.fgex")).doesNotExist();
        assertThat(TestGames.partials(dir)).isEmpty();

        closed.set(false);
        SportvuImport.Options skip = new SportvuImport.Options(dir.resolve("pbp"), 5, SplitRule.Seeded.DEFAULT, true);
        SportvuImport.Result r = SportvuImport.run(List.of(games), dir.resolve("x.fgex"), null, skip, (d, t, f) -> {
        }, engine);
        assertThat(closed).isTrue();
        assertThat(r.rows()).isEqualTo(a.truth().examples()); // the failed game's row was undone
        assertThat(r.report()).containsEntry("engine", "test")
                .containsEntry("staleFilesRemoved", List.of("old.shards.partial"));
        ExampleFile f = TestGames.openChecked(dir.resolve("x.fgex"));
        assertThat(f.games()).extracting(ExampleFile.Game::gameId).containsExactly(a.gameId());
        assertThat(f.tasks()).extracting(ExampleFile.Task::key).doesNotContain("4242"); // his task was undone too
        // the same games, players and rows as the local import of the good game alone
        Files.delete(games.resolve(b.gameId() + ".json"));
        SportvuImport.run(List.of(games), dir.resolve("y.fgex"), null, skip);
        ExampleFile y = TestGames.openChecked(dir.resolve("y.fgex"));
        assertThat(f.games()).isEqualTo(y.games());
        assertThat(f.tasks()).extracting(ExampleFile.Task::key)
                .containsExactlyElementsOf(y.tasks().stream().map(ExampleFile.Task::key).toList());
        assertThat(f.read(io.github.finegrain.data.Split.TRAIN).features())
                .containsExactly(y.read(io.github.finegrain.data.Split.TRAIN).features());
    }
}
