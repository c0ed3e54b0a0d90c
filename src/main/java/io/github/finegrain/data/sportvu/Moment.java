package io.github.finegrain.data.sportvu;

/**
 * One SportVU moment (a 25 Hz frame) as the reader hands it on: the ball and the 10 players on court, in the order of
 * the log (ball first, then 5 home players, then 5 visitors). Coordinates in feet on the 94 × 50 ft court, origin at
 * a corner, x along the length; the ball's z is its height in feet.
 *
 * <p>Mutable and <b>reused</b> by the reader: valid only during the callback that receives it; a listener copies
 * what it keeps. Only the reader modifies it.
 */
public final class Moment {
    /** Players per moment. */
    public static final int PLAYERS = 10;
    /** Entities per moment: the ball and 10 players. */
    public static final int ENTITIES = PLAYERS + 1;
    /** Home players occupy slots 0-4, visitors 5-9. */
    public static final int TEAM_SIZE = 5;

    /** Period, 1-based (5 and up = overtime). */
    public int period;
    /** Wall-clock time of the moment, Unix milliseconds. */
    public long timestampMs;
    /** Game clock left in the period, seconds. */
    public double gameClock;
    /** Shot clock, seconds; NaN where the log has null. */
    public double shotClock;
    /** {@code eventId} of the event this copy of the moment was read from. */
    public String eventId;
    /** 0-based index of the moment inside that event's {@code moments} array. */
    public int indexInEvent;
    /** 0-based index of the moment in the game's de-duplicated timeline (moments handed on so far). */
    public int index;
    /** Ball x, feet. */
    public double ballX;
    /** Ball y, feet. */
    public double ballY;
    /** Ball height, feet. */
    public double ballZ;
    /** Player ids by slot (0-4 home, 5-9 visitors). */
    public final int[] playerId = new int[PLAYERS];
    /**
     * Whether the player in each slot is known: not id 0 (a placeholder in real logs) and on a roster of some event
     * of the game ({@link SportvuReader}'s rule). An unknown player never becomes a task.
     */
    public final boolean[] known = new boolean[PLAYERS];
    /** Player x by slot, feet. */
    public final double[] x = new double[PLAYERS];
    /** Player y by slot, feet. */
    public final double[] y = new double[PLAYERS];

    /** Whether slot {@code j} holds a home player. */
    public static boolean isHome(int slot) {
        return slot < TEAM_SIZE;
    }

    /** Where this moment is, for messages: {@code event 12, moment 3}. */
    public String where() {
        return "event " + eventId + ", moment " + indexInEvent;
    }
}
