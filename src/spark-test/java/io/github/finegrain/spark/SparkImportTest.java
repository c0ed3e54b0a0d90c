package io.github.finegrain.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.bench.SyntheticGame;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.Split;
import io.github.finegrain.data.sportvu.SplitRule;
import io.github.finegrain.data.sportvu.SportvuImport;
import io.github.finegrain.data.sportvu.TestGames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import-sportvu --spark} in {@code local[2]} gives the local import's examples, and its bad-game policy. */
class SparkImportTest {
    private static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sc = SparkContexts.forMaster("finegrain-import-test", "local[2]");
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    /** {@code n} small synthetic games in dir/games, odd ones as .7z, even ones as .json; play-by-play in dir/pbp. */
    private List<Path> games(int n, long seed) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            SyntheticGame g = TestGames.small(seed + i, i);
            files.add(i % 2 == 1 ? TestGames.write7z(g, dir, "") : TestGames.writeJson(g, dir));
        }
        return files;
    }

    private SportvuImport.Result local(String name, SportvuImport.Options o) throws IOException {
        return SportvuImport.run(List.of(dir.resolve("games")), dir.resolve(name + ".fgex"),
                dir.resolve(name + ".report.json"), o);
    }

    private SportvuImport.Result spark(String name, SportvuImport.Options o) throws IOException {
        return SportvuImport.run(List.of(dir.resolve("games")), dir.resolve(name + ".fgex"),
                dir.resolve(name + ".report.json"), o, (done, total, file) -> {
                }, SparkSportvuImport.engine(sc, "local[2]"));
    }

    @Test
    void fiveGamesOnSparkGiveTheSameExamplesAsTheLocalImport() throws IOException {
        games(5, 70);
        // what a killed Spark import of the same output left behind
        Path stale = Files.createDirectories(dir.resolve("spark.fgex.42" + SparkSportvuImport.SHARDS_SUFFIX));
        Files.write(stale.resolve("3.fgex"), new byte[] {1, 2, 3});
        SportvuImport.Options o = SportvuImport.Options.defaults(dir.resolve("pbp"));
        SportvuImport.Result a = local("local", o);
        SportvuImport.Result b = spark("spark", o);

        ExampleFile x = TestGames.openChecked(dir.resolve("local.fgex"));
        ExampleFile y = TestGames.openChecked(dir.resolve("spark.fgex"));
        assertThat(x.games()).hasSize(5);
        assertThat(x.games()).extracting(ExampleFile.Game::split).contains(Split.TRAIN, Split.VAL, Split.TEST);
        assertThat(x.tasks().size()).isGreaterThan(10);
        assertSameExamples(x, y);
        assertThat(Files.mismatch(dir.resolve("local.fgex"), dir.resolve("spark.fgex"))).isEqualTo(-1L);

        // the same report, plus the Spark facts
        assertThat(b.rows()).isEqualTo(a.rows()).isEqualTo(x.rows());
        assertThat(b.positives()).isEqualTo(a.positives());
        assertThat(b.tally().counts()).isEqualTo(a.tally().counts());
        assertThat(b.tally().firstOccurrence()).isEqualTo(a.tally().firstOccurrence());
        assertThat(withoutTimes(b.report(), "spark", "output", "staleFilesRemoved"))
                .isEqualTo(withoutTimes(a.report(), "output", "staleFilesRemoved"));
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) b.report().get("spark");
        assertThat(facts).containsEntry("master", "local[2]").containsEntry("tasks", 5).containsEntry("executors", 2);
        assertThat(a.report()).doesNotContainKey("spark");
        assertThat(b.report().get("staleFilesRemoved")).isEqualTo(List.of(stale.getFileName().toString()));
        assertThat(stale).doesNotExist();
        assertThat(leftovers()).isEmpty(); // every shard merged and deleted, the shard folder too
    }

    @Test
    void aBadGameFailsTheSparkImportAsItFailsTheLocalOneOrIsSkippedTheSameWay() throws IOException {
        List<Path> files = games(4, 80);
        Path bad = files.get(2); // the third game, a .7z, cut in half
        byte[] bytes = Files.readAllBytes(bad);
        Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.copy(files.get(1), dir.resolve("games").resolve("zz-copy-of-game-2.json")); // the same game twice
        SportvuImport.Options fail = SportvuImport.Options.defaults(dir.resolve("pbp"));

        Throwable localError = org.assertj.core.api.Assertions.catchThrowable(() -> local("local", fail));
        assertThat(localError).isInstanceOf(DataFormatException.class);
        assertThatThrownBy(() -> spark("spark", fail)).isInstanceOf(DataFormatException.class)
                .hasMessage(localError.getMessage()).hasMessageStartingWith(bad.toString());
        assertThat(dir.resolve("spark.fgex")).doesNotExist();
        assertThat(dir.resolve("spark.report.json")).doesNotExist();
        assertThat(leftovers()).isEmpty();

        SportvuImport.Options skip = new SportvuImport.Options(dir.resolve("pbp"), 5, SplitRule.Seeded.DEFAULT, true);
        SportvuImport.Result a = local("local", skip);
        SportvuImport.Result b = spark("spark", skip);
        assertThat(b.tally().get(SportvuImport.SKIP_BAD_GAME)).isEqualTo(2);
        assertThat(b.report().get("gamesFailed")).isEqualTo(a.report().get("gamesFailed"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> failed = (List<Map<String, Object>>) b.report().get("gamesFailed");
        assertThat(failed).extracting(m -> m.get("file")).containsExactly(bad.toString(),
                dir.resolve("games").resolve("zz-copy-of-game-2.json").toString());
        assertThat((String) failed.get(1).get("error")).contains("was already read from " + files.get(1));
        ExampleFile x = TestGames.openChecked(dir.resolve("local.fgex"));
        ExampleFile y = TestGames.openChecked(dir.resolve("spark.fgex"));
        assertThat(y.games()).hasSize(3);
        assertSameExamples(x, y);
        assertThat(Files.mismatch(dir.resolve("local.fgex"), dir.resolve("spark.fgex"))).isEqualTo(-1L);
        assertThat(leftovers()).isEmpty();
    }

    /** Same tables and the same rows in the same order, read with cursors field by field. */
    static void assertSameExamples(ExampleFile x, ExampleFile y) throws IOException {
        assertThat(y.metadata()).isEqualTo(x.metadata());
        assertThat(y.games()).isEqualTo(x.games()); // ids, dates, teams, sources, splits, row ranges, positives
        assertThat(y.tasks()).hasSameSizeAs(x.tasks());
        for (int t = 0; t < x.tasks().size(); t++) {
            assertThat(y.tasks().get(t).key()).isEqualTo(x.tasks().get(t).key());
            assertThat(y.tasks().get(t).name()).isEqualTo(x.tasks().get(t).name());
            assertThat(y.tasks().get(t).rows()).containsExactly(x.tasks().get(t).rows());
        }
        assertThat(y.rows()).isEqualTo(x.rows()).isPositive();
        ExampleFile.Row r = new ExampleFile.Row();
        ExampleFile.Row s = new ExampleFile.Row();
        long n = 0;
        try (ExampleFile.Cursor c = x.cursor(null); ExampleFile.Cursor d = y.cursor(null)) {
            while (c.hasNext()) {
                assertThat(d.hasNext()).isTrue();
                c.next(r);
                d.next(s);
                assertThat(new Object[] {s.game, s.task, s.moment, s.gameClock, s.period, s.label})
                        .as("row %d", n).containsExactly(r.game, r.task, r.moment, r.gameClock, r.period, r.label);
                assertThat(s.features).as("row %d", n).containsExactly(r.features);
                n++;
            }
            assertThat(d.hasNext()).isFalse();
        }
        assertThat(n).isEqualTo(x.rows());
        for (Split split : Split.values()) {
            assertThat(y.read(split).taskKeys()).containsExactly(x.read(split).taskKeys());
        }
    }

    /** The report without its times (and without the named keys). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutTimes(Map<String, Object> report, String... drop) {
        Map<String, Object> m = new LinkedHashMap<>(report);
        for (String k : drop) {
            m.remove(k);
        }
        Map<String, Object> totals = new LinkedHashMap<>((Map<String, Object>) m.get("totals"));
        totals.remove("seconds");
        totals.remove("jsonMegabytesPerSecond");
        m.put("totals", totals);
        List<Map<String, Object>> games = new ArrayList<>();
        for (Map<String, Object> g : (List<Map<String, Object>>) m.get("games")) {
            Map<String, Object> c = new LinkedHashMap<>(g);
            c.remove("seconds");
            games.add(c);
        }
        m.put("games", games);
        return m;
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
        }
    }
}
