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
 * place. Games are read one after another on the calling thread, in path order.
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
        try (ExampleFile.Writer w = new ExampleFile.Writer(out)) {
            int done = 0;
            for (GameFile gf : files) {
                try {
                    long mark = w.rows();
                    int taskMark = taskPlayers.size();
                    Tally gameTally = new Tally();
                    long g0 = System.nanoTime();
                    int gameIndex = games.size();
                    Map<Integer, Integer> perTask = new HashMap<>();
                    GameImporter[] holder = new GameImporter[1];
                    try {
                        SportvuReader.Stats stats = gf.read((in, source) -> {
                            GameImporter gi = new GameImporter(source, o.playByPlayDir(), o.rateHz(),
                                    (player, period, clock, moment, positive, features) -> {
                                        Integer t = taskOf.get(player);
                                        if (t == null) {
                                            t = taskPlayers.size();
                                            taskOf.put(player, t);
                                            taskPlayers.add(player);
                                            taskNames.add(holder[0].names().getOrDefault(player, ""));
                                        }
                                        perTask.merge(t, 1, Integer::sum);
                                        w.row(gameIndex, t, moment, clock, period, positive, features);
                                    }, gameTally);
                            holder[0] = gi;
                            SportvuReader.Stats s = SportvuReader.read(in, source, gi, gameTally);
                            gi.finish();
                            return s;
                        });
                        GameImporter gi = holder[0];
                        String other = seen.putIfAbsent(stats.gameId(), gf.path().toString());
                        if (other != null) {
                            throw new DataFormatException(gf.path() + ": game " + stats.gameId() + " was already read from "
                                    + other);
                        }
                        jsonBytes += stats.bytes();
                        double secs = (System.nanoTime() - g0) / 1e9;
                        Map<String, Object> gr = gameReport(gf, stats, gi, secs, gameTally);
                        if (gf.archiveName() != null && !Boolean.TRUE.equals(gr.get("archiveNameMatchesContent"))) {
                            gameTally.add(NOTE_NAME_MISMATCH, gf.path() + ": name says " + gf.archiveName()
                                    + ", content says " + stats.gameDate() + " " + gr.get("visitor") + " at "
                                    + gr.get("home"));
                        }
                        if (stats.momentsKept() == 0) {
                            gameTally.add(SKIP_NO_MOMENTS, gf.path() + " (game " + stats.gameId() + ", " + stats.events()
                                    + " events, " + stats.momentsRead() + " moments)");
                            withoutMoments.add(gr);
                        } else {
                            games.add(new PendingGame(stats.gameId(), stats.gameDate(), gi.home().abbreviation(),
                                    gi.visitor().abbreviation(), gf.path().getFileName().toString(), mark,
                                    (int) (w.rows() - mark), (int) gi.positives(), perTask, gr));
                            positives += gi.positives();
                        }
                        gameReports.add(gr);
                        tally.addAll(gameTally);
                    } catch (DataFormatException e) {
                        if (!o.skipBadGames()) {
                            throw e;
                        }
                        w.truncate(mark);
                        for (int i = taskPlayers.size() - 1; i >= taskMark; i--) {
                            taskOf.remove(taskPlayers.remove(i));
                            taskNames.remove(i);
                        }
                        tally.add(SKIP_BAD_GAME, e.getMessage());
                        Map<String, Object> f = new LinkedHashMap<>();
                        f.put("file", gf.path().toString());
                        f.put("error", e.getMessage());
                        failed.add(f);
                    }
                } finally {
                    done++;
                }
                progress.gameDone(done, files.size(), gf.path()); // only for a file read (or skipped), not one that failed
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
