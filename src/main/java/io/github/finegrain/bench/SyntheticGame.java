package io.github.finegrain.bench;

import io.github.finegrain.data.sportvu.HandlerRule;
import io.github.finegrain.data.sportvu.Moment;
import io.github.finegrain.data.sportvu.PlayByPlay;
import io.github.finegrain.data.sportvu.Roster;
import io.github.finegrain.data.Court;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.FrameGeometry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZMethodConfiguration;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;

/**
 * A <b>synthetic</b> basketball game in the exact SportVU log schema, with matching play-by-play: for scale and
 * fault tests only, never for modelling. Everything about it says so: teams "Synthetic Home" (SYH) and "Synthetic
 * Visitors" (SYV), players "Synthetic H01"…, dates in 2099, game ids {@code 00999nnnnn}.
 *
 * <p>The simulation is deterministic in its seed: 25 Hz moments (exactly 40 ms apart) over {@code periods} periods
 * of {@code seconds / periods} s of running clock each, 10 minutes apart. Possessions alternate: the ball handler
 * brings the ball up, 0-3 passes follow, then a shot flies to the attacked basket (apex about 15 ft); a made shot is
 * taken by the other team, a miss is rebounded (75 % by the defense). Defenders shadow their man 4 ft toward the
 * basket and 2 ft to the side; the held ball is 0.9 ft behind its handler, dribbled between 1 and 4 ft. The home
 * team attacks one basket in periods 1-2 and the other from period 3 on. The 13th player of each roster never
 * plays (an inactive player). The play-by-play lists the period starts
 * and ends, substitutions, field-goal attempts (at the release, {@code PCTIMESTRING} = whole seconds of the clock)
 * and rebounds; each play has a SportVU event ({@code eventId = EVENTNUM}) holding the moments from the previous play
 * minus {@code eventPaddingSeconds} to this play plus the padding, so consecutive events overlap like the real
 * logs (a full-size game of 2,800 s is about 100 MB of JSON).
 *
 * <p>{@link #truth()} gives what an import at 5 Hz must find (the documented rules applied to the generator's own
 * positions, with the true attack directions and releases). The model is mutable so that tests can inject faults
 * before writing it: {@link SynthMoment#entities}, {@link SynthMoment#count}, {@link #playByPlay()}.
 */
public final class SyntheticGame {
    /** Moment spacing, ms (25 Hz). */
    public static final int STEP_MS = 40;
    private static final double DT = STEP_MS / 1000.0;

    /**
     * Generator settings.
     *
     * @param seed                seed of everything random
     * @param number              game number (1-based): sets the game id {@code 0099900000 + number} and the date
     *                            (2099-01-01 plus number − 1 days)
     * @param seconds             running clock simulated over the whole game, s (a full game: 2,800)
     * @param periods             periods (4; more adds 5-minute overtimes)
     * @param eventPaddingSeconds overlap of each event beyond its neighbouring plays, s
     */
    public record Options(long seed, int number, double seconds, int periods, double eventPaddingSeconds) {
        /** Validates. */
        public Options {
            if (number < 1 || number > 99_999) {
                throw new IllegalArgumentException("game number must be in 1..99999, found " + number);
            }
            if (periods < 1 || periods > 8) {
                throw new IllegalArgumentException("periods must be in 1..8, found " + periods);
            }
            if (!(seconds >= 20 * periods)) {
                throw new IllegalArgumentException("need at least 20 s per period, found " + seconds + " s for "
                        + periods + " periods");
            }
            if (seconds / periods > PlayByPlay.PERIOD_SECONDS || (periods > 4 && seconds / periods > 300)) {
                throw new IllegalArgumentException(seconds + " s over " + periods + " periods does not fit the "
                        + "period lengths (12 min, overtime 5 min)");
            }
            if (!(eventPaddingSeconds >= 0)) {
                throw new IllegalArgumentException("event padding must be >= 0, found " + eventPaddingSeconds);
            }
        }

        /** A full-size game: 2,800 s of clock over 4 periods, about 100 MB of JSON. */
        public static Options fullSize(long seed, int number) {
            return new Options(seed, number, 2800, 4, 8.0);
        }

        /** A small game for tests: {@code seconds} of clock over 4 periods. */
        public static Options small(long seed, int number, double seconds) {
            return new Options(seed, number, seconds, 4, 6.0);
        }
    }

