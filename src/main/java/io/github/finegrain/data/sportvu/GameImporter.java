package io.github.finegrain.data.sportvu;

import io.github.finegrain.data.Court;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleBuilder;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.FrameGeometry;
import io.github.finegrain.data.ShotDetector;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the moments of one SportVU game and its play-by-play into labelled examples, period by period, with the
 * example rules of the bundled data ({@link ExampleBuilder}) but <b>true shot labels</b> from the play-by-play.
 *
 * <p>Per moment (25 Hz, every kept moment, in the reader's chronological order):
 * <ul>
 *   <li><b>Ball handler</b>: {@link HandlerRule#ballHandler} (nearest player within 4 ft while the ball is below
 *       10 ft and <b>not in flight</b>: at least {@value HandlerRule#FLIGHT_MIN_HEIGHT_FT} ft high and
 *       {@value HandlerRule#FLIGHT_MIN_SPEED_FT_S} ft/s fast). Consecutive moments with the same handler form a
 *       <i>stretch</i>; its end is a possible release.</li>
 *   <li><b>Unknown players</b> (id 0 or on no roster, {@link Moment#known}): an unknown ball handler holds the ball
 *       for nobody (no stretch, no release, and his sampled frames are skipped: {@value #SKIP_UNKNOWN_HANDLER});
 *       an unknown defender's position is used like any other.</li>
 *   <li><b>Ball flight</b> (the {@link ShotDetector} rule at 25 Hz): the ball leaves its handler (a stretch ends
 *       with nobody holding the ball) and, before anyone holds it again and within
 *       {@value ShotDetector#FLIGHT_SECONDS} s, reaches 10 ft within {@value ShotDetector#RIM_ZONE_FEET} ft of a
 *       basket centre. The release is the last moment of that stretch.</li>
 *   <li><b>Continuity</b>: a gap of more than {@value #MAX_GAP_MS} ms between moments (a hole in the log) ends the
 *       stretch and the flight watch, and restarts the sampling.</li>
 *   <li><b>Sampling</b>: examples are taken at {@code rateHz} (default 5 Hz, like the bundled data): a moment is
 *       sampled when at least {@code 1000/rateHz − 20} ms have passed since the last sampled one (20 ms = half a
 *       25 Hz step of timestamp jitter); at 25 Hz every moment is sampled. A sampled moment with a ball handler is a
 *       <i>ball-handler frame</i>, buffered until the period ends.</li>
 * </ul>
 * At the end of each period:
 * <ol>
 *   <li><b>Shots</b>: each play-by-play field-goal attempt of the period (shooter = {@code PLAYER1_ID}, clock from
 *       {@code PCTIMESTRING}) is matched within ±{@value #CLOCK_WINDOW_S} s of game clock (the play-by-play has
 *       whole seconds and scorers lag): if no moment of the period lies in that window it matches no tracking
 *       ({@value #SKIP_NO_TRACKING}, skipped). Otherwise its release is the nearest unused ball flight of the shooter
 *       in the window (<i>release from flight</i>), else the nearest unused end of a stretch of the shooter in the
 *       window (<i>release from clock</i>), else the shooter never held the ball there
 *       ({@value #SKIP_NEVER_HANDLED}, skipped). A shot with tracking around its clock whose <i>best match</i> (the
 *       shooter's nearest flight in the period, else the nearest end of one of his stretches) is more than
 *       {@value #CLOCK_WINDOW_S} s from its stated clock is reported with the offset (the note {@value #NOTE_FAR_FROM_CLOCK}, and per game in
 *       {@link #farFromClock()}); it is still labelled by the rules above, or skipped.</li>
 *   <li><b>Attack direction</b> (per team and period; the teams attack opposite baskets): each matched shot votes for
 *       its team attacking the basket its flight went to, or, for a release from clock, the basket nearer the
 *       shooter at the release. The majority decides; a tie (or no shot) leaves the direction unknown and the
 *       period's frames are skipped ({@value ExampleBuilder#SKIP_DIRECTION}).</li>
 *   <li><b>Labels</b>: 1 for the shooter's ball-handler frames at most {@value ExampleBuilder#LABEL_SECONDS} s
 *       before (and including) a release; 0 for every other ball-handler frame.</li>
 *   <li><b>Encoding</b>: {@link FrameGeometry#encode} with the handler's team's direction; frames outside the
 *       offensive zone are skipped ({@value ExampleBuilder#SKIP_OUTSIDE_ZONE}).</li>
 * </ol>
 * Memory: one period's ball-handler frames, stretches and flights (about 1 MB for a 12-minute period at 5 Hz),
 * capped at {@value #MAX_PERIOD_ITEMS} of each.
 */
final class GameImporter implements SportvuReader.Listener {
    /** Gap between moments that breaks continuity, ms. */
    static final long MAX_GAP_MS = 1000;
    /** Half-width of the game-clock window that matches a play-by-play shot to tracking, seconds. */
    static final double CLOCK_WINDOW_S = 3.0;
    /** Most frames, stretches or flights buffered for one period. */
    static final int MAX_PERIOD_ITEMS = 1 << 20;
    /** Timestamp jitter tolerated by the sampler, ms. */
    static final long JITTER_MS = 20;
    /** Most shots far from their clock listed per game (all are counted). */
    static final int MAX_FAR_LISTED = 100;
    /** Handler value of a moment whose ball is held by an unknown player. */
    private static final int UNKNOWN = -2;

    /** Skip reason: a play-by-play field-goal attempt with no tracking around its clock. */
    static final String SKIP_NO_TRACKING = "shotNoTracking";
    /** Skip reason: a shot whose shooter never held the ball in tracking around its clock. */
    static final String SKIP_NEVER_HANDLED = "shotShooterNeverHandledBall";
    /** Note: a play-by-play shooter on neither roster. */
    static final String NOTE_SHOOTER_NOT_IN_ROSTER = "shotShooterNotInRoster";
    /** Note: a play-by-play shot whose best match in the tracking is far from its stated clock. */
    static final String NOTE_FAR_FROM_CLOCK = "shotFarFromStatedClock";
    /** Skip reason: a sampled frame whose ball handler is an unknown player (id 0 or on no roster). */
    static final String SKIP_UNKNOWN_HANDLER = "frameUnknownBallHandler";

    /** Receives the examples of a game. */
    interface Sink {
        /**
         * One example.
         *
         * @param playerId  the ball handler
         * @param period    period
         * @param gameClock game clock left, seconds
         * @param moment    index of the moment in the game's de-duplicated timeline
         * @param positive  label
         * @param features  the 12 feature columns (reused after the call)
         */
        void example(int playerId, int period, double gameClock, int moment, boolean positive, double[] features)
                throws IOException;
    }

    /** What the game's periods looked like: direction and its votes. */
    record PeriodSummary(int period, Boolean homeAttacksLeft, int votesForMajority, int votes, int fieldGoalAttempts,
            int shotsLabelled) {
    }

    private final String source;
    private final Path pbpDir;
    private final long sampleMs;
    private final Sink sink;
    private final Tally tally;

    private String gameId;
    private String gameDate;
    private PlayByPlay pbp;
    private Roster home;
    private Roster visitor;
    private String firstEvent;
    private final Map<Integer, String> names = new LinkedHashMap<>();
    private final Map<Integer, Boolean> isHome = new LinkedHashMap<>();
    private final Set<Integer> flushed = new HashSet<>();
    private final List<PeriodSummary> periods = new ArrayList<>();

    // running state
    private int period;
    private long prevTs = Long.MIN_VALUE;
    private long lastSampleTs;
    private boolean sampleReset = true;
    private int curHandler = -1; // player id, -1 = nobody
    private boolean curHome;
    private long stretchEndTs;
    private double stretchEndClock;
    private double stretchEndX;
    private boolean watching;
    private int watchShooter;
    private boolean watchHome;
    private long watchReleaseTs;
    private double watchReleaseClock;
    private double watchReleaseX;
    private final boolean[] covered = new boolean[PlayByPlay.PERIOD_SECONDS + 2];

    // per-period buffers
    private final FrameBuffer frames = new FrameBuffer();
    private final List<Release> stretches = new ArrayList<>();
    private final List<Release> flights = new ArrayList<>();

    // counts
    private long handlerFrames;
    private long examples;
    private long positives;
    private int attempts;
    private int fromFlight;
    private int fromClock;
    private long flightsSeen;
    private int eventsInPlayByPlay;

    private double prevBallX;
    private double prevBallY;
    private double prevBallZ;
    private long prevBallTs = Long.MIN_VALUE;
    private int farCount;
    private final List<Map<String, Object>> far = new ArrayList<>();

    private final double[] defX = new double[Moment.TEAM_SIZE];
    private final double[] defY = new double[Moment.TEAM_SIZE];
    private final double[] row = new double[ExampleSet.FEATURES];

    /**
     * A possible release: the end of a ball-handling stretch, or one followed by a flight to a basket.
     *
     * @param player     the handler
     * @param home       whether he plays for the home team
     * @param ts         release timestamp, ms
     * @param clock      game clock at the release, s
     * @param x          his x at the release, ft
     * @param leftBasket for a flight, whether it went to the left basket
     */
    record Release(int player, boolean home, long ts, double clock, double x, boolean leftBasket) {
    }

    /**
     * @param source names the game file in messages
     * @param pbpDir directory of {@code <gameid>.csv} play-by-play files
     * @param rateHz sampling rate of examples, Hz, in (0, 25]
     * @param sink   receives the examples
     * @param tally  receives skip and note counts (Modified)
     */
    GameImporter(String source, Path pbpDir, double rateHz, Sink sink, Tally tally) {
        this.source = source;
        this.pbpDir = pbpDir;
        this.sampleMs = Math.round(1000.0 / rateHz);
        this.sink = sink;
        this.tally = tally;
    }

    @Override
    public void game(String id, String date) throws IOException {
        gameId = id;
        gameDate = date;
        Path file = pbpDir.resolve(id + ".csv");
        try {
            pbp = PlayByPlay.read(file, id);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(source + ": no play-by-play file " + file + " for game " + id
                    + " (every game needs its play-by-play for the shot labels)");
        }
        attempts = pbp.attempts().size();
    }

    @Override
    public void event(String eventId, Roster h, Roster v) throws DataFormatException {
        try {
            if (pbp != null && pbp.eventNums().contains(Integer.parseInt(eventId.trim()))) {
                eventsInPlayByPlay++;
            }
        } catch (NumberFormatException e) {
            // an eventId that is not a number joins no play
        }
        if (home == null) {
            home = h;
            visitor = v;
            firstEvent = eventId;
        } else if (h.teamId() != home.teamId() || v.teamId() != visitor.teamId()) {
            throw new DataFormatException(source + ": event " + eventId + ": home/visitor teams " + h.teamId() + "/"
                    + v.teamId() + ", but event " + firstEvent + " had " + home.teamId() + "/" + visitor.teamId());
        }
        for (Map.Entry<Integer, String> e : h.players().entrySet()) {
            names.putIfAbsent(e.getKey(), e.getValue());
            isHome.putIfAbsent(e.getKey(), true);
        }
        for (Map.Entry<Integer, String> e : v.players().entrySet()) {
            names.putIfAbsent(e.getKey(), e.getValue());
            isHome.putIfAbsent(e.getKey(), false);
        }
    }

    @Override
    public void moment(Moment m) throws IOException {
        if (m.period != period) {
            if (period != 0) {
                flush();
            }
            period = m.period;
            breakContinuity();
            Arrays.fill(covered, false);
        } else if (m.timestampMs - prevTs > MAX_GAP_MS) {
            breakContinuity();
        }
        prevTs = m.timestampMs;
        int sec = (int) Math.floor(m.gameClock);
        if (sec >= 0 && sec < covered.length) {
            covered[sec] = true;
        }
        double speed = prevBallTs == Long.MIN_VALUE ? Double.NaN : HandlerRule.speed(prevBallTs, prevBallX, prevBallY,
                prevBallZ, m.timestampMs, m.ballX, m.ballY, m.ballZ);
        prevBallTs = m.timestampMs;
        prevBallX = m.ballX;
        prevBallY = m.ballY;
        prevBallZ = m.ballZ;
        int h = HandlerRule.ballHandler(m.ballX, m.ballY, m.ballZ, speed, m.x, m.y, Moment.PLAYERS);
        int hid = h < 0 ? -1 : m.known[h] ? m.playerId[h] : UNKNOWN;
        if (watching && (hid != -1 || m.timestampMs - watchReleaseTs > ShotDetector.FLIGHT_SECONDS * 1000)) {
            watching = false;
        }
        if (hid != curHandler) {
            if (curHandler >= 0) {
                add(stretches, new Release(curHandler, curHome, stretchEndTs, stretchEndClock, stretchEndX, false));
                if (hid == -1) {
                    watching = true;
                    watchShooter = curHandler;
                    watchHome = curHome;
                    watchReleaseTs = stretchEndTs;
                    watchReleaseClock = stretchEndClock;
                    watchReleaseX = stretchEndX;
                }
            }
            curHandler = hid;
            curHome = h >= 0 && Moment.isHome(h);
        }
        if (hid >= 0) {
            stretchEndTs = m.timestampMs;
            stretchEndClock = m.gameClock;
            stretchEndX = m.x[h];
        }
        if (watching && m.ballZ >= Court.RIM_HEIGHT) {
            boolean left = Court.distanceToBasket(m.ballX, m.ballY, true) <= ShotDetector.RIM_ZONE_FEET;
            boolean right = Court.distanceToBasket(m.ballX, m.ballY, false) <= ShotDetector.RIM_ZONE_FEET;
            if (left || right) {
                add(flights, new Release(watchShooter, watchHome, watchReleaseTs, watchReleaseClock, watchReleaseX,
                        left));
                flightsSeen++;
                watching = false;
            }
        }
        if (sampleReset || m.timestampMs - lastSampleTs >= sampleMs - JITTER_MS) {
            sampleReset = false;
            lastSampleTs = m.timestampMs;
            if (hid == UNKNOWN) {
                tally.add(SKIP_UNKNOWN_HANDLER, source + ": " + m.where() + " (player id " + m.playerId[h] + ")");
            } else if (h >= 0) {
                handlerFrames++;
                if (frames.size() >= MAX_PERIOD_ITEMS) {
                    throw new DataFormatException(source + ": " + m.where() + ": period " + period + " has more than "
                            + MAX_PERIOD_ITEMS + " ball-handler frames; not a game log");
                }
                int first = Moment.isHome(h) ? Moment.TEAM_SIZE : 0;
                frames.add(m, h, first);
            }
        }
    }

    /** Ends the game: the last period, and the shots of periods the tracking never reached. */
    void finish() throws IOException {
        if (period != 0) {
            flush();
        }
        if (pbp != null && period != 0) { // a game without moments is skipped as a whole, not shot by shot
            for (PlayByPlay.FieldGoalAttempt a : pbp.attempts()) {
                if (!flushed.contains(a.period())) {
                    tally.add(SKIP_NO_TRACKING, source + ": play-by-play " + a.where());
                }
            }
        }
    }

    private void breakContinuity() throws DataFormatException {
        if (curHandler >= 0) {
            add(stretches, new Release(curHandler, curHome, stretchEndTs, stretchEndClock, stretchEndX, false));
        }
        curHandler = -1;
        watching = false;
        sampleReset = true;
    }

    private void add(List<Release> list, Release r) throws DataFormatException {
        if (list.size() >= MAX_PERIOD_ITEMS) {
            throw new DataFormatException(source + ": period " + period + " has more than " + MAX_PERIOD_ITEMS
                    + " ball-handling stretches; not a game log");
        }
        list.add(r);
    }

    private void flush() throws IOException {
        if (curHandler >= 0) {
            add(stretches, new Release(curHandler, curHome, stretchEndTs, stretchEndClock, stretchEndX, false));
            curHandler = -1;
        }
        watching = false;
        flushed.add(period);
        Set<Long> used = new HashSet<>();
        List<Release> shots = new ArrayList<>();
        int periodAttempts = 0;
        int vote = 0;
        int votes = 0;
        for (PlayByPlay.FieldGoalAttempt a : pbp.attempts()) {
            if (a.period() != period) {
                continue;
            }
            periodAttempts++;
            if (!names.containsKey(a.shooterId())) {
                tally.add(NOTE_SHOOTER_NOT_IN_ROSTER, source + ": play-by-play " + a.where());
            }
            if (!covered(a.clockSeconds())) {
                tally.add(SKIP_NO_TRACKING, source + ": play-by-play " + a.where());
                continue;
            }
            reportFar(a);
            Release r = nearest(flights, a, used);
            boolean flight = r != null;
            if (r == null) {
                r = nearest(stretches, a, used);
            }
            if (r == null) {
                tally.add(SKIP_NEVER_HANDLED, source + ": play-by-play " + a.where());
                continue;
            }
            used.add(r.ts());
            shots.add(r);
            boolean left = flight ? r.leftBasket() : r.x() < Court.LENGTH / 2;
            vote += r.home() == left ? 1 : -1;
            votes++;
            if (flight) {
                fromFlight++;
            } else {
                fromClock++;
            }
        }
        Boolean homeLeft = vote == 0 ? null : vote > 0;
        periods.add(new PeriodSummary(period, homeLeft, (votes + Math.abs(vote)) / 2, votes, periodAttempts,
                shots.size()));
        int n = frames.size();
        boolean[] positive = new boolean[n];
        long horizon = Math.round(ExampleBuilder.LABEL_SECONDS * 1000);
        for (Release s : shots) {
            for (int i = frames.firstAtOrAfter(s.ts() - horizon); i < n && frames.ts[i] <= s.ts(); i++) {
                if (frames.player[i] == s.player()) {
                    positive[i] = true;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (homeLeft == null) {
                tally.add(ExampleBuilder.SKIP_DIRECTION, 1, this::periodWhere);
                continue;
            }
            boolean attacksLeft = frames.home[i] == homeLeft;
            for (int k = 0; k < Moment.TEAM_SIZE; k++) {
                defX[k] = frames.raw[i * 12 + 2 + 2 * k];
                defY[k] = frames.raw[i * 12 + 3 + 2 * k];
            }
            if (!FrameGeometry.encode(frames.raw[i * 12], frames.raw[i * 12 + 1], defX, defY, Moment.TEAM_SIZE,
                    attacksLeft, row, 0)) {
                tally.add(ExampleBuilder.SKIP_OUTSIDE_ZONE, 1, this::periodWhere);
                continue;
            }
            examples++;
            if (positive[i]) {
                positives++;
            }
            sink.example(frames.player[i], period, frames.clock[i], frames.moment[i], positive[i], row);
        }
        frames.clear();
        stretches.clear();
        flights.clear();
    }

    /** Reports {@code a} when its best match is far from its stated clock (see the class rules). */
    private void reportFar(PlayByPlay.FieldGoalAttempt a) {
        Release best = null;
        boolean flight = true;
        for (List<Release> list : List.of(flights, stretches)) {
            for (Release r : list) {
                if (r.player() == a.shooterId() && (best == null
                        || Math.abs(r.clock() - a.clockSeconds()) < Math.abs(best.clock() - a.clockSeconds()))) {
                    best = r;
                }
            }
            if (best != null) {
                break;
            }
            flight = false;
        }
        if (best == null) {
            return;
        }
        double offset = best.clock() - a.clockSeconds();
        if (Math.abs(offset) <= CLOCK_WINDOW_S) {
            return;
        }
        farCount++;
        String what = flight ? "flight" : "end of a ball-handling stretch";
        tally.add(NOTE_FAR_FROM_CLOCK, source + ": play-by-play " + a.where() + ": the shooter's best match (" + what
                + ") is at clock " + String.format(java.util.Locale.ROOT, "%.2f", best.clock()) + " s, offset "
                + String.format(java.util.Locale.ROOT, "%+.1f", offset) + " s");
        if (far.size() < MAX_FAR_LISTED) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("eventNum", a.eventNum());
            f.put("line", a.line());
            f.put("period", a.period());
            f.put("statedClockSeconds", a.clockSeconds());
            f.put("shooter", a.shooterId());
            f.put("bestMatch", flight ? "flight" : "stretchEnd");
            f.put("bestMatchClockSeconds", best.clock());
            f.put("offsetSeconds", offset);
            far.add(f);
        }
    }

    private String periodWhere() {
        return source + ": period " + period;
    }

    private boolean covered(int clock) {
        int lo = (int) Math.max(0, Math.floor(clock - CLOCK_WINDOW_S));
        int hi = (int) Math.min(covered.length - 1, Math.floor(clock + CLOCK_WINDOW_S));
        for (int s = lo; s <= hi; s++) {
            if (covered[s]) {
                return true;
            }
        }
        return false;
    }

    private static Release nearest(List<Release> list, PlayByPlay.FieldGoalAttempt a, Set<Long> used) {
        Release best = null;
        double bestD = CLOCK_WINDOW_S;
        for (Release r : list) {
            if (r.player() != a.shooterId() || used.contains(r.ts())) {
                continue;
            }
            double d = Math.abs(r.clock() - a.clockSeconds());
            if (d <= bestD) {
                if (best == null || d < bestD) {
                    best = r;
                    bestD = d;
                }
            }
        }
        return best;
    }

    // ---- results ----

    String gameId() {
        return gameId;
    }

    String gameDate() {
        return gameDate;
    }

    Roster home() {
        return home;
    }

    Roster visitor() {
        return visitor;
    }

    PlayByPlay playByPlay() {
        return pbp;
    }

    /** Player id → name from the rosters (unmodifiable view). */
    Map<Integer, String> names() {
        return java.util.Collections.unmodifiableMap(names);
    }

    List<PeriodSummary> periods() {
        return List.copyOf(periods);
    }

    long handlerFrames() {
        return handlerFrames;
    }

    long examples() {
        return examples;
    }

    long positives() {
        return positives;
    }

    int fieldGoalAttempts() {
        return attempts;
    }

    int releasesFromFlight() {
        return fromFlight;
    }

    int releasesFromClock() {
        return fromClock;
    }

    /** Play-by-play shots whose best match was far from their stated clock. */
    int farFromClockCount() {
        return farCount;
    }

    /** The first {@value #MAX_FAR_LISTED} of them: event number, line, period, clocks, shooter, offset (s). */
    List<Map<String, Object>> farFromClock() {
        return java.util.Collections.unmodifiableList(far);
    }

    long flightsSeen() {
        return flightsSeen;
    }

    /** Events whose {@code eventId} is an {@code EVENTNUM} of the play-by-play. */
    int eventsInPlayByPlay() {
        return eventsInPlayByPlay;
    }

    /** One period's buffered ball-handler frames, columnar, in time order. */
    static final class FrameBuffer {
        long[] ts = new long[1024];
        double[] clock = new double[1024];
        int[] moment = new int[1024];
        int[] player = new int[1024];
        boolean[] home = new boolean[1024];
        /** Per frame: handler x, y, then the 5 opponents' x, y, as recorded (feet). */
        double[] raw = new double[1024 * 12];
        private int size;

        int size() {
            return size;
        }

        void add(Moment m, int h, int firstOpponent) {
            if (size == ts.length) {
                int c = size * 2;
                ts = Arrays.copyOf(ts, c);
                clock = Arrays.copyOf(clock, c);
                moment = Arrays.copyOf(moment, c);
                player = Arrays.copyOf(player, c);
                home = Arrays.copyOf(home, c);
                raw = Arrays.copyOf(raw, c * 12);
            }
            ts[size] = m.timestampMs;
            clock[size] = m.gameClock;
            moment[size] = m.index;
            player[size] = m.playerId[h];
            home[size] = Moment.isHome(h);
            int o = size * 12;
            raw[o] = m.x[h];
            raw[o + 1] = m.y[h];
            for (int k = 0; k < Moment.TEAM_SIZE; k++) {
                raw[o + 2 + 2 * k] = m.x[firstOpponent + k];
                raw[o + 3 + 2 * k] = m.y[firstOpponent + k];
            }
            size++;
        }

        /** Index of the first frame with timestamp ≥ t (size if none). */
        int firstAtOrAfter(long t) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (ts[mid] < t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        void clear() {
            size = 0;
        }
    }
}
