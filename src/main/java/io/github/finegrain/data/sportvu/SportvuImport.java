package io.github.finegrain.data.sportvu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.PartialFiles;
import io.github.finegrain.data.Split;
import io.github.finegrain.bundle.Versions;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports SportVU game logs and their play-by-play into an {@link ExampleFile}: each game is streamed
 * ({@link SportvuReader}), labelled from its play-by-play ({@link GameImporter}), and its rows appended to the file
 * being written; the games are then assigned to train/val/test by a {@link SplitRule} and the file is moved into
 * place. Games are read one after another on the calling thread, in path order ({@link #LOCAL}); with
 * {@code import-sportvu --spark} they are first imported on Spark executors, one task per game file, by the same
 * {@link #importGame}, and then taken in path order like the local ones ({@link Engine}), so both give the same file.
 *
 * <p><b>Policy for bad input</b>: skip and count where skipping loses nothing the user needs, fail otherwise.
 * Skipped and counted (every reason is listed in the report with its count and first occurrence): incomplete
 * (fewer than 11 entities) and non-finite moments ({@link SportvuReader}; copies of a kept moment are dropped as
 * duplicates, the events may come in any order); play-by-play shots that match no tracking or whose shooter never
 * held the ball; ball-handler frames of an unknown player, outside the zone or of a period whose direction is
 * unknown ({@link GameImporter}); games without any moment ({@value #SKIP_NO_MOMENTS}: the public copy of some games
 * is damaged; there is nothing to import). Kept and noted: moments with an unknown player (id 0 or on no roster;
 * his position is used as a defender's, he never becomes a task), two moments with the same timestamp and
 * different positions, play-by-play shots whose best match is far from their stated clock (with the offset), an
 * archive name that disagrees with its content. Errors
 * (exit code 3 in the CLI, nothing written): an unreadable, truncated or corrupt archive or JSON, a missing
 * play-by-play file, a play-by-play file of another game, the same game twice, an empty input directory. With
 * {@link Options#skipBadGames()} a game that fails is dropped (its rows undone) and listed in the report instead.
 *
 * <p>Task keys are player ids (decimal), with names from the rosters; every <i>known</i> player who handles the
 * ball is kept (id 0 and ids on no roster are unknown: see {@link SportvuReader}).
 *
 * <p>Files: the example file and the report are written to {@code NAME.<random>.partial} files next to them (with
 * the usual permissions, 0666 minus the umask) and moved into place; an import first deletes the
 * {@code NAME.*.partial} files that an interrupted import of the same outputs left behind (listed in the report as
 * {@code staleFilesRemoved} and printed by the CLI).
 */
public final class SportvuImport {
    /** Skip reason: a game log with events but no moment at all. */
    public static final String SKIP_NO_MOMENTS = "gameWithoutMoments";
    /** Skip reason (with skipBadGames): a game that could not be read. */
    public static final String SKIP_BAD_GAME = "gameUnreadable";
    /** Note: an archive's name disagrees with its content's date or teams. */
    public static final String NOTE_NAME_MISMATCH = "archiveNameMismatch";
    /** Version of the report's JSON layout. */
    public static final int REPORT_VERSION = 1;

    /** Reasons that are notes (the data is kept), not skips. */
    static final Set<String> NOTES = Set.of(SportvuReader.NOTE_UNKNOWN_PLAYER, SportvuReader.NOTE_TIMESTAMP_CONFLICT,
            GameImporter.NOTE_SHOOTER_NOT_IN_ROSTER, GameImporter.NOTE_FAR_FROM_CLOCK, NOTE_NAME_MISMATCH);

    /**
     * Import settings.
     *
     * @param playByPlayDir directory of {@code <gameid>.csv} play-by-play files
     * @param rateHz        rate at which ball-handler frames become examples, Hz, in (0, 25] (default 5, like the
     *                      bundled data: consecutive 25 Hz frames are 0.04 s apart and nearly identical, so 5× the
     *                      rows would add training time, not information, and the label horizon of 1.0 s spans
     *                      the same 5-6 frames as in the bundled data; the 25 Hz moments are still all used to find
     *                      ball handlers, flights and releases)
     * @param split         how games are assigned to splits
     * @param skipBadGames  drop (and report) a game that fails instead of failing the import
     */
    public record Options(Path playByPlayDir, double rateHz, SplitRule split, boolean skipBadGames) {
        /** Default rate, Hz. */
        public static final double DEFAULT_RATE_HZ = 5.0;

        /** Validates. */
        public Options {
            if (playByPlayDir == null) {
                throw new IllegalArgumentException("a play-by-play directory is required");
            }
            if (!(rateHz > 0 && rateHz <= 25)) {
                throw new IllegalArgumentException("rate must be in (0, 25] Hz (SportVU records 25 Hz), found "
                        + rateHz);
            }
            if (split == null) {
                throw new IllegalArgumentException("a split rule is required");
            }
        }

        /** Defaults for {@code dir}: 5 Hz, seeded 60/20/20 split, fail on a bad game. */
        public static Options defaults(Path dir) {
            return new Options(dir, DEFAULT_RATE_HZ, SplitRule.Seeded.DEFAULT, false);
        }
    }

    /**
     * The outcome of an import.
     *
     * @param output      the example file written
     * @param rows        examples written
     * @param positives   positive examples
     * @param gamesByRows games in the example file
     * @param tally       every skip and note count
     * @param jsonBytes   bytes of game-log JSON read
     * @param seconds     wall time of the import
     * @param report      the report as written to JSON (maps, lists, numbers, strings)
     */
    public record Result(Path output, long rows, long positives, int gamesByRows, Tally tally, long jsonBytes,
            double seconds, Map<String, Object> report) {
        /** JSON throughput, MB (10^6 bytes) per second. */
        public double megabytesPerSecond() {
            return seconds > 0 ? jsonBytes / 1e6 / seconds : 0;
        }
    }

    private SportvuImport() {
    }

    /**
     * Imports {@code inputs} (game files or directories of them) into {@code out}.
     *
     * @param report where to write the JSON report (null: none)
     * @throws DataFormatException on bad input (see the class policy); nothing is written then
     */
    public static Result run(List<Path> inputs, Path out, Path report, Options o) throws IOException {
        return run(inputs, out, report, o, (done, total, file) -> {
        });
    }

    /** Called after each game file (for progress bars). */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param done  game files finished so far
         * @param total game files to import
         * @param file  the file just finished
         */
        void gameDone(int done, int total, Path file);
    }

    /** {@link #run(List, Path, Path, Options)} reporting progress after each game file. */
    public static Result run(List<Path> inputs, Path out, Path report, Options o, Progress progress)
            throws IOException {
        return run(inputs, out, report, o, progress, LOCAL);
    }

    /**
     * Receives the rows of one game, in the game's row order.
     */
    @FunctionalInterface
    public interface GameRows {
        /**
         * One example.
         *
         * @param player     the ball handler's player id (a known player: see {@link SportvuReader})
         * @param playerName his name from the rosters ("" if none)
         * @param moment     index of the moment in the game's de-duplicated timeline
         * @param gameClock  game clock left in the period, s
         * @param period     period, 1..
         * @param positive   the label
         * @param features   the 12 feature columns, feet (not modified; reused by the caller after the call)
         */
        void row(int player, String playerName, int moment, double gameClock, int period, boolean positive,
                double[] features) throws IOException;
    }

    /**
     * One game file imported by {@link #importGame}: everything the import needs of it besides its rows.
     * Serializable, so that a Spark task can return it to the driver.
     *
     * @param gameId      the JSON's {@code gameid}
     * @param date        game date, YYYY-MM-DD
     * @param home        home team abbreviation ("" if the log names none)
     * @param visitor     visiting team abbreviation ("" if none)
     * @param jsonBytes   bytes of game-log JSON read
     * @param momentsKept distinct moments kept (0: the game has no moment and is listed, not imported)
     * @param rows        examples produced
     * @param positives   positive examples produced
     * @param report      the game's entry of the import report (the import adds its {@code split}; modified then)
     * @param tally       the game's skips and notes
     */
    public record GameImport(String gameId, String date, String home, String visitor, long jsonBytes,
            long momentsKept, long rows, long positives, Map<String, Object> report, Tally tally)
            implements java.io.Serializable {
    }

    /**
     * Imports one game file: streams it ({@link SportvuReader}), labels it from its play-by-play
     * ({@link GameImporter}), hands every example to {@code rows} in order and returns the game's report and tally
     * (with the {@value #NOTE_NAME_MISMATCH} and {@value #SKIP_NO_MOMENTS} entries of the class policy). The only
     * per-game code of both the local import and {@code import-sportvu --spark}, whose executors call it.
     *
     * @param playByPlayDir directory of {@code <gameid>.csv} play-by-play files
     * @param rateHz        example rate, Hz ({@link Options#rateHz()})
     * @throws DataFormatException if the game cannot be read (the message names the file); rows already handed
     *                             to {@code rows} must then be undone by the caller
     */
    public static GameImport importGame(GameFile gf, Path playByPlayDir, double rateHz, GameRows rows)
            throws IOException {
        Tally gameTally = new Tally();
        long g0 = System.nanoTime();
        long[] count = new long[1];
        GameImporter[] holder = new GameImporter[1];
        SportvuReader.Stats stats = gf.read((in, source) -> {
            GameImporter gi = new GameImporter(source, playByPlayDir, rateHz,
                    (player, period, clock, moment, positive, features) -> {
                        count[0]++;
                        rows.row(player, holder[0].names().getOrDefault(player, ""), moment, clock, period,
                                positive, features);
                    }, gameTally);
            holder[0] = gi;
            SportvuReader.Stats s = SportvuReader.read(in, source, gi, gameTally);
            gi.finish();
            return s;
        });
        GameImporter gi = holder[0];
        double secs = (System.nanoTime() - g0) / 1e9;
        Map<String, Object> gr = gameReport(gf, stats, gi, secs, gameTally);
        if (gf.archiveName() != null && !Boolean.TRUE.equals(gr.get("archiveNameMatchesContent"))) {
            gameTally.add(NOTE_NAME_MISMATCH, gf.path() + ": name says " + gf.archiveName()
                    + ", content says " + stats.gameDate() + " " + gr.get("visitor") + " at " + gr.get("home"));
        }
        if (stats.momentsKept() == 0) {
            gameTally.add(SKIP_NO_MOMENTS, gf.path() + " (game " + stats.gameId() + ", " + stats.events()
                    + " events, " + stats.momentsRead() + " moments)");
        }
        return new GameImport(stats.gameId(), stats.gameDate(), (String) gr.get("home"), (String) gr.get("visitor"),
                stats.bytes(), stats.momentsKept(), count[0], gi.positives(), gr, gameTally);
    }

    /**
     * Where an import gets its games from: {@link #LOCAL} imports each one on the calling thread when the import
     * comes to it; {@code import-sportvu --spark} imports them all on Spark executors first and replays each
     * one's rows. Either way the import takes the games in file order and does everything else (task table,
     * duplicate games, the bad-game policy, splits, the file and the report) itself.
     */
    @FunctionalInterface
    public interface Engine {
        /**
         * Starts an import of {@code files} (called once, after the inputs were found and the stale partial files of
         * {@code out} deleted, before any row is written).
         */
        Session start(List<GameFile> files, Path out, Options o) throws IOException;
    }

    /** The games of one import, taken in file order; closed when the import ends, whether it succeeded or not. */
    @FunctionalInterface
    public interface Session extends java.io.Closeable {
        /**
         * Game {@code index} of the files (each index once, ascending): hands its rows to {@code rows} and returns
         * it, as {@link #importGame} does.
         *
         * @throws DataFormatException if the game cannot be read (the same message as {@link #importGame})
         */
        GameImport game(int index, GameFile file, GameRows rows) throws IOException;

        /** Top-level entries to add to the report (e.g. {@code spark}); called after the last game. */
        default Map<String, Object> report() {
            return Map.of();
        }

        /** Leftovers of an interrupted earlier import that {@link Engine#start} deleted (for the report). */
        default List<Path> staleFilesRemoved() {
            return List.of();
        }

        /** Releases what the session holds (e.g. deletes temporary files). */
        @Override
        default void close() throws IOException {
        }
    }

    /** Imports each game on the calling thread with {@link #importGame}. */
    public static final Engine LOCAL = (files, out, o) -> (index, file, rows) -> importGame(file, o.playByPlayDir(),
            o.rateHz(), rows);

    /**
     * {@link #run(List, Path, Path, Options, Progress)} taking the games from {@code engine}: the same rows, task
     * table, splits, file and report (plus the session's own report entries) whichever engine imports the games.
     */
    public static Result run(List<Path> inputs, Path out, Path report, Options o, Progress progress, Engine engine)
            throws IOException {
        long t0 = System.nanoTime();
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no input game files or directories");
        }
        if (!Files.isDirectory(o.playByPlayDir())) {
            throw new java.nio.file.NoSuchFileException(o.playByPlayDir() + " (play-by-play directory)");
        }
        List<GameFile> files = GameFile.find(inputs);
        // an interrupted import (killed: no cleanup ran) leaves NAME.*.rows.partial / NAME.*.partial behind
        List<Path> stale = new ArrayList<>(PartialFiles.deleteStale(out));
        if (report != null) {
            stale.addAll(PartialFiles.deleteStale(report));
        }
        Tally tally = new Tally();
        List<Map<String, Object>> gameReports = new ArrayList<>();
        List<Map<String, Object>> withoutMoments = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        List<PendingGame> games = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        Map<Integer, Integer> taskOf = new HashMap<>();
        List<Integer> taskPlayers = new ArrayList<>();
        List<String> taskNames = new ArrayList<>();
        long jsonBytes = 0;
        long rows;
        long positives = 0;
        Map<String, Object> rep = new LinkedHashMap<>();
        try (Session session = engine.start(files, out, o); ExampleFile.Writer w = new ExampleFile.Writer(out)) {
            stale.addAll(session.staleFilesRemoved());
            for (int i = 0; i < files.size(); i++) {
                GameFile gf = files.get(i);
                long mark = w.rows();
                int taskMark = taskPlayers.size();
                int gameIndex = games.size();
                Map<Integer, Integer> perTask = new HashMap<>();
                try {
                    GameImport g = session.game(i, gf, (player, name, moment, clock, period, positive, features) -> {
                        Integer t = taskOf.get(player);
                        if (t == null) {
                            t = taskPlayers.size();
                            taskOf.put(player, t);
                            taskPlayers.add(player);
                            taskNames.add(name);
                        }
                        perTask.merge(t, 1, Integer::sum);
                        w.row(gameIndex, t, moment, clock, period, positive, features);
                    });
                    String other = seen.putIfAbsent(g.gameId(), gf.path().toString());
                    if (other != null) {
                        throw new DataFormatException(gf.path() + ": game " + g.gameId() + " was already read from "
                                + other);
                    }
                    jsonBytes += g.jsonBytes();
                    Map<String, Object> gr = g.report();
                    if (g.momentsKept() == 0) {
                        withoutMoments.add(gr);
                    } else {
                        games.add(new PendingGame(g.gameId(), g.date(), g.home(), g.visitor(),
                                gf.path().getFileName().toString(), mark, (int) (w.rows() - mark), (int) g.positives(),
                                perTask, gr));
                        positives += g.positives();
                    }
                    gameReports.add(gr);
                    tally.addAll(g.tally());
                } catch (DataFormatException e) {
                    if (!o.skipBadGames()) {
                        throw e;
                    }
                    w.truncate(mark);
                    for (int k = taskPlayers.size() - 1; k >= taskMark; k--) {
                        taskOf.remove(taskPlayers.remove(k));
                        taskNames.remove(k);
                    }
                    tally.add(SKIP_BAD_GAME, e.getMessage());
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("file", gf.path().toString());
                    f.put("error", e.getMessage());
                    failed.add(f);
                }
                progress.gameDone(i + 1, files.size(), gf.path()); // only for a file read (or skipped), not one that failed
            }
            rows = w.rows();
            List<String> ids = games.stream().map(PendingGame::gameId).toList();
            Map<String, Split> splits = o.split().assign(ids);
            List<ExampleFile.Game> table = new ArrayList<>();
            int[][] taskRows = new int[taskPlayers.size()][3];
            Map<String, Map<String, Long>> splitTotals = new LinkedHashMap<>();
            for (Split s : Split.values()) {
                Map<String, Long> st = new LinkedHashMap<>();
                st.put("games", 0L);
                st.put("rows", 0L);
                st.put("positives", 0L);
                splitTotals.put(s.key(), st);
            }
            for (PendingGame g : games) {
                Split s = splits.get(g.gameId());
                table.add(new ExampleFile.Game(g.gameId(), g.date(), g.home(), g.visitor(), g.source(), s,
                        g.firstRow(), g.rows(), g.positives()));
                for (Map.Entry<Integer, Integer> e : g.perTask().entrySet()) {
                    taskRows[e.getKey()][s.ordinal()] += e.getValue();
                }
                g.report().put("split", s.key());
                Map<String, Long> st = splitTotals.get(s.key());
                st.merge("games", 1L, Long::sum);
                st.merge("rows", (long) g.rows(), Long::sum);
                st.merge("positives", (long) g.positives(), Long::sum);
            }
            List<ExampleFile.Task> tasks = new ArrayList<>();
            for (int i = 0; i < taskPlayers.size(); i++) {
                tasks.add(new ExampleFile.Task(Integer.toString(taskPlayers.get(i)), taskNames.get(i), taskRows[i]));
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("rateHz", o.rateHz());
            settings.put("labelSeconds", ExampleBuilder.LABEL_SECONDS);
            settings.put("clockWindowSeconds", GameImporter.CLOCK_WINDOW_S);
            settings.put("split", o.split().describe());
            settings.put("skipBadGames", o.skipBadGames());
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("producer", "finegrain import-sportvu");
            meta.put("finegrainVersion", Versions.finegrain());
            meta.put("settings", settings);
            meta.put("playByPlayDir", o.playByPlayDir().toString());
            meta.put("sources", files.stream().map(f -> f.path().getFileName().toString()).toList());
            String metaJson = new ObjectMapper().writeValueAsString(meta);

            double seconds = (System.nanoTime() - t0) / 1e9;
            rep.put("reportVersion", REPORT_VERSION);
            rep.put("output", out.toString());
            rep.put("settings", settings);
            Map<String, Object> totals = new LinkedHashMap<>();
            totals.put("gameFiles", files.size());
            totals.put("gamesImported", games.size());
            totals.put("gamesWithoutMoments", withoutMoments.size());
            totals.put("gamesFailed", failed.size());
            totals.put("examples", rows);
            totals.put("positives", positives);
            totals.put("tasks", tasks.size());
            totals.put("jsonBytes", jsonBytes);
            totals.put("seconds", seconds);
            totals.put("jsonMegabytesPerSecond", seconds > 0 ? jsonBytes / 1e6 / seconds : 0);
            rep.put("totals", totals);
            rep.put("staleFilesRemoved", stale.stream().map(p -> p.getFileName().toString()).toList());
            rep.put("splits", splitTotals);
            Map<String, Long> skipped = new LinkedHashMap<>();
            Map<String, Long> notes = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : tally.counts().entrySet()) {
                (NOTES.contains(e.getKey()) ? notes : skipped).put(e.getKey(), e.getValue());
            }
            rep.put("skipped", skipped);
            rep.put("notes", notes);
            rep.put("firstOccurrence", tally.firstOccurrence());
            rep.put("games", gameReports);
            rep.put("gamesWithoutMoments", withoutMoments);
            rep.put("gamesFailed", failed);
            rep.putAll(session.report());

            w.finish(metaJson, table, tasks);
        }
        if (report != null) {
            writeJsonAtomically(report, rep);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Result(out, rows, positives, games.size(), tally, jsonBytes, seconds, rep);
    }

    private record PendingGame(String gameId, String date, String home, String visitor, String source, long firstRow,
            int rows, int positives, Map<Integer, Integer> perTask, Map<String, Object> report) {
    }

    private static Map<String, Object> gameReport(GameFile gf, SportvuReader.Stats s, GameImporter gi, double secs,
            Tally gameTally) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("file", gf.path().toString());
        g.put("gameId", s.gameId());
        g.put("date", s.gameDate());
        g.put("home", gi.home() == null ? "" : gi.home().abbreviation());
        g.put("visitor", gi.visitor() == null ? "" : gi.visitor().abbreviation());
        if (gf.archiveName() != null) {
            GameFile.ArchiveName a = gf.archiveName();
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("date", a.date());
            n.put("visitor", a.visitor());
            n.put("home", a.home());
            n.put("prefix", a.prefix());
            g.put("archiveName", n);
            g.put("archiveNameMatchesContent", gi.home() != null && a.date().equals(s.gameDate())
                    && a.home().equalsIgnoreCase(gi.home().abbreviation())
                    && a.visitor().equalsIgnoreCase(gi.visitor().abbreviation()));
        }
        g.put("events", s.events());
        g.put("eventsWithMoments", s.eventsWithMoments());
        g.put("eventsInPlayByPlay", gi.eventsInPlayByPlay());
        g.put("playByPlayRows", gi.playByPlay().rows());
        g.put("momentsRead", s.momentsRead());
        g.put("momentsKept", s.momentsKept());
        g.put("duplicateMoments", s.duplicates());
        g.put("fieldGoalAttempts", gi.fieldGoalAttempts());
        g.put("shotsLabelled", gi.releasesFromFlight() + gi.releasesFromClock());
        g.put("releasesFromFlight", gi.releasesFromFlight());
        g.put("releasesFromClock", gi.releasesFromClock());
        g.put("flightsDetected", gi.flightsSeen());
        g.put("shotsFarFromStatedClock", gi.farFromClockCount());
        g.put("shotsFarFromStatedClockList", gi.farFromClock());
        g.put("ballHandlerFrames", gi.handlerFrames());
        g.put("examples", gi.examples());
        g.put("positives", gi.positives());
        List<Map<String, Object>> periods = new ArrayList<>();
        for (GameImporter.PeriodSummary p : gi.periods()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("period", p.period());
            pm.put("homeAttacks", p.homeAttacksLeft() == null ? "unknown" : p.homeAttacksLeft() ? "left" : "right");
            pm.put("shotVotesForDirection", p.votesForMajority());
            pm.put("shotVotes", p.votes());
            pm.put("fieldGoalAttempts", p.fieldGoalAttempts());
            pm.put("shotsLabelled", p.shotsLabelled());
            periods.add(pm);
        }
        g.put("periods", periods);
        g.put("skipped", new LinkedHashMap<>(gameTally.counts()));
        g.put("jsonBytes", s.bytes());
        g.put("seconds", secs);
        return g;
    }

    /** Writes {@code value} as indented JSON to a temporary file next to {@code file}, then moves it into place. */
    static void writeJsonAtomically(Path file, Object value) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = PartialFiles.create(abs.getParent(), abs.getFileName().toString() + ".", ".partial");
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), value);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