    /**
     * One moment (mutable for fault injection). {@code entities} holds {@code count} entities of 5 numbers each:
     * teamid, playerid, x, y, z (ball first, then the 5 home players, then the 5 visitors). NaN coordinates are
     * written as {@code NaN} (or {@code null}, see {@link #writeJson(OutputStream, boolean)}).
     */
    public static final class SynthMoment {
        /** Period. */
        public int period;
        /** Unix ms. */
        public long timestampMs;
        /** Game clock left, s. */
        public double gameClock;
        /** Shot clock, s. */
        public double shotClock;
        /** Entities × 5 numbers. */
        public double[] entities;
        /** Number of entities written (11 unless a test removes some). */
        public int count = Moment.ENTITIES;
        /** Ground truth of the simulation (not written): the ball is in a shot's flight (released, not yet at the rim). */
        public boolean shotInFlight;
    }

    /**
     * A SportVU event: moments {@code [from, to)} of the timeline.
     *
     * @param eventId the event id (the play's EVENTNUM)
     * @param from    first moment index
     * @param to      one past the last moment index
     */
    public record SynthEvent(String eventId, int from, int to) {
    }

    /**
     * One play-by-play row.
     *
     * @param eventNum     EVENTNUM
     * @param type         EVENTMSGTYPE
     * @param period       PERIOD
     * @param clockSeconds PCTIMESTRING in seconds
     * @param player1      PLAYER1_ID (0 if none)
     * @param team1        PLAYER1_TEAM_ID (0 if none)
     * @param description  text for HOMEDESCRIPTION or VISITORDESCRIPTION
     * @param home         whether the play is the home team's
     */
    public record PbpRow(int eventNum, int type, int period, int clockSeconds, int player1, long team1,
            String description, boolean home) {
    }

    /**
     * What a 5 Hz import of the clean game must find.
     *
     * @param uniqueMoments       moments in the timeline
     * @param momentCopies        moments written over all events (copies included)
     * @param fieldGoalAttempts   shots in the play-by-play
     * @param handlerFrames       sampled moments with a ball handler
     * @param examples            ball-handler frames inside the offensive zone
     * @param positives           examples at most 1 s before (and including) their handler's release
     * @param homeAttacksLeft     per period (index 0 = period 1)
     */
    public record Truth(int uniqueMoments, long momentCopies, int fieldGoalAttempts, int handlerFrames, int examples,
            int positives, List<Boolean> homeAttacksLeft) {
    }

    private final Options options;
    private final String gameId;
    private final String gameDate;
    private final Roster home;
    private final Roster visitor;
    private final List<SynthMoment> moments = new ArrayList<>();
    private final List<SynthEvent> events = new ArrayList<>();
    private final List<PbpRow> pbp = new ArrayList<>();
    private final List<Boolean> homeLeft = new ArrayList<>();
    private final List<long[]> shots = new ArrayList<>(); // {release moment index, shooter id}
    private Truth truth;

    private SyntheticGame(Options o) {
        this.options = o;
        this.gameId = String.format("00999%05d", o.number());
        this.gameDate = LocalDate.of(2099, 1, 1).plusDays(o.number() - 1L).toString();
        this.home = roster(1_099_900_001L, "Synthetic Home", "SYH", 990_100, "H");
        this.visitor = roster(1_099_900_002L, "Synthetic Visitors", "SYV", 990_200, "V");
    }

