package io.github.finegrain.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A hand-built 5 Hz tracking sequence for tests, in feet on the full court (not normalized). Players keep their
 * positions until moved; each {@link #frame} call appends one frame with the current positions and the given ball.
 * By default column j stands at (50 + 4j, 48): far from both baskets and more than 4 ft from each other.
 */
final class Scene {
    private final double[] pos = new double[20];
    private final List<double[]> players = new ArrayList<>();
    private final List<double[]> ball = new ArrayList<>();
    private final List<Integer> segStarts = new ArrayList<>(List.of(0));
    private final List<Integer> segGames = new ArrayList<>(List.of(0));

    Scene() {
        for (int j = 0; j < 10; j++) {
            pos[2 * j] = 50 + 4 * j;
            pos[2 * j + 1] = 48;
        }
    }

    /** Moves column j to (x, y) for the following frames. */
    Scene at(int j, double x, double y) {
        pos[2 * j] = x;
        pos[2 * j + 1] = y;
        return this;
    }

    /** Appends a frame with the ball at (x, y, z). */
    Scene frame(double x, double y, double z) {
        players.add(pos.clone());
        ball.add(new double[] {x, y, z});
        return this;
    }

    /** Appends a frame with the ball held by column j at height z (the ball exactly at the player). */
    Scene held(int j, double z) {
        return frame(pos[2 * j], pos[2 * j + 1], z);
    }

    /** Starts a new segment at the next frame, in the same game. */
    Scene newSegment() {
        return newSegment(segGames.get(segGames.size() - 1));
    }

    /** Starts a new segment at the next frame, in game {@code game}. */
    Scene newSegment(int game) {
        segStarts.add(players.size());
        segGames.add(game);
        return this;
    }

    /** Number of frames so far. */
    int frames() {
        return players.size();
    }

    /** The split; names are {@code P0..P9} in every segment. */
    TrackingSplit build() {
        int t = players.size();
        double[] p = new double[t * 20];
        double[] b = new double[t * 3];
        for (int f = 0; f < t; f++) {
            System.arraycopy(players.get(f), 0, p, f * 20, 20);
            System.arraycopy(ball.get(f), 0, b, f * 3, 3);
        }
        int segments = segStarts.size();
        int[] start = new int[segments];
        int[] end = new int[segments];
        int[] games = new int[segments];
        String[][] names = new String[segments][10];
        for (int e = 0; e < segments; e++) {
            start[e] = segStarts.get(e);
            end[e] = e + 1 < segments ? segStarts.get(e + 1) - 1 : t - 1;
            games[e] = segGames.get(e);
            for (int j = 0; j < 10; j++) {
                names[e][j] = "P" + j;
            }
        }
        return new TrackingSplit("scene", t, p, b, start, end, names, games, null, 0);
    }

    /** Shots of segment e of {@code t}, as the example builder finds them. */
    static List<ShotDetector.Shot> shots(TrackingSplit t, int e) {
        int[] h = ShotDetector.ballHandlers(t, t.segStart()[e], t.segEnd()[e]);
        return ShotDetector.shots(t, t.segStart()[e], t.segEnd()[e], h, TrackingSplit.FRAME_RATE_HZ);
    }

    /** Ball handlers of every frame of {@code t}. */
    static int[] handlers(TrackingSplit t) {
        return ShotDetector.ballHandlers(t, 0, t.frames() - 1);
    }

    @Override
    public String toString() {
        return "Scene" + Arrays.toString(segStarts.toArray());
    }
}
