package io.github.finegrain.data.sportvu;

import java.util.Arrays;

/**
 * The distinct moments of one game, columnar, in the order they were first read; copies are recognized by their
 * wall-clock timestamp (a primitive open-addressing map from timestamp to the first version read, the other versions
 * with that timestamp chained behind it).
 *
 * <p>Memory: about 280 bytes per distinct moment (the 10 player ids, 23 coordinates and clocks, the event and the
 * map slot), up to twice that while the arrays grow by doubling: 20-40 MB for a 48-minute game at 25 Hz (70,000
 * moments), whatever the number of copies in the file.
 * Not thread-safe.
 */
final class MomentStore {
    private int size;
    private int[] period = new int[1024];
    private long[] ts = new long[1024];
    private double[] clock = new double[1024];
    private double[] shot = new double[1024];
    /** Per moment: ball x, y, z. */
    private double[] ball = new double[1024 * 3];
    /** Per moment: the 10 player ids by slot. */
    private int[] ids = new int[1024 * Moment.PLAYERS];
    /** Per moment: the 10 players' x, y by slot. */
    private double[] xy = new double[1024 * 2 * Moment.PLAYERS];
    private int[] event = new int[1024];
    private int[] inEvent = new int[1024];
    /** Next version with the same timestamp (−1: none). */
    private int[] next = new int[1024];

    private long[] keys = new long[2048];
    private int[] slots = new int[2048];
    private boolean[] used = new boolean[2048];

    int size() {
        return size;
    }

    /**
     * The first version stored with timestamp {@code t}, or −1.
     */
    int find(long t) {
        int mask = keys.length - 1;
        for (int i = hash(t) & mask;; i = (i + 1) & mask) {
            if (!used[i]) {
                return -1;
            }
            if (keys[i] == t) {
                return slots[i];
            }
        }
    }

    /** The version after {@code i} with the same timestamp, or −1. */
    int nextVersion(int i) {
        return next[i];
    }

    /** Whether stored moment {@code i} has the positions (and ids) of {@code m}. */
    boolean samePositions(int i, Moment m) {
        if (Double.compare(ball[3 * i], m.ballX) != 0 || Double.compare(ball[3 * i + 1], m.ballY) != 0
                || Double.compare(ball[3 * i + 2], m.ballZ) != 0) {
            return false;
        }
        for (int j = 0; j < Moment.PLAYERS; j++) {
            if (ids[i * Moment.PLAYERS + j] != m.playerId[j]
                    || Double.compare(xy[2 * (i * Moment.PLAYERS + j)], m.x[j]) != 0
                    || Double.compare(xy[2 * (i * Moment.PLAYERS + j) + 1], m.y[j]) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stores {@code m} (its event as an index into the reader's list of event ids).
     *
     * @param after the last stored version with the same timestamp (−1: the first)
     * @return its index
     */
    int add(Moment m, int eventIndex, int after) {
        if (size == ts.length) {
            grow(size * 2);
        }
        int i = size++;
        period[i] = m.period;
        ts[i] = m.timestampMs;
        clock[i] = m.gameClock;
        shot[i] = m.shotClock;
        ball[3 * i] = m.ballX;
        ball[3 * i + 1] = m.ballY;
        ball[3 * i + 2] = m.ballZ;
        for (int j = 0; j < Moment.PLAYERS; j++) {
            ids[i * Moment.PLAYERS + j] = m.playerId[j];
            xy[2 * (i * Moment.PLAYERS + j)] = m.x[j];
            xy[2 * (i * Moment.PLAYERS + j) + 1] = m.y[j];
        }
        event[i] = eventIndex;
        inEvent[i] = m.indexInEvent;
        next[i] = -1;
        if (after >= 0) {
            next[after] = i;
        } else {
            put(m.timestampMs, i);
        }
        return i;
    }

    /**
     * Indexes of the stored moments ordered by period, then timestamp, then game clock descending (the clock stops
     * at dead balls while moments go on, so it only breaks ties), then the order read.
     */
    int[] chronological() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Integer.compare(period[a], period[b]);
            if (c == 0) {
                c = Long.compare(ts[a], ts[b]);
            }
            if (c == 0) {
                c = Double.compare(clock[b], clock[a]);
            }
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** Copies stored moment {@code i} into {@code m} (eventId from {@code eventIds}). */
    void load(int i, Moment m, String[] eventIds) {
        m.period = period[i];
        m.timestampMs = ts[i];
        m.gameClock = clock[i];
        m.shotClock = shot[i];
        m.ballX = ball[3 * i];
        m.ballY = ball[3 * i + 1];
        m.ballZ = ball[3 * i + 2];
        for (int j = 0; j < Moment.PLAYERS; j++) {
            m.playerId[j] = ids[i * Moment.PLAYERS + j];
            m.x[j] = xy[2 * (i * Moment.PLAYERS + j)];
            m.y[j] = xy[2 * (i * Moment.PLAYERS + j) + 1];
        }
        m.eventId = eventIds[event[i]];
        m.indexInEvent = inEvent[i];
    }

    private void grow(int c) {
        period = Arrays.copyOf(period, c);
        ts = Arrays.copyOf(ts, c);
        clock = Arrays.copyOf(clock, c);
        shot = Arrays.copyOf(shot, c);
        ball = Arrays.copyOf(ball, c * 3);
        ids = Arrays.copyOf(ids, c * Moment.PLAYERS);
        xy = Arrays.copyOf(xy, c * 2 * Moment.PLAYERS);
        event = Arrays.copyOf(event, c);
        inEvent = Arrays.copyOf(inEvent, c);
        next = Arrays.copyOf(next, c);
    }

    private void put(long t, int i) {
        if (2 * (size + 1) > keys.length) {
            long[] ok = keys;
            int[] os = slots;
            boolean[] ou = used;
            keys = new long[ok.length * 2];
            slots = new int[ok.length * 2];
            used = new boolean[ok.length * 2];
            for (int k = 0; k < ok.length; k++) {
                if (ou[k]) {
                    insert(ok[k], os[k]);
                }
            }
        }
        insert(t, i);
    }

    private void insert(long t, int i) {
        int mask = keys.length - 1;
        int k = hash(t) & mask;
        while (used[k]) {
            k = (k + 1) & mask;
        }
        used[k] = true;
        keys[k] = t;
        slots[k] = i;
    }

    private static int hash(long t) {
        long h = t * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