    private static Roster roster(long teamId, String name, String abbr, int firstId, String tag) {
        java.util.Map<Integer, String> players = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= 13; i++) {
            players.put(firstId + i, String.format("Synthetic %s%02d", tag, i));
        }
        return new Roster(teamId, name, abbr, players);
    }

    /** Simulates a game. */
    public static SyntheticGame generate(Options o) {
        SyntheticGame g = new SyntheticGame(o);
        new Simulation(g, new Random(o.seed() * 1_000_003L + o.number())).run();
        g.truth = g.computeTruth();
        return g;
    }

    /** Settings. */
    public Options options() {
        return options;
    }

    /** {@code gameid}. */
    public String gameId() {
        return gameId;
    }

    /** {@code gamedate}, YYYY-MM-DD. */
    public String gameDate() {
        return gameDate;
    }

    /** The home roster. */
    public Roster home() {
        return home;
    }

    /** The visitors' roster. */
    public Roster visitor() {
        return visitor;
    }

    /** The de-duplicated timeline (mutable, for fault injection). */
    public List<SynthMoment> moments() {
        return moments;
    }

    /** The events (mutable). */
    public List<SynthEvent> events() {
        return events;
    }

    /** The play-by-play rows (mutable). */
    public List<PbpRow> playByPlay() {
        return pbp;
    }

    /** What a clean 5 Hz import must find (computed when generated). */
    public Truth truth() {
        return truth;
    }

    /** The standard archive name, {@code MM.DD.YYYY.SYV.at.SYH.7z}. */
    public String archiveName() {
        LocalDate d = LocalDate.parse(gameDate);
        return String.format("%02d.%02d.%04d.%s.at.%s.7z", d.getMonthValue(), d.getDayOfMonth(), d.getYear(),
                visitor.abbreviation(), home.abbreviation());
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code <gameid>.json} into {@code dir}. */
    public Path writeJson(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(gameId + ".json");
        try (OutputStream out = Files.newOutputStream(p)) {
            writeJson(out, false);
        }
        return p;
    }

    /**
     * Writes the game log as compact JSON (like the public files).
     *
     * @param nullForNaN write NaN coordinates as {@code null} instead of {@code NaN}
     */
    public void writeJson(OutputStream out, boolean nullForNaN) throws IOException {
        Ascii w = new Ascii(new BufferedOutputStream(out, 1 << 16), nullForNaN);
        byte[] rosters = rostersJson();
        w.raw("{\"gameid\":\"").raw(gameId).raw("\",\"gamedate\":\"").raw(gameDate).raw("\",\"events\":[");
        for (int e = 0; e < events.size(); e++) {
            SynthEvent ev = events.get(e);
            if (e > 0) {
                w.ch(',');
            }
            w.raw("{\"eventId\":\"").raw(ev.eventId()).raw("\",").bytes(rosters).raw(",\"moments\":[");
            for (int i = ev.from(); i < ev.to(); i++) {
                if (i > ev.from()) {
                    w.ch(',');
                }
                SynthMoment m = moments.get(i);
                w.ch('[').integer(m.period).ch(',').integer(m.timestampMs).ch(',').fixed(m.gameClock, 2).ch(',')
                        .fixed(m.shotClock, 2).raw(",null,[");
                for (int k = 0; k < m.count; k++) {
                    if (k > 0) {
                        w.ch(',');
                    }
                    int o = k * 5;
                    w.ch('[').integer((long) m.entities[o]).ch(',').integer((long) m.entities[o + 1]).ch(',')
                            .fixed(m.entities[o + 2], 5).ch(',').fixed(m.entities[o + 3], 5).ch(',')
                            .fixed(m.entities[o + 4], 5).ch(']');
                }
                w.raw("]]");
            }
            w.raw("]}");
        }
        w.raw("]}");
        w.flush();
    }

    /**
     * Writes the game into a 7z archive (LZMA, like the public archives) named {@code prefix + archiveName()} in
     * {@code dir}, holding {@code <gameid>.json}.
     *
     * @param fast LZMA preset 1 (fast mode, 1 MiB dictionary: for tests) instead of preset 6 with a 16 MiB
     *             dictionary (7-Zip's normal level, like the public archives; slow to write)
     */
    public Path write7z(Path dir, String prefix, boolean fast) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(prefix + archiveName());
        LZMA2Options lzma;
        try {
            lzma = new LZMA2Options(fast ? 1 : 6);
            if (!fast) {
                lzma.setDictSize(16 << 20);
            }
        } catch (UnsupportedOptionsException e) {
            throw new IllegalStateException(e);
        }
        try (SevenZOutputFile z = new SevenZOutputFile(p.toFile())) {
            z.setContentMethods(List.of(new SevenZMethodConfiguration(SevenZMethod.LZMA, lzma)));
            SevenZArchiveEntry e = new SevenZArchiveEntry();
            e.setName(gameId + ".json");
            z.putArchiveEntry(e);
            writeJson(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    z.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    z.write(b, off, len);
                }
            }, false);
            z.closeArchiveEntry();
        }
        return p;
    }

    /** Writes the play-by-play as {@code <gameid>.csv} into {@code dir} (the stats.nba.com columns). */
    public Path writePlayByPlay(Path dir) throws IOException {
        return writePlayByPlay(dir, gameId);
    }

    /** Writes the play-by-play as {@code <fileGameId>.csv} (a test may write it under another game's name). */
    public Path writePlayByPlay(Path dir, String fileGameId) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(fileGameId + ".csv");
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            w.write("GAME_ID,EVENTNUM,EVENTMSGTYPE,EVENTMSGACTIONTYPE,PERIOD,WCTIMESTRING,PCTIMESTRING,"
                    + "HOMEDESCRIPTION,NEUTRALDESCRIPTION,VISITORDESCRIPTION,SCORE,SCOREMARGIN,PERSON1TYPE,PLAYER1_ID,"
                    + "PLAYER1_NAME,PLAYER1_TEAM_ID,PLAYER1_TEAM_CITY,PLAYER1_TEAM_NICKNAME,PLAYER1_TEAM_ABBREVIATION,"
                    + "PERSON2TYPE,PLAYER2_ID,PLAYER2_NAME,PLAYER2_TEAM_ID,PLAYER2_TEAM_CITY,PLAYER2_TEAM_NICKNAME,"
                    + "PLAYER2_TEAM_ABBREVIATION,PERSON3TYPE,PLAYER3_ID,PLAYER3_NAME,PLAYER3_TEAM_ID,PLAYER3_TEAM_CITY,"
                    + "PLAYER3_TEAM_NICKNAME,PLAYER3_TEAM_ABBREVIATION\n");
            for (PbpRow r : pbp) {
                String name = r.player1() == 0 ? "" : nameOf(r.player1());
                Roster t = r.home() ? home : visitor;
                String desc = r.description().contains(",") ? "\"" + r.description() + "\"" : r.description();
                w.write(gameId + "," + r.eventNum() + "," + r.type() + ",0," + r.period() + ",7:00 PM,"
                        + PlayByPlay.clock(r.clockSeconds()) + "," + (r.home() ? desc : "") + ",,"
                        + (r.home() ? "" : desc) + ",,," + (r.player1() == 0 ? "0" : r.home() ? "4" : "5") + ","
                        + r.player1() + "," + name + "," + (r.team1() == 0 ? "" : r.team1() + ".0") + ","
                        + (r.team1() == 0 ? "" : "Synthetic," + t.name() + "," + t.abbreviation()) + (r.team1() == 0
                        ? ",," : "") + ",0,0,,,,,,0,0,,,,,\n");
            }
        }
        return p;
    }

    private String nameOf(int id) {
        String n = home.players().get(id);
        return n != null ? n : visitor.players().getOrDefault(id, "");
    }

    private byte[] rostersJson() {
        StringBuilder b = new StringBuilder();
        b.append("\"visitor\":");
        rosterJson(b, visitor);
        b.append(",\"home\":");
        rosterJson(b, home);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void rosterJson(StringBuilder b, Roster r) {
        b.append("{\"name\":\"").append(r.name()).append("\",\"teamid\":").append(r.teamId())
                .append(",\"abbreviation\":\"").append(r.abbreviation()).append("\",\"players\":[");
        int i = 0;
        for (java.util.Map.Entry<Integer, String> e : r.players().entrySet()) {
            String[] n = e.getValue().split(" ", 2);
            b.append(i++ > 0 ? "," : "").append("{\"lastname\":\"").append(n[1]).append("\",\"firstname\":\"")
                    .append(n[0]).append("\",\"playerid\":").append(e.getKey()).append(",\"jersey\":\"").append(i)
                    .append("\",\"position\":\"G\"}");
        }
        b.append("]}");
    }

    /** Fast ASCII output with fixed-point numbers (no String.format in the inner loop). */
    private static final class Ascii {
        private final OutputStream out;
        private final boolean nullForNaN;
        private final byte[] buf = new byte[1 << 16];
        private int n;

        Ascii(OutputStream out, boolean nullForNaN) {
            this.out = out;
            this.nullForNaN = nullForNaN;
        }

        Ascii ch(char c) throws IOException {
            if (n == buf.length) {
                drain();
            }
            buf[n++] = (byte) c;
            return this;
        }

        Ascii raw(String s) throws IOException {
            for (int i = 0; i < s.length(); i++) {
                ch(s.charAt(i));
            }
            return this;
        }

        Ascii bytes(byte[] b) throws IOException {
            drain();
            out.write(b);
            return this;
        }

        Ascii integer(long v) throws IOException {
            if (v < 0) {
                ch('-');
                v = -v;
            }
            if (v >= 10) {
                integer(v / 10);
            }
            return ch((char) ('0' + v % 10));
        }

        /** {@code v} with at most {@code decimals} decimals, trailing zeros dropped but one kept ("0.0"). */
        Ascii fixed(double v, int decimals) throws IOException {
            if (Double.isNaN(v)) {
                return raw(nullForNaN ? "null" : "NaN");
            }
            long scale = decimals == 2 ? 100 : 100_000;
            long q = Math.round(Math.abs(v) * scale);
            if (v < 0 && q != 0) {
                ch('-');
            }
            integer(q / scale);
            ch('.');
            long frac = q % scale;
            int digits = decimals;
            while (digits > 1 && frac % 10 == 0) {
                frac /= 10;
                digits--;
            }
            for (long d = pow10(digits - 1); d >= 1; d /= 10) {
                ch((char) ('0' + (frac / d) % 10));
            }
            return this;
        }

        private static long pow10(int k) {
            long p = 1;
            for (int i = 0; i < k; i++) {
                p *= 10;
            }
            return p;
        }

        void drain() throws IOException {
            out.write(buf, 0, n);
            n = 0;
        }

        void flush() throws IOException {
            drain();
            out.flush();
        }
    }

    // ---------------------------------------------------------------- truth

    private Truth computeTruth() {
        double[] px = new double[Moment.PLAYERS];
        double[] py = new double[Moment.PLAYERS];
        double[] dx = new double[Moment.TEAM_SIZE];
        double[] dy = new double[Moment.TEAM_SIZE];
        double[] row = new double[ExampleSet.FEATURES];
        int[] handler = new int[moments.size()];
        for (int i = 0; i < moments.size(); i++) {
            SynthMoment m = moments.get(i);
            for (int j = 0; j < Moment.PLAYERS; j++) {
                px[j] = m.entities[(j + 1) * 5 + 2];
                py[j] = m.entities[(j + 1) * 5 + 3];
            }
            double speed = Double.NaN;
            if (i > 0) {
                SynthMoment q = moments.get(i - 1);
                speed = HandlerRule.speed(q.timestampMs, q.entities[2], q.entities[3], q.entities[4], m.timestampMs,
                        m.entities[2], m.entities[3], m.entities[4]);
            }
            handler[i] = HandlerRule.ballHandler(m.entities[2], m.entities[3], m.entities[4], speed, px, py,
                    Moment.PLAYERS);
        }
        // true releases: the generator's own release moment (the last one before the ball leaves the hand), or,
        // where the rule gives that moment to a nearer player, the shooter's last ball-handler moment before it
        List<long[]> releases = new ArrayList<>(); // {release ts, shooter id}
        for (long[] s : shots) {
            int i = (int) s[0];
            int shooter = (int) s[1];
            int period = moments.get(i).period;
            while (i > 0 && moments.get(i - 1).period == period && handlerId(i, handler) != shooter) {
                i--;
            }
            if (handlerId(i, handler) != shooter) {
                throw new IllegalStateException("synthetic shot at moment " + s[0] + " has no release");
            }
            releases.add(new long[] {moments.get(i).timestampMs, shooter});
        }
        int handlerFrames = 0;
        int examples = 0;
        int positives = 0;
        int periodStart = 0;
        for (int i = 0; i < moments.size(); i++) {
            SynthMoment m = moments.get(i);
            if (i > 0 && moments.get(i - 1).period != m.period) {
                periodStart = i;
            }
            if ((i - periodStart) % 5 != 0 || handler[i] < 0) {
                continue;
            }
            handlerFrames++;
            int h = handler[i];
            boolean isHome = h < Moment.TEAM_SIZE;
            boolean attacksLeft = homeLeft.get(m.period - 1) == isHome;
            int first = isHome ? Moment.TEAM_SIZE : 0;
            for (int k = 0; k < Moment.TEAM_SIZE; k++) {
                dx[k] = m.entities[(first + k + 1) * 5 + 2];
                dy[k] = m.entities[(first + k + 1) * 5 + 3];
            }
            if (!FrameGeometry.encode(m.entities[(h + 1) * 5 + 2], m.entities[(h + 1) * 5 + 3], dx, dy,
                    Moment.TEAM_SIZE, attacksLeft, row, 0)) {
                continue;
            }
            examples++;
            int id = (int) m.entities[(h + 1) * 5 + 1];
            long horizon = Math.round(ExampleBuilder.LABEL_SECONDS * 1000);
            for (long[] r : releases) {
                if (r[1] == id && m.timestampMs <= r[0] && m.timestampMs >= r[0] - horizon) {
                    positives++;
                    break;
                }
            }
        }
        long copies = 0;
        for (SynthEvent e : events) {
            copies += e.to() - e.from();
        }
        return new Truth(moments.size(), copies, shots.size(), handlerFrames, examples, positives,
                Collections.unmodifiableList(new ArrayList<>(homeLeft)));
    }

    private int handlerId(int i, int[] handler) {
        return handler[i] < 0 ? -1 : (int) moments.get(i).entities[(handler[i] + 1) * 5 + 1];
    }

    // ---------------------------------------------------------------- simulation

    /** The possession-by-possession simulation. */
    private static final class Simulation {
        private static final double[][] SPOTS = {{14, 25}, {22, 12}, {22, 38}, {30, 25}, {9, 4}, {9, 46}, {26, 5},
            {26, 45}, {18, 31}, {35, 15}, {35, 35}, {18, 19}};
        private static final double RUN = 15.0;
        private static final double DEFENDER_RUN = 20.0;

        private enum Phase { HOLD, PASS, SHOT, LOOSE }

        private final SyntheticGame g;
        private final Random rnd;
        private final int[][] onCourt = new int[2][5]; // player ids, [0] home, [1] visitors
        private final int[][] bench = new int[2][7]; // the 13th player of each roster never plays (inactive)
        private final double[][] x = new double[2][5];
        private final double[][] y = new double[2][5];
        private final double[][] tx = new double[2][5];
        private final double[][] ty = new double[2][5];
        private final double[][] phase = new double[2][5];
        private int eventNum;
        private int lastEventMoment;

        // ball state
        private Phase ph;
        private int offense; // 0 home, 1 visitors
        private int holder; // index 0-4 in offense
        private int target; // pass receiver
        private double t0;
        private double dur;
        private double sx;
        private double sy;
        private double sz;
        private double ex;
        private double ey;
        private double bx;
        private double by;
        private double bz;
        private double holdUntil;
        private int passesLeft;
        private boolean made;
        private int rebTeam;
        private double possessionStart;
        private boolean homeLeftNow;

        Simulation(SyntheticGame g, Random rnd) {
            this.g = g;
            this.rnd = rnd;
            int i = 0;
            for (int id : g.home.players().keySet()) {
                if (i < 5) {
                    onCourt[0][i] = id;
                } else if (i < 12) {
                    bench[0][i - 5] = id;
                }
                i++;
            }
            i = 0;
            for (int id : g.visitor.players().keySet()) {
                if (i < 5) {
                    onCourt[1][i] = id;
                } else if (i < 12) {
                    bench[1][i - 5] = id;
                }
                i++;
            }
        }

        void run() {
            Options o = g.options;
            long base = LocalDate.parse(g.gameDate).atTime(19, 0).toEpochSecond(ZoneOffset.UTC) * 1000L;
            boolean firstHalfHomeLeft = rnd.nextBoolean();
            double perPeriod = o.seconds() / o.periods();
            int periodMoments = (int) Math.round(perPeriod / DT);
            long ts = base;
            for (int p = 1; p <= o.periods(); p++) {
                homeLeftNow = (p <= 2) == firstHalfHomeLeft;
                g.homeLeft.add(homeLeftNow);
                double startClock = p <= 4 ? PlayByPlay.PERIOD_SECONDS : 300;
                int firstMoment = g.moments.size();
                lastEventMoment = firstMoment;
                play(p, startClock, 12, 0, 0, "Start of period", true);
                substitute(p, startClock, 2);
                placeForJumpBall();
                for (int k = 0; k < periodMoments; k++) {
                    double t = k * DT;
                    double clock = startClock - t;
                    step(p, t, clock);
                    SynthMoment m = new SynthMoment();
                    m.period = p;
                    m.timestampMs = ts + (long) k * STEP_MS;
                    m.gameClock = Math.round(clock * 100) / 100.0;
                    m.shotClock = Math.max(0, Math.round((24 - (t - possessionStart)) * 100) / 100.0);
                    m.entities = snapshot();
                    // the moment of the shot decision is still in the shooter's hand (his release)
                    m.shotInFlight = ph == Phase.SHOT && g.shots.get(g.shots.size() - 1)[0] != g.moments.size();
                    g.moments.add(m);
                }
                double endClock = startClock - (periodMoments - 1) * DT;
                play(p, endClock, 13, 0, 0, "End of period", true);
                closeEvents(g.moments.size());
                ts += (long) periodMoments * STEP_MS + 600_000L;
            }
        }

        private void placeForJumpBall() {
            for (int s = 0; s < 2; s++) {
                for (int j = 0; j < 5; j++) {
                    x[s][j] = 47 + (s == 0 ? -1 : 1) * (3 + 4 * j);
                    y[s][j] = 10 + 7.5 * j;
                    phase[s][j] = rnd.nextDouble() * 6.28;
                }
            }
            offense = rnd.nextInt(2);
            holder = 0;
            x[offense][0] = 47;
            y[offense][0] = 25;
            startPossession(0);
        }

        private void startPossession(double t) {
            possessionStart = t;
            ph = Phase.HOLD;
            passesLeft = 1 + rnd.nextInt(4);
            holdUntil = t + 2.0 + 2.0 * rnd.nextDouble();
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < SPOTS.length; i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, rnd);
            for (int j = 0; j < 5; j++) {
                double[] s = SPOTS[idx.get(j)];
                double[] c = toCourt(s[0] + rnd.nextDouble() * 4 - 2, s[1] + rnd.nextDouble() * 4 - 2, offense);
                tx[offense][j] = c[0];
                ty[offense][j] = c[1];
            }
        }

        /** Court coordinates of a point given in the frame where {@code team} attacks the left basket. */
        private double[] toCourt(double nx, double ny, int team) {
            boolean left = (team == 0) == homeLeftNow;
            return left ? new double[] {nx, ny} : new double[] {Court.LENGTH - nx, Court.WIDTH - ny};
        }

        private double basketX(int team) {
            boolean left = (team == 0) == homeLeftNow;
            return left ? Court.LEFT_BASKET_X : Court.RIGHT_BASKET_X;
        }

        private void step(int period, double t, double clock) {
            int d = 1 - offense;
            double bxk = basketX(offense);
            int chaser = ph == Phase.LOOSE ? nearest(rebTeam, ex, ey) : -1; // the rebounder runs for the ball
            // offense moves to its spots with a wobble
            for (int j = 0; j < 5; j++) {
                if (rebTeam == offense && j == chaser) {
                    continue;
                }
                double wx = tx[offense][j] + 1.5 * Math.sin(0.9 * t + phase[offense][j]);
                double wy = ty[offense][j] + 1.5 * Math.cos(0.7 * t + phase[offense][j]);
                move(offense, j, wx, wy, RUN);
            }
            // defenders shadow their man: 4 ft toward the basket, 2 ft to the side
            for (int j = 0; j < 5; j++) {
                if (rebTeam == d && j == chaser) {
                    continue;
                }
                double ux = bxk - x[offense][j];
                double uy = Court.BASKET_Y - y[offense][j];
                double len = Math.max(1e-6, Math.hypot(ux, uy));
                ux /= len;
                uy /= len;
                move(d, j, x[offense][j] + 4 * ux - 2 * uy, y[offense][j] + 4 * uy + 2 * ux, DEFENDER_RUN);
            }
            switch (ph) {
                case HOLD -> {
                    holdBall(t);
                    double dist = Math.hypot(x[offense][holder] - tx[offense][holder],
                            y[offense][holder] - ty[offense][holder]);
                    if (t >= holdUntil && dist < 3.0) {
                        if (passesLeft > 0) {
                            passesLeft--;
                            do {
                                target = rnd.nextInt(5);
                            } while (target == holder);
                            ph = Phase.PASS;
                            t0 = t;
                            sx = bx;
                            sy = by;
                            dur = Math.max(0.3, Math.hypot(x[offense][target] - bx, y[offense][target] - by) / 40);
                        } else {
                            shoot(period, t, clock);
                        }
                    }
                }
                case PASS -> {
                    double s = Math.min(1, (t - t0) / dur);
                    bx = sx + (x[offense][target] - sx) * s;
                    by = sy + (y[offense][target] - sy) * s;
                    bz = 4 + 2 * Math.sin(Math.PI * s);
                    if (s >= 1) {
                        holder = target;
                        ph = Phase.HOLD;
                        holdUntil = t + 1.5 + 2.0 * rnd.nextDouble();
                        holdBall(t);
                    }
                }
                case SHOT -> {
                    double s = Math.min(1, (t - t0) / dur);
                    bx = sx + (ex - sx) * s;
                    by = sy + (ey - sy) * s;
                    bz = 7 + 3 * s + 32 * s * (1 - s);
                    if (s >= 1) {
                        ph = Phase.LOOSE;
                        t0 = t;
                        sx = bx;
                        sy = by;
                        sz = bz;
                        double away = made ? 0 : 6 + 4 * rnd.nextDouble();
                        double ang = rnd.nextDouble() * Math.PI - Math.PI / 2;
                        double dir = bxk < 47 ? 1 : -1;
                        ex = bx + dir * away * Math.cos(ang);
                        ey = by + away * Math.sin(ang);
                        rebTeam = made ? d : rnd.nextDouble() < 0.75 ? d : offense;
                        dur = 0.9;
                    }
                }
                case LOOSE -> {
                    double s = Math.min(1, (t - t0) / dur);
                    bx = sx + (ex - sx) * s;
                    by = sy + (ey - sy) * s;
                    bz = sz + (3 - sz) * s + 3 * Math.sin(Math.PI * s);
                    // the rebounder goes for the ball
                    int r = chaser;
                    move(rebTeam, r, ex, ey, DEFENDER_RUN);
                    if (s >= 1 && Math.hypot(x[rebTeam][r] - bx, y[rebTeam][r] - by) < 2.0) {
                        if (!made) {
                            play(period, clock, 4, onCourt[rebTeam][r], g.teamId(rebTeam), "Rebound",
                                    rebTeam == 0);
                        }
                        boolean change = rebTeam != offense;
                        offense = rebTeam;
                        holder = r;
                        if (rnd.nextDouble() < 0.08) {
                            substitute(period, clock, 1);
                        }
                        startPossession(t);
                        if (!change) {
                            holdUntil = t + 1.0;
                        }
                        holdBall(t);
                    } else if (s >= 1) {
                        bx = ex;
                        by = ey;
                        bz = 3;
                    }
                }
                default -> throw new IllegalStateException();
            }
            clamp();
        }

        private void holdBall(double t) {
            double bxk = basketX(offense);
            double ux = bxk - x[offense][holder];
            double uy = Court.BASKET_Y - y[offense][holder];
            double len = Math.max(1e-6, Math.hypot(ux, uy));
            bx = x[offense][holder] - 0.9 * ux / len;
            by = y[offense][holder] - 0.9 * uy / len;
            bz = 2.5 + 1.5 * Math.sin(2 * Math.PI * 1.7 * t);
        }

        private void shoot(int period, double t, double clock) {
            ph = Phase.SHOT;
            t0 = t;
            sx = bx;
            sy = by;
            ex = basketX(offense);
            ey = Court.BASKET_Y;
            double dist = Math.hypot(ex - sx, ey - sy);
            dur = 0.8 + dist / 40;
            made = rnd.nextDouble() < 0.45;
            // the generator's release: this moment, the last one before the ball leaves the hand
            g.shots.add(new long[] {g.moments.size(), onCourt[offense][holder]});
            play(period, clock, made ? 1 : 2, onCourt[offense][holder], g.teamId(offense),
                    (made ? "" : "MISS ") + "Synthetic shot", offense == 0);
        }

        private int nearest(int team, double px, double py) {
            int best = 0;
            double bd = Double.MAX_VALUE;
            for (int j = 0; j < 5; j++) {
                double dd = Math.hypot(x[team][j] - px, y[team][j] - py);
                if (dd < bd) {
                    bd = dd;
                    best = j;
                }
            }
            return best;
        }

        private void move(int s, int j, double wx, double wy, double speed) {
            double dx = wx - x[s][j];
            double dy = wy - y[s][j];
            double len = Math.hypot(dx, dy);
            double max = speed * DT;
            if (len > max) {
                dx *= max / len;
                dy *= max / len;
            }
            x[s][j] += dx;
            y[s][j] += dy;
        }

        private void clamp() {
            for (int s = 0; s < 2; s++) {
                for (int j = 0; j < 5; j++) {
                    x[s][j] = Math.min(93.5, Math.max(0.5, x[s][j]));
                    y[s][j] = Math.min(49.5, Math.max(0.5, y[s][j]));
                }
            }
        }

        private double[] snapshot() {
            double[] e = new double[Moment.ENTITIES * 5];
            e[0] = -1;
            e[1] = -1;
            e[2] = bx;
            e[3] = by;
            e[4] = bz;
            for (int s = 0; s < 2; s++) {
                for (int j = 0; j < 5; j++) {
                    int o = (1 + s * 5 + j) * 5;
                    e[o] = g.teamId(s);
                    e[o + 1] = onCourt[s][j];
                    e[o + 2] = x[s][j];
                    e[o + 3] = y[s][j];
                    e[o + 4] = 0;
                }
            }
            return e;
        }

        /** Swaps {@code n} on-court players of each team for bench players (not the ball holder). */
        private void substitute(int period, double clock, int n) {
            for (int s = 0; s < 2; s++) {
                for (int k = 0; k < n; k++) {
                    int j = rnd.nextInt(5);
                    if (s == offense && j == holder && ph != null) {
                        continue;
                    }
                    int b = rnd.nextInt(bench[s].length);
                    int out = onCourt[s][j];
                    onCourt[s][j] = bench[s][b];
                    bench[s][b] = out;
                    play(period, clock, 8, onCourt[s][j], g.teamId(s), "SUB", s == 0);
                }
            }
        }

        /** Adds a play-by-play row at the current moment and the SportVU event that ends with it. */
        private void play(int period, double clock, int type, int player, long team, String desc, boolean isHome) {
            eventNum++;
            int sec = (int) Math.floor(Math.max(0, clock) + 1e-9);
            g.pbp.add(new PbpRow(eventNum, type, period, sec, player, team, desc, isHome));
            pendingEvents.add(new int[] {eventNum, g.moments.size()});
        }

        private final List<int[]> pendingEvents = new ArrayList<>();

        /** Turns the plays of a period into events: [previous play − padding, this play + padding). */
        private void closeEvents(int periodEnd) {
            int pad = (int) Math.round(g.options.eventPaddingSeconds() / DT);
            int prev = lastEventMoment;
            for (int[] pe : pendingEvents) {
                int at = pe[1];
                int from = Math.max(lastEventMoment, prev - pad);
                int to = Math.min(periodEnd, at + pad);
                g.events.add(new SynthEvent(Integer.toString(pe[0]), from, Math.max(from, to)));
                prev = at;
            }
            pendingEvents.clear();
        }
    }

    private long teamId(int side) {
        return side == 0 ? home.teamId() : visitor.teamId();
    }
}
