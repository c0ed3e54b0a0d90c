package io.github.finegrain.data;

/**
 * One split of 5 Hz tracking: frames in segments, with the name of the player in each column per segment.
 *
 * <p>Coordinates are in feet on the full 94 × 50 ft court (x along the length, y across); the ball's z is its
 * height in feet. Arrays are owned by this object and must not be modified.
 *
 * @param source      where the data came from (for messages)
 * @param frames      T
 * @param players     {@code [T, 10, 2]} flattened C order: x, y of column j at frame t at {@code (t*10 + j)*2}
 * @param ball        {@code [T, 3]} flattened: x, y, z
 * @param segStart    first frame of each segment
 * @param segEnd      last frame (inclusive) of each segment
 * @param names       {@code [segment][10]} player names; null where the name is unknown (see {@link NameAlignment})
 * @param games       game index of each segment (0-based, chronological within the split)
 * @param alignment   how the name lines were aligned
 * @param teleports   frames inside a segment where some player moved more than 10 ft in 0.2 s (physically
 *                    impossible; a hidden cut in the data); counted, not removed
 */
public record TrackingSplit(String source, int frames, double[] players, double[] ball, int[] segStart, int[] segEnd,
        String[][] names, int[] games, NameAlignment.Result alignment, int teleports) {

    /** Frame rate of the bundled data, Hz. */
    public static final double FRAME_RATE_HZ = 5.0;
    /** Columns 0-4 hold the focal team (Cleveland), 5-9 its opponents. */
    public static final int TEAM_SIZE = 5;

    /** x of column j at frame t, feet. */
    public double playerX(int t, int j) {
        return players[(t * 10 + j) * 2];
    }

    /** y of column j at frame t, feet. */
    public double playerY(int t, int j) {
        return players[(t * 10 + j) * 2 + 1];
    }

    /** Ball x at frame t, feet. */
    public double ballX(int t) {
        return ball[t * 3];
    }

    /** Ball y at frame t, feet. */
    public double ballY(int t) {
        return ball[t * 3 + 1];
    }

    /** Ball height at frame t, feet. */
    public double ballZ(int t) {
        return ball[t * 3 + 2];
    }

    /** Number of segments. */
    public int segments() {
        return segStart.length;
    }

    /** Number of games. */
    public int gameCount() {
        return games.length == 0 ? 0 : games[games.length - 1] + 1;
    }
}
