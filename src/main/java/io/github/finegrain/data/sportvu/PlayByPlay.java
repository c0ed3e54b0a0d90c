package io.github.finegrain.data.sportvu;

import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stats.nba.com play-by-play of one game, as the CSV files named {@code <gameid>.csv} (one header line, then one
 * row per play; RFC 4180 quoting). Only what labelling needs is kept: the field-goal attempts and the set of
 * {@code EVENTNUM}s (a SportVU event's {@code eventId} equals the {@code EVENTNUM} of the same play).
 *
 * <p>Columns used (by header name, in any order): {@code GAME_ID, EVENTNUM, EVENTMSGTYPE, PERIOD, PCTIMESTRING,
 * PLAYER1_ID}. {@code EVENTMSGTYPE} 1 = made field goal, 2 = missed field goal; the shooter is {@code PLAYER1_ID}.
 * {@code PCTIMESTRING} is the game clock left in the period, {@code M:SS}, whole seconds.
 *
 * <p>Checked, each failure a {@link DataFormatException} naming the file and line: every column above is present;
 * every row's {@code GAME_ID} is the game's id (compared without leading zeros, which spreadsheet tools drop), so
 * that a play-by-play file of another game is refused; numbers parse; a field-goal attempt has a shooter and a
 * clock within 0:00-12:00.
 *
 * @param file      where it was read from (for messages)
 * @param gameId    the game id every row carries
 * @param rows      number of plays
 * @param attempts  the field-goal attempts in file order (unmodifiable)
 * @param eventNums every {@code EVENTNUM} in the file (unmodifiable)
 */
public record PlayByPlay(String file, String gameId, int rows, List<FieldGoalAttempt> attempts,
        Set<Integer> eventNums) {

    /** Largest play-by-play file read, in bytes (64 MiB; a game's file is well under 1 MB). */
    public static final long MAX_FILE_BYTES = 64L << 20;
    /** {@code EVENTMSGTYPE} of a made field goal. */
    public static final int MADE_FIELD_GOAL = 1;
    /** {@code EVENTMSGTYPE} of a missed field goal. */
    public static final int MISSED_FIELD_GOAL = 2;
    /** Longest period, seconds (regulation; overtime is 5 minutes). */
    public static final int PERIOD_SECONDS = 720;

    private static final String[] REQUIRED = {"GAME_ID", "EVENTNUM", "EVENTMSGTYPE", "PERIOD", "PCTIMESTRING",
        "PLAYER1_ID"};

    /**
     * A field-goal attempt.
     *
     * @param eventNum     {@code EVENTNUM}
     * @param period       {@code PERIOD}, 1-based
     * @param clockSeconds game clock left in the period, whole seconds (from {@code PCTIMESTRING})
     * @param shooterId    {@code PLAYER1_ID}
     * @param made         whether the attempt was made ({@code EVENTMSGTYPE} 1)
     * @param line         line of the file (1 = header), for messages
     */
    public record FieldGoalAttempt(int eventNum, int period, int clockSeconds, int shooterId, boolean made,
            int line) {
        /** Where this attempt is, for messages: {@code EVENTNUM 12 (period 1, 11:41, line 14)}. */
        public String where() {
            return "EVENTNUM " + eventNum + " (period " + period + ", " + clock(clockSeconds) + ", line " + line + ")";
        }
    }

    /** Copies the collections. */
    public PlayByPlay {
        attempts = List.copyOf(attempts);
        eventNums = Collections.unmodifiableSet(new HashSet<>(eventNums));
    }

    /**
     * Reads {@code file}, which must be the play-by-play of {@code expectedGameId}.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws DataFormatException if it breaks a rule above
     */
    public static PlayByPlay read(Path file, String expectedGameId) throws IOException {
        // a game's play-by-play is well under 1 MB; the cap keeps a hostile 1 GB file (or line) out of memory
        String text = io.github.finegrain.data.TextFiles.readString(file, "a play-by-play file", MAX_FILE_BYTES);
        return parse(text, file.toString(), expectedGameId);
    }

    /** Parses CSV text (see {@link #read}); {@code where} names the source in messages. */
    public static PlayByPlay parse(String text, String where, String expectedGameId) throws DataFormatException {
        List<List<String>> records = Csv.parse(text, where);
        if (records.isEmpty()) {
            throw new DataFormatException(where + ": empty file, expected a header line with " + String.join(", ",
                    REQUIRED));
        }
        List<String> header = records.get(0);
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            col.put(header.get(i).trim().replace("\uFEFF", ""), i);
        }
        for (String r : REQUIRED) {
            if (!col.containsKey(r)) {
                throw new DataFormatException(where + " line 1: missing column " + r + " (found " + header + ")");
            }
        }
        String want = stripZeros(expectedGameId);
        List<FieldGoalAttempt> attempts = new ArrayList<>();
        Set<Integer> eventNums = new HashSet<>();
        int rows = 0;
        for (int r = 1; r < records.size(); r++) {
            List<String> rec = records.get(r);
            int line = r + 1;
            if (rec.size() == 1 && rec.get(0).isBlank()) {
                continue;
            }
            if (rec.size() < header.size()) {
                throw new DataFormatException(where + " line " + line + ": expected " + header.size()
                        + " fields, found " + rec.size());
            }
            rows++;
            String gid = rec.get(col.get("GAME_ID")).trim();
            if (!stripZeros(gid).equals(want)) {
                throw new DataFormatException(where + " line " + line + ": GAME_ID " + gid + ", expected "
                        + expectedGameId + " (the tracking's gameid): this is the play-by-play of another game");
            }
            int eventNum = integer(rec, col, "EVENTNUM", where, line);
            eventNums.add(eventNum);
            int type = integer(rec, col, "EVENTMSGTYPE", where, line);
            if (type != MADE_FIELD_GOAL && type != MISSED_FIELD_GOAL) {
                continue;
            }
            int period = integer(rec, col, "PERIOD", where, line);
            if (period < 1) {
                throw new DataFormatException(where + " line " + line + ": PERIOD must be >= 1, found " + period);
            }
            int clock = clockSeconds(rec.get(col.get("PCTIMESTRING")).trim(), where, line);
            int shooter = integer(rec, col, "PLAYER1_ID", where, line);
            if (shooter <= 0) {
                throw new DataFormatException(where + " line " + line + ": field-goal attempt EVENTNUM " + eventNum
                        + " has no shooter (PLAYER1_ID " + shooter + ")");
            }
            attempts.add(new FieldGoalAttempt(eventNum, period, clock, shooter, type == MADE_FIELD_GOAL, line));
        }
        return new PlayByPlay(where, expectedGameId, rows, attempts, eventNums);
    }

    /** {@code M:SS} → seconds. */
    static int clockSeconds(String s, String where, int line) throws DataFormatException {
        int colon = s.indexOf(':');
        try {
            if (colon > 0 && colon == s.length() - 3) {
                int m = Integer.parseInt(s.substring(0, colon));
                int sec = Integer.parseInt(s.substring(colon + 1));
                int total = m * 60 + sec;
                if (m >= 0 && sec >= 0 && sec < 60 && total <= PERIOD_SECONDS) {
                    return total;
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new DataFormatException(where + " line " + line + ": PCTIMESTRING must be M:SS within 0:00-12:00, found '"
                + s + "'");
    }

    /** Seconds → {@code M:SS}. */
    public static String clock(int seconds) {
        return seconds / 60 + ":" + String.format("%02d", seconds % 60);
    }

    private static int integer(List<String> rec, Map<String, Integer> col, String name, String where, int line)
            throws DataFormatException {
        String s = rec.get(col.get(name)).trim();
        try {
            // stats.nba.com exports written through pandas carry ids as floats ("1610612761.0")
            if (s.endsWith(".0")) {
                s = s.substring(0, s.length() - 2);
            }
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new DataFormatException(where + " line " + line + ": " + name + " must be an integer, found '" + s
                    + "'");
        }
    }

    private static String stripZeros(String id) {
        String s = id.trim();
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }

    /** A small RFC 4180 reader: comma-separated, double-quoted fields with {@code ""} escapes, CRLF or LF. */
    static final class Csv {
        private Csv() {
        }

        static List<List<String>> parse(String text, String where) throws DataFormatException {
            List<List<String>> out = new ArrayList<>();
            List<String> rec = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean any = false;
            int line = 1;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append(c);
                    }
                    continue;
                }
                if (c == '"') {
                    quoted = true;
                    any = true;
                } else if (c == ',') {
                    rec.add(field.toString());
                    field.setLength(0);
                    any = true;
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    rec.add(field.toString());
                    field.setLength(0);
                    out.add(rec);
                    rec = new ArrayList<>();
                    any = false;
                    line++;
                } else {
                    field.append(c);
                    any = true;
                }
            }
            if (quoted) {
                throw new DataFormatException(where + " line " + line + ": unterminated quoted field at end of file");
            }
            if (any || field.length() > 0) {
                rec.add(field.toString());
                out.add(rec);
            }
            return out;
        }
    }
}
