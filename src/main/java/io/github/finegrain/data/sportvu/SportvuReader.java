package io.github.finegrain.data.sportvu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.github.finegrain.data.CountingInputStream;
import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streaming reader of one SportVU game log (the JSON inside each public {@code .7z}), with jackson-core's
 * {@link JsonParser}; nothing is extracted to disk. The log is parsed in one pass, its distinct moments are kept
 * (about 280 bytes each, {@link MomentStore}: 20-40 MB for a 48-minute game, whatever the number of copies; at
 * most {@value #MAX_MOMENTS}) and handed to the listener <b>in chronological order</b> once the file is read, so that
 * the result does not depend on the order of the events in the file (real logs are not guaranteed sorted).
 *
 * <p>Schema: {@code {"gameid", "gamedate", "events": [{"eventId", "visitor", "home", "moments": [[period, unix_ms,
 * game_clock_s, shot_clock_s|null, null, [[teamid, playerid, x_ft, y_ft, z_ft] × 11]]]}]}}; {@code gameid} must
 * come before {@code events} (as in every public log). Unknown fields are skipped.
 *
 * <p>Rules, in the order applied to each copy of a moment read:
 * <ol>
 *   <li><b>Entities</b>: exactly 11, the ball first ({@code teamid = playerid = -1}), then 5 players of the event's
 *       home team, then 5 of its visitors (by {@code teamid}); otherwise rejected
 *       ({@value #SKIP_FEWER_ENTITIES}, {@value #SKIP_MORE_ENTITIES}, {@value #SKIP_ENTITY_ORDER}).</li>
 *   <li><b>Coordinates</b>: every x, y, z must be finite; {@code null} or {@code NaN} anywhere rejects the copy
 *       ({@value #SKIP_NON_FINITE}); so does a null game clock ({@value #SKIP_NO_CLOCK}).</li>
 *   <li><b>Copies</b>: consecutive events overlap, so the same moment appears in several events; copies are
 *       recognized by the wall-clock timestamp. A copy with the timestamp and the positions (ball, player ids and
 *       positions) of a moment already kept is dropped and counted in {@link Stats#duplicates()}; one with the same
 *       timestamp and <b>different</b> positions is kept too and reported (the note {@value #NOTE_TIMESTAMP_CONFLICT},
 *       with the timestamp). A rejected copy of a timestamp that some valid copy has is a duplicate too; a
 *       timestamp with no valid copy at all is skipped once with the reason of its first copy in the file.
 *       Hence momentsRead = momentsKept + duplicates + skipped moments: nothing is lost silently.</li>
 *   <li><b>Order</b>: the kept moments are handed on ordered by period, then timestamp, then game clock
 *       descending (only a tie-break: the game clock stops at dead balls while moments go on), then file order.</li>
 *   <li><b>Unknown players</b>: player id 0 (a placeholder in real logs) and an id on no roster of any event of the
 *       game are <i>unknown</i>: the moment is kept and counted once as the note {@value #NOTE_UNKNOWN_PLAYER}; what
 *       an unknown player may do is the {@link GameImporter}'s rule (he never becomes a task).</li>
 * </ol>
 * Everything else that does not fit the schema (malformed or truncated JSON, a period that is not an integer, a
 * moment without an entity array) is a {@link DataFormatException} naming the source, the event and the moment.
 */
public final class SportvuReader {
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
    /** Note: a moment holds player id 0 or an id on no roster of the game (an unknown player). */
    public static final String NOTE_UNKNOWN_PLAYER = "momentUnknownPlayer";
    /** Note: two moments with the same timestamp and different positions (both kept). */
    public static final String NOTE_TIMESTAMP_CONFLICT = "momentTimestampConflict";

    /** Most distinct moments (and most rejected copies) of one game log: 5.8 hours at 25 Hz (a game has ~70,000). */
    public static final int MAX_MOMENTS = 1 << 19;

    /** Most bytes (whitespace) read after the end of the game's JSON document. */
    public static final int MAX_TRAILING_BYTES = 1 << 16;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** Receives what the reader finds, in file order. */
    public interface Listener {
        /** The game's id and date, before any event. */
        void game(String gameId, String gameDate) throws IOException;

        /** An event's rosters, before its moments (the previous event's where the event lists none). */
        void event(String eventId, Roster home, Roster visitor) throws IOException;

        /**
         * A kept moment (see the class rules), in chronological order, after every event has been announced;
         * {@code m} is reused after the call returns.
         */
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
     * @param duplicates        copies of moments kept or skipped otherwise (dropped)
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
    private final MomentStore store = new MomentStore();
    private final java.util.List<String> eventIds = new java.util.ArrayList<>();
    private final java.util.List<Rejected> rejected = new java.util.ArrayList<>();
    private final java.util.Set<Integer> allRosterIds = new java.util.HashSet<>();
    private Roster home;
    private Roster visitor;

    // one moment's raw entities
    private final long[] team = new long[Moment.ENTITIES];
    private final long[] pid = new long[Moment.ENTITIES];
    private final double[] ex = new double[Moment.ENTITIES];
    private final double[] ey = new double[Moment.ENTITIES];
    private final double[] ez = new double[Moment.ENTITIES];

    /** A copy of a moment that failed a rule, resolved once the file is read. */
    private record Rejected(long ts, String reason, String where) {
    }

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
        CountingInputStream in = new CountingInputStream(raw);
        try (JsonParser parser = JSON.createParser(in)) {
            p = parser;
            parseRoot();
            checkTrailing(parser, in);
            p = null;
            handOn();
        } catch (ListenerFailure e) {
            throw e.cause; // the listener's own failure (e.g. writing the examples), not a problem of the log
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFormatException(source + ": " + here() + ": cannot read the game log (" + oneLine(e) + ")");
        }
        return new Stats(gameId, gameDate, events, eventsWithMoments, momentsRead, momentsKept, duplicates,
                in.count());
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
        eventIds.add(eventId);
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
                case "eventId" -> {
                    eventId = scalarText(t, "eventId");
                    eventIds.set(eventIds.size() - 1, eventId);
                }
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
        allRosterIds.addAll(home.players().keySet());
        allRosterIds.addAll(visitor.players().keySet());
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
            reject(ts, SKIP_FEWER_ENTITIES, " (" + n + " entities)");
            return;
        }
        if (n > Moment.ENTITIES) {
            reject(ts, SKIP_MORE_ENTITIES, " (" + n + " entities)");
            return;
        }
        if (!ordered()) {
            reject(ts, SKIP_ENTITY_ORDER, "");
            return;
        }
        for (int k = 0; k < Moment.ENTITIES; k++) {
            if (!Double.isFinite(ex[k]) || !Double.isFinite(ey[k]) || !Double.isFinite(ez[k])) {
                reject(ts, SKIP_NON_FINITE, " (entity " + k + ")");
                return;
            }
        }
        if (!Double.isFinite(clock)) {
            reject(ts, SKIP_NO_CLOCK, "");
            return;
        }
        for (int j = 0; j < Moment.PLAYERS; j++) {
            m.playerId[j] = (int) pid[j + 1];
            m.x[j] = ex[j + 1];
            m.y[j] = ey[j + 1];
        }
        m.period = period;
        m.timestampMs = ts;
        m.gameClock = clock;
        m.shotClock = shot;
        m.eventId = eventId;
        m.indexInEvent = momentInEvent;
        m.ballX = ex[0];
        m.ballY = ey[0];
        m.ballZ = ez[0];
        int last = -1;
        for (int v = store.find(ts); v >= 0; v = store.nextVersion(v)) {
            if (store.samePositions(v, m)) {
                duplicates++;
                return;
            }
            last = v;
        }
        if (store.size() >= MAX_MOMENTS) {
            throw bad("more than " + MAX_MOMENTS + " distinct moments; not a game log (a 48-minute game has about "
                    + "70,000)");
        }
        if (last >= 0) {
            tally.add(NOTE_TIMESTAMP_CONFLICT, source + ": " + here() + ": timestamp " + ts
                    + " was already read with other positions (both kept)");
        }
        store.add(m, eventIds.size() - 1, last);
    }

    /** Keeps a copy that failed a rule until the file is read (a valid copy of the same moment may come later). */
    private void reject(long ts, String reason, String detail) throws DataFormatException {
        if (store.find(ts) >= 0) {
            duplicates++; // a valid copy of this moment was kept
            return;
        }
        if (rejected.size() >= MAX_MOMENTS) {
            throw bad("more than " + MAX_MOMENTS + " moments that break the schema; not a game log");
        }
        rejected.add(new Rejected(ts, reason, source + ": " + here() + detail));
    }

    /** After the whole file: resolves the rejected copies, then hands the kept moments on in chronological order. */
    private void handOn() throws IOException {
        java.util.Set<Long> skipped = new java.util.HashSet<>();
        for (Rejected r : rejected) {
            if (store.find(r.ts()) >= 0 || !skipped.add(r.ts())) {
                duplicates++;
            } else {
                tally.add(r.reason(), r.where());
            }
        }
        rejected.clear();
        String[] ids = eventIds.toArray(new String[0]);
        int[] order = store.chronological();
        for (int k = 0; k < order.length; k++) {
            store.load(order[k], m, ids);
            m.index = k;
            boolean unknown = false;
            for (int j = 0; j < Moment.PLAYERS; j++) {
                m.known[j] = isKnown(m.playerId[j]);
                unknown |= !m.known[j];
            }
            if (unknown) {
                tally.add(NOTE_UNKNOWN_PLAYER, source + ": " + m.where());
            }
            momentsKept++;
            call(() -> listener.moment(m));
        }
    }

    /** Whether {@code id} is a known player: not 0 and on a roster of some event of the game. */
    private boolean isKnown(int id) {
        return id != 0 && allRosterIds.contains(id);
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
        if (p == null) {
            return "after the last event";
        }
        String at = " (byte " + p.currentTokenLocation().getByteOffset() + ")";
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
}
