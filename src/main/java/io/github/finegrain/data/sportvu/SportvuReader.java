package io.github.finegrain.data.sportvu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.github.finegrain.data.DataFormatException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streaming reader of one SportVU game log (the JSON inside each public {@code .7z}), with jackson-core's
 * {@link JsonParser}: memory is bounded whatever the size of the log (a few kilobytes of parser buffers, the rosters
 * and a ring of recent timestamps); nothing is extracted to disk.
 *
 * <p>Schema: {@code {"gameid", "gamedate", "events": [{"eventId", "visitor", "home", "moments": [[period, unix_ms,
 * game_clock_s, shot_clock_s|null, null, [[teamid, playerid, x_ft, y_ft, z_ft] × 11]]]}]}}; {@code gameid} must
 * come before {@code events} (as in every public log). Unknown fields are skipped.
 *
 * <p>Rules, in the order applied to each moment:
 * <ol>
 *   <li><b>Duplicates</b>: consecutive events overlap, so the same moment appears in several events. A moment whose
 *       timestamp is not after the last one read is a duplicate if that timestamp was read among the last
 *       {@value #RECENT} moments (dropped, counted in {@link Stats#duplicates()}), otherwise it is out of order
 *       ({@value #SKIP_OUT_OF_ORDER}: skipped and counted).</li>
 *   <li><b>Entities</b>: exactly 11, the ball first ({@code teamid = playerid = -1}), then 5 players of the event's
 *       home team, then 5 of its visitors (by {@code teamid}); otherwise skipped and counted
 *       ({@value #SKIP_FEWER_ENTITIES}, {@value #SKIP_MORE_ENTITIES}, {@value #SKIP_ENTITY_ORDER}).</li>
 *   <li><b>Coordinates</b>: every x, y, z must be finite; {@code null} or {@code NaN} anywhere skips the moment
 *       ({@value #SKIP_NON_FINITE}); so does a null game clock ({@value #SKIP_NO_CLOCK}) or a period lower than
 *       the one before ({@value #SKIP_PERIOD_DECREASED}).</li>
 *   <li><b>Rosters</b>: a player id that is on neither roster of the event is kept (his id is all a task needs) and
 *       counted once per moment as the note {@value #NOTE_NOT_IN_ROSTER}.</li>
 * </ol>
 * Everything else that does not fit the schema (malformed or truncated JSON, a period that is not an integer, a
 * moment without an entity array) is a {@link DataFormatException} naming the source, the event and the moment.
 */
public final class SportvuReader {
    /** Skip reason: a moment earlier than the one before it that is not a copy of a recent one. */
    public static final String SKIP_OUT_OF_ORDER = "momentOutOfOrder";
    /** Skip reason: fewer than 11 entities. */
    public static final String SKIP_FEWER_ENTITIES = "momentFewerThan11Entities";
    /** Skip reason: more than 11 entities. */
    public static final String SKIP_MORE_ENTITIES = "momentMoreThan11Entities";
    /** Skip reason: not ball, 5 home, 5 visitors in that order. */
    public static final String SKIP_ENTITY_ORDER = "momentEntityOrder";
    /** Skip reason: a null or non-finite coordinate. */
    public static final String SKIP_NON_FINITE = "momentNonFiniteCoordinate";
    /** Skip reason: a null or non-finite game clock. */
    public static final String SKIP_NO_CLOCK = "momentNoGameClock";
    /** Skip reason: the period went down. */
    public static final String SKIP_PERIOD_DECREASED = "momentPeriodDecreased";
    /** Note: a moment holds a player id that is on neither roster of its event (kept). */
    public static final String NOTE_NOT_IN_ROSTER = "momentPlayerNotInRoster";

    /** How many recent timestamps are remembered to recognize duplicates (≈ 11 minutes at 25 Hz). */
    public static final int RECENT = 1 << 14;

    /** Most bytes (whitespace) read after the end of the game's JSON document. */
    public static final int MAX_TRAILING_BYTES = 1 << 16;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    /** Receives what the reader finds, in file order. */
    public interface Listener {
        /** The game's id and date, before any event. */
        void game(String gameId, String gameDate) throws IOException;

        /** An event's rosters, before its moments (the previous event's where the event lists none). */
        void event(String eventId, Roster home, Roster visitor) throws IOException;

        /** A kept moment (see the class rules); {@code m} is reused after the call returns. */
        void moment(Moment m) throws IOException;
    }

    /**
     * What one read found.
     *
     * @param gameId            {@code gameid}
     * @param gameDate          {@code gamedate}
     * @param events            events in the file
     * @param eventsWithMoments events with at least one moment
     * @param momentsRead       moments in the file, copies included
     * @param momentsKept       moments handed to the listener
     * @param duplicates        copies of moments already read (dropped)
     * @param bytes             bytes of JSON read
     */
    public record Stats(String gameId, String gameDate, int events, int eventsWithMoments, long momentsRead,
            long momentsKept, long duplicates, long bytes) {
    }

    private final String source;
    private final Listener listener;
    private final Tally tally;
    private JsonParser p;
    private final Moment m = new Moment();

    // where we are, for messages
    private String eventId = "?";
    private int momentInEvent = -1;

    // game state
    private String gameId;
    private String gameDate;
    private int events;
    private int eventsWithMoments;
    private long momentsRead;
    private long momentsKept;
    private long duplicates;
    private long lastTs = Long.MIN_VALUE;
    private int lastPeriod;
    private final long[] recent = new long[RECENT];
    private int recentStart;
    private int recentCount;
    private Roster home;
    private Roster visitor;
    private int[] rosterIds = new int[0];

    // one moment's raw entities
    private final long[] team = new long[Moment.ENTITIES];
    private final long[] pid = new long[Moment.ENTITIES];
    private final double[] ex = new double[Moment.ENTITIES];
    private final double[] ey = new double[Moment.ENTITIES];
    private final double[] ez = new double[Moment.ENTITIES];

    private SportvuReader(String source, Listener listener, Tally tally) {
        this.source = source;
        this.listener = listener;
        this.tally = tally;
    }

    /**
     * Reads one game log from {@code in} (not closed) and hands its moments to {@code listener}.
     *
     * @param source names the file in messages and in {@code tally}'s first occurrences
     * @param tally  receives the skip and note counts (Modified)
     * @throws DataFormatException if the log does not fit the schema (the message names source, event, moment)
     */
    public static Stats read(InputStream in, String source, Listener listener, Tally tally) throws IOException {
        return new SportvuReader(source, listener, tally).run(in);
    }

    private Stats run(InputStream raw) throws IOException {
        CountingStream in = new CountingStream(raw);
        try (JsonParser parser = JSON.createParser(in)) {
            p = parser;
            parseRoot();
            checkTrailing(parser, in);
        } catch (ListenerFailure e) {
            throw e.cause; // the listener's own failure (e.g. writing the examples), not a problem of the log
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(source + ": " + here() + ": cannot read the game log (" + oneLine(e) + ")");
        }
        return new Stats(gameId, gameDate, events, eventsWithMoments, momentsRead, momentsKept, duplicates,
                in.count);
    }

    private void parseRoot() throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw bad("expected a JSON object at the start, found " + describe(t));
        }
        boolean sawEvents = false;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            switch (name) {
                case "gameid" -> gameId = scalarText(t, "gameid");
                case "gamedate" -> gameDate = scalarText(t, "gamedate");
                case "events" -> {
                    if (gameId == null) {
                        throw bad("expected \"gameid\" before \"events\"");
                    }
                    call(() -> listener.game(gameId, gameDate));
                    if (t != JsonToken.START_ARRAY) {
                        throw bad("expected \"events\" to be an array, found " + describe(t));
                    }
                    sawEvents = true;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t != JsonToken.START_OBJECT) {
                            throw bad("expected an event object, found " + describe(t));
                        }
                        parseEvent();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw bad("expected the end of the game object, found " + describe(t));
        }
        if (!sawEvents) {
            throw bad("no \"events\" array");
        }
    }

    /**
     * Stops at the end of the JSON document: what follows may only be whitespace, and at most
     * {@value #MAX_TRAILING_BYTES} bytes of it (a log with gigabytes of spaces appended is refused at once instead
     * of being read to its end).
     */
    private void checkTrailing(JsonParser parser, InputStream in) throws IOException {
        java.io.ByteArrayOutputStream buffered = new java.io.ByteArrayOutputStream();
        parser.releaseBuffered(buffered);
        byte[] tail = in.readNBytes(MAX_TRAILING_BYTES + 1 - Math.min(MAX_TRAILING_BYTES, buffered.size()));
        int total = buffered.size() + tail.length;
        for (byte[] part : new byte[][] {buffered.toByteArray(), tail}) {
            for (byte b : part) {
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                    throw bad("unexpected content after the end of the game object");
                }
            }
        }
        if (total > MAX_TRAILING_BYTES) {
            throw bad("more than " + MAX_TRAILING_BYTES + " bytes after the end of the game object; stopped reading");
        }
    }

    private void parseEvent() throws IOException {
        eventId = "?";
        momentInEvent = -1;
        Roster h = null;
        Roster v = null;
        boolean announced = false;
        boolean any = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            switch (name) {
                case "eventId" -> eventId = scalarText(t, "eventId");
                case "home" -> h = parseRoster(t, "home");
                case "visitor" -> v = parseRoster(t, "visitor");
                case "moments" -> {
                    announced = announce(h, v);
                    if (t != JsonToken.START_ARRAY) {
                        throw bad("expected \"moments\" to be an array, found " + describe(t));
                    }
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        momentInEvent++;
                        if (t != JsonToken.START_ARRAY) {
                            throw bad("expected a moment array, found " + describe(t));
                        }
                        any = true;
                        parseMoment();
                    }
                    momentInEvent = -1;
                }
                default -> p.skipChildren();
            }
        }
        if (!announced) {
            announce(h, v);
        }
        events++;
        if (any) {
            eventsWithMoments++;
        }
    }

    private boolean announce(Roster h, Roster v) throws IOException {
        if (h != null) {
            home = h;
        }
        if (v != null) {
            visitor = v;
        }
        if (home == null || visitor == null) {
            throw bad("the event has no \"home\" and \"visitor\" rosters, and no earlier event had them");
        }
        int[] ids = new int[home.players().size() + visitor.players().size()];
        int k = 0;
        for (int id : home.players().keySet()) {
            ids[k++] = id;
        }
        for (int id : visitor.players().keySet()) {
            ids[k++] = id;
        }
        Arrays.sort(ids);
        rosterIds = ids;
        call(() -> listener.event(eventId, home, visitor));
        return true;
    }

    private Roster parseRoster(JsonToken t, String which) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw bad("expected \"" + which + "\" to be an object, found " + describe(t));
        }
        long teamId = Long.MIN_VALUE;
        String name = "";
        String abbr = "";
        Map<Integer, String> players = new LinkedHashMap<>();
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            t = p.nextToken();
            switch (f) {
                case "teamid" -> teamId = integer(t, which + ".teamid");
                case "name" -> name = scalarText(t, which + ".name");
                case "abbreviation" -> abbr = scalarText(t, which + ".abbreviation");
                case "players" -> {
                    if (t != JsonToken.START_ARRAY) {
                        throw bad("expected \"" + which + ".players\" to be an array, found " + describe(t));
                    }
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t != JsonToken.START_OBJECT) {
                            throw bad("expected a player object in \"" + which + ".players\", found " + describe(t));
                        }
                        long id = Long.MIN_VALUE;
                        String first = "";
                        String last = "";
                        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                            String pf = p.currentName();
                            t = p.nextToken();
                            switch (pf) {
                                case "playerid" -> id = integer(t, which + ".players.playerid");
                                case "firstname" -> first = scalarText(t, "firstname");
                                case "lastname" -> last = scalarText(t, "lastname");
                                default -> p.skipChildren();
                            }
                        }
                        if (id == Long.MIN_VALUE || id != (int) id) {
                            throw bad("a player of \"" + which + "\" has no valid playerid");
                        }
                        players.put((int) id, (first + " " + last).trim());
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (teamId == Long.MIN_VALUE) {
            throw bad("\"" + which + "\" has no teamid");
        }
        return new Roster(teamId, name, abbr, players);
    }

    /** At the START_ARRAY of a moment. */
    private void parseMoment() throws IOException {
        momentsRead++;
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw bad("expected the period (an integer) as element 0 of the moment, found " + describe(t));
        }
        int period = p.getIntValue();
        t = p.nextToken();
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw bad("expected the timestamp (Unix ms) as element 1 of the moment, found " + describe(t));
        }
        long ts = p.getLongValue();
        if (ts <= lastTs) {
            if (isRecent(ts)) {
                duplicates++;
            } else {
                tally.add(SKIP_OUT_OF_ORDER, source + ": " + here());
            }
            skipRest();
            return;
        }
        lastTs = ts;
        remember(ts);
        double clock = number(p.nextToken(), "the game clock (element 2)");
        double shot = number(p.nextToken(), "the shot clock (element 3)");
        t = p.nextToken();
        if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
            p.skipChildren();
        } else if (t == JsonToken.END_ARRAY) {
            throw bad("the moment ends after 4 elements; expected 6 with the entity array last");
        }
        t = p.nextToken();
        if (t != JsonToken.START_ARRAY) {
            throw bad("expected the entity array as element 5 of the moment, found " + describe(t));
        }
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_ARRAY) {
                throw bad("expected an entity [teamid, playerid, x, y, z], found " + describe(t));
            }
            if (n < Moment.ENTITIES) {
                team[n] = integer(p.nextToken(), "an entity's teamid");
                pid[n] = integer(p.nextToken(), "an entity's playerid");
                ex[n] = number(p.nextToken(), "an entity's x");
                ey[n] = number(p.nextToken(), "an entity's y");
                ez[n] = number(p.nextToken(), "an entity's z");
                skipRest();
            } else {
                p.skipChildren();
            }
            n++;
        }
        skipRest();
        if (n < Moment.ENTITIES) {
            tally.add(SKIP_FEWER_ENTITIES, source + ": " + here() + " (" + n + " entities)");
            return;
        }
        if (n > Moment.ENTITIES) {
            tally.add(SKIP_MORE_ENTITIES, source + ": " + here() + " (" + n + " entities)");
            return;
        }
        if (!ordered()) {
            tally.add(SKIP_ENTITY_ORDER, source + ": " + here());
            return;
        }
        for (int k = 0; k < Moment.ENTITIES; k++) {
            if (!Double.isFinite(ex[k]) || !Double.isFinite(ey[k]) || !Double.isFinite(ez[k])) {
                tally.add(SKIP_NON_FINITE, source + ": " + here() + " (entity " + k + ")");
                return;
            }
        }
        if (!Double.isFinite(clock)) {
            tally.add(SKIP_NO_CLOCK, source + ": " + here());
            return;
        }
        if (period < lastPeriod) {
            tally.add(SKIP_PERIOD_DECREASED, source + ": " + here() + " (period " + period + " after "
                    + lastPeriod + ")");
            return;
        }
        lastPeriod = period;
        boolean unknown = false;
        for (int j = 0; j < Moment.PLAYERS; j++) {
            int id = (int) pid[j + 1];
            m.playerId[j] = id;
            m.x[j] = ex[j + 1];
            m.y[j] = ey[j + 1];
            unknown |= Arrays.binarySearch(rosterIds, id) < 0;
        }
        if (unknown) {
            tally.add(NOTE_NOT_IN_ROSTER, source + ": " + here());
        }
        m.period = period;
        m.timestampMs = ts;
        m.gameClock = clock;
        m.shotClock = shot;
        m.eventId = eventId;
        m.indexInEvent = momentInEvent;
        m.index = (int) momentsKept;
        m.ballX = ex[0];
        m.ballY = ey[0];
        m.ballZ = ez[0];
        momentsKept++;
        call(() -> listener.moment(m));
    }

    @FunctionalInterface
    private interface Call {
        void run() throws IOException;
    }

    /** Runs a listener callback: its DataFormatExceptions pass, its other IOExceptions are kept apart. */
    private static void call(Call c) throws DataFormatException, ListenerFailure {
        try {
            c.run();
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ListenerFailure(e);
        }
    }

    /** Carries a listener's IOException through the parser's exception handling unchanged. */
    private static final class ListenerFailure extends IOException {
        private static final long serialVersionUID = 1L;
        final IOException cause;

        ListenerFailure(IOException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    private boolean ordered() {
        if (team[0] != -1 || pid[0] != -1) {
            return false;
        }
        for (int k = 1; k < Moment.ENTITIES; k++) {
            long want = k <= Moment.TEAM_SIZE ? home.teamId() : visitor.teamId();
            if (team[k] != want || pid[k] != (int) pid[k] || pid[k] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Skips to the END_ARRAY of the array we are inside. */
    private void skipRest() throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw bad("unexpected end of input");
            }
            if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                p.skipChildren();
            }
        }
    }

    private void remember(long ts) {
        int i = (recentStart + recentCount) & (RECENT - 1);
        recent[i] = ts;
        if (recentCount < RECENT) {
            recentCount++;
        } else {
            recentStart = (recentStart + 1) & (RECENT - 1);
        }
    }

    private boolean isRecent(long ts) {
        int lo = 0;
        int hi = recentCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = recent[(recentStart + mid) & (RECENT - 1)];
            if (v < ts) {
                lo = mid + 1;
            } else if (v > ts) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    private double number(JsonToken t, String what) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            return p.getDoubleValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        throw bad("expected a number or null for " + what + ", found " + describe(t));
    }

    private long integer(JsonToken t, String what) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        throw bad("expected an integer for " + what + ", found " + describe(t));
    }

    private String scalarText(JsonToken t, String what) throws IOException {
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return "";
        }
        throw bad("expected a string for " + what + ", found " + describe(t));
    }

    private String describe(JsonToken t) throws IOException {
        if (t == null) {
            return "the end of the input (truncated file?)";
        }
        return switch (t) {
            case VALUE_STRING -> "the string \"" + p.getText() + "\"";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
            default -> t.asString() != null ? "'" + t.asString() + "'" : t.name();
        };
    }

    private String here() {
        String at = p == null ? "" : " (byte " + p.currentTokenLocation().getByteOffset() + ")";
        if (momentInEvent >= 0) {
            return "event " + eventId + ", moment " + momentInEvent + at;
        }
        return (events == 0 && "?".equals(eventId) ? "before the first event" : "event " + eventId) + at;
    }

    private DataFormatException bad(String what) {
        return new DataFormatException(source + ": " + here() + ": " + what);
    }

    private static String oneLine(Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = msg.indexOf('\n');
        return (nl < 0 ? msg : msg.substring(0, nl)).trim();
    }

    /** Counts the bytes the parser pulls. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
