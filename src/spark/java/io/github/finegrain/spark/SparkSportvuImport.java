package io.github.finegrain.spark;

import io.github.finegrain.cli.SparkImport;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.Split;
import io.github.finegrain.data.sportvu.GameFile;
import io.github.finegrain.data.sportvu.SportvuImport;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code import-sportvu --spark MASTER}: the SportVU import with one Spark task per game file.
 *
 * <p>Each task imports its game with {@link SportvuImport#importGame} (the local importer's per-game code) into a
 * per-game shard, an {@link ExampleFile} whose task keys are the player ids and whose one game is the game file,
 * and returns only the game's {@link SportvuImport.GameImport} (ids, counts, report entry, tally; a game that
 * cannot be read returns its exception instead). The driver then runs the local import's driver
 * ({@link SportvuImport#run(List, Path, Path, SportvuImport.Options, SportvuImport.Progress, SportvuImport.Engine)})
 * over these games in file order: it streams each shard's rows into the one output file, giving each player his
 * task index in the local import's first-seen order, rejects a game seen twice, applies the same
 * {@code skipBadGames} policy with the same messages, assigns the splits with the same {@code SplitRule} over the
 * same game ids and writes the same report, plus {@code spark: {master, tasks, executors}}. The output file is
 * therefore the file the local import writes, byte for byte.
 *
 * <p>Shards are written to the folder {@code NAME.<random>.shards.partial} next to the output {@code NAME}; each
 * shard is deleted once merged and the folder when the import ends, whether it succeeded or not. An import killed
 * before that leaves the folder behind: the next Spark import of the same output deletes it (listed in the report's
 * {@code staleFilesRemoved}). On a cluster the folder, the game files and the play-by-play folder must be at the
 * same paths on the driver and every executor (a shared file system; absolute paths, since the tasks are given
 * the paths as the driver has them so that the report and the messages name them as the local import does), like
 * {@code --examples} of {@code train --spark}. The report's {@code spark.executors} is the context's default
 * parallelism (its task slots, 2 in {@code local[2]}), as {@code train --spark} reports it.
 */
public final class SparkSportvuImport implements SparkImport {
    /** Suffix of the shard folder's name. */
    static final String SHARDS_SUFFIX = ".shards.partial";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public SportvuImport.Result run(String master, List<Path> inputs, Path out, Path report,
            SportvuImport.Options options, SportvuImport.Progress progress) throws IOException {
        try (JavaSparkContext sc = SparkContexts.forMaster("finegrain import-sportvu", master)) {
            return SportvuImport.run(inputs, out, report, options, progress, engine(sc, master));
        }
    }

    /**
     * The engine that imports the games on {@code sc}, one task per game file.
     *
     * @param master the master's name for the report
     */
    public static SportvuImport.Engine engine(JavaSparkContext sc, String master) {
        return (files, out, o) -> start(sc, master, files, out, o);
    }

    /** What a task returns: the game, or why it could not be read. */
    record TaskResult(int index, String shard, SportvuImport.GameImport game, IOException failure)
            implements Serializable {
    }

    private static SportvuImport.Session start(JavaSparkContext sc, String master, List<GameFile> files, Path out,
            SportvuImport.Options o) throws IOException {
        Path abs = out.toAbsolutePath();
        List<Path> stale = deleteStaleShards(abs);
        Path work = createShardFolder(abs);
        try {
            // the paths as the driver has them, so that the report and the messages name them as the local import
            // does (a relative path resolves on an executor as on the driver in local[N]; give absolute ones on a
            // cluster)
            List<String> paths = files.stream().map(f -> f.path().toString()).toList();
            String folder = work.toString();
            String pbp = o.playByPlayDir().toString();
            double rate = o.rateHz();
            List<Integer> ids = IntStream.range(0, files.size()).boxed().toList();
            List<TaskResult> results = new ArrayList<>(sc.parallelize(ids, Math.max(1, ids.size()))
                    .map(i -> importShard(i, paths.get(i), pbp, rate, folder)).collect());
            results.sort(Comparator.comparingInt(TaskResult::index));
            if (results.size() != files.size()) {
                throw new IllegalStateException(results.size() + " Spark task results for " + files.size()
                        + " game files");
            }
            Map<String, Object> spark = new LinkedHashMap<>();
            spark.put("master", master);
            spark.put("tasks", files.size());
            spark.put("executors", Math.max(1, sc.defaultParallelism()));
            return new Merge(work, results, stale, spark);
        } catch (Throwable e) { // a failed Spark job is a SparkException, which Java does not see declared
            try {
                deleteShardFolder(work);
            } catch (IOException x) {
                e.addSuppressed(x);
            }
            throw e;
        }
    }

    /**
     * Runs on an executor: imports game file {@code path} into the shard {@code folder/<index>.fgex} (none for a
     * game without rows).
     */
    static TaskResult importShard(int index, String path, String playByPlayDir, double rateHz, String folder)
            throws IOException {
        GameFile gf = GameFile.of(Path.of(path));
        Path shard = Path.of(folder, index + ".fgex");
        Map<Integer, Integer> taskOf = new HashMap<>();
        List<String[]> tasks = new ArrayList<>();
        List<int[]> counts = new ArrayList<>();
        try (ExampleFile.Writer w = new ExampleFile.Writer(shard)) {
            SportvuImport.GameImport g;
            try {
                g = SportvuImport.importGame(gf, Path.of(playByPlayDir), rateHz,
                        (player, name, moment, clock, period, positive, features) -> {
                            Integer t = taskOf.get(player);
                            if (t == null) {
                                t = tasks.size();
                                taskOf.put(player, t);
                                tasks.add(new String[] {Integer.toString(player), name});
                                counts.add(new int[3]);
                            }
                            counts.get(t)[Split.TRAIN.ordinal()]++;
                            w.row(0, t, moment, clock, period, positive, features);
                        });
            } catch (IOException e) {
                return new TaskResult(index, null, null, e); // closing the writer deletes its rows
            }
            if (w.rows() == 0) {
                return new TaskResult(index, null, g, null);
            }
            List<ExampleFile.Task> table = new ArrayList<>();
            for (int t = 0; t < tasks.size(); t++) {
                table.add(new ExampleFile.Task(tasks.get(t)[0], tasks.get(t)[1], counts.get(t)));
            }
            w.finish("{\"producer\":\"finegrain import-sportvu --spark (one game's shard)\"}",
                    List.of(new ExampleFile.Game(g.gameId(), g.date(), g.home(), g.visitor(),
                            gf.path().getFileName().toString(), Split.TRAIN, 0, (int) w.rows(),
                            (int) g.positives())), table);
            return new TaskResult(index, shard.toString(), g, null);
        }
    }

    /** The driver's side: each game's rows replayed from its shard, in file order. */
    private static final class Merge implements SportvuImport.Session {
        private final Path work;
        private final List<TaskResult> results;
        private final List<Path> stale;
        private final Map<String, Object> spark;

        Merge(Path work, List<TaskResult> results, List<Path> stale, Map<String, Object> spark) {
            this.work = work;
            this.results = results;
            this.stale = stale;
            this.spark = spark;
        }

        @Override
        public SportvuImport.GameImport game(int index, GameFile file, SportvuImport.GameRows rows)
                throws IOException {
            TaskResult r = results.get(index);
            if (r.failure() != null) {
                throw r.failure();
            }
            if (r.shard() == null) {
                return r.game();
            }
            Path shard = Path.of(r.shard());
            ExampleFile f = ExampleFile.open(shard);
            if (f.rows() != r.game().rows()) {
                throw new IllegalStateException(shard + ": " + f.rows() + " rows, the task reported "
                        + r.game().rows());
            }
            int[] players = new int[f.tasks().size()];
            String[] names = new String[players.length];
            for (int t = 0; t < players.length; t++) {
                players[t] = Integer.parseInt(f.tasks().get(t).key());
                names[t] = f.tasks().get(t).name();
            }
            ExampleFile.Row row = new ExampleFile.Row();
            try (ExampleFile.Cursor c = f.cursor(null)) {
                while (c.hasNext()) {
                    c.next(row);
                    rows.row(players[row.task], names[row.task], row.moment, row.gameClock, row.period,
                            row.label == 1, row.features);
                }
            }
            Files.delete(shard);
            return r.game();
        }

        @Override
        public Map<String, Object> report() {
            return Map.of("spark", spark);
        }

        @Override
        public List<Path> staleFilesRemoved() {
            return stale;
        }

        @Override
        public void close() throws IOException {
            deleteShardFolder(work);
        }
    }

    private static Path createShardFolder(Path out) throws IOException {
        Files.createDirectories(out.getParent());
        for (int attempt = 0;; attempt++) {
            Path p = out.resolveSibling(out.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong())
                    + SHARDS_SUFFIX);
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** Deletes the shard folders an interrupted Spark import of {@code out} left behind (only the folders). */
    static List<Path> deleteStaleShards(Path out) throws IOException {
        List<Path> deleted = new ArrayList<>();
        Path dir = out.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return deleted;
        }
        String prefix = out.getFileName().toString() + ".";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(SHARDS_SUFFIX) && n.length() > prefix.length()
                        + SHARDS_SUFFIX.length() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    deleteShardFolder(p);
                    deleted.add(p);
                }
            }
        }
        deleted.sort(null);
        return deleted;
    }

    /**
     * Deletes a shard folder: its shards ({@code N.fgex}) and their writers' partial files, then the folder; a folder
     * that holds anything else (or a subfolder) is left alone and named in the exception.
     */
    static void deleteShardFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && n.matches("\\d+\\.fgex(\\..*\\.partial)?")) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.delete(folder);
    }
}
