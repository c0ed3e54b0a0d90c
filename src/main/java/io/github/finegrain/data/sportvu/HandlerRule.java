package io.github.finegrain.data.sportvu;

import io.github.finegrain.data.FrameGeometry;

/**
 * Who holds the ball in a 25 Hz SportVU moment: the rule of the bundled data ({@link FrameGeometry#ballHandler}:
 * the nearest player within 4 ft while the ball is below 10 ft) <b>unless the ball is in flight</b>.
 *
 * <p><b>In flight</b>: the ball is at least {@value #FLIGHT_MIN_HEIGHT_FT} ft high and moves at least
 * {@value #FLIGHT_MIN_SPEED_FT_S} ft/s (3-D speed from the previous moment of the timeline, at most
 * {@value #MAX_SPEED_GAP_MS} ms earlier; without such a moment the speed is unknown and the ball is not in flight).
 * A dribble stays below 5 ft and a ball held high (a rebound, a post entry, the gather of a jump shot) moves with
 * its holder, well below 15 ft/s; a shot leaves the hand at about 7-9 ft and 25-30 ft/s. Without this rule a defender
 * contesting a shot "holds" the ball while it flies past him (a wrong stretch, and a shot credited to it), and the
 * shooter "holds" it for 2-3 moments after the release (releases late).
 *
 * <p>Only the SportVU import (25 Hz, so the speed is measurable) uses this rule; the bundled 5 Hz data keeps
 * {@link FrameGeometry#ballHandler} unchanged.
 */
public final class HandlerRule {
    /** Lowest ball height of a ball in flight, feet. */
    public static final double FLIGHT_MIN_HEIGHT_FT = 5.0;
    /** Lowest ball speed of a ball in flight, feet per second. */
    public static final double FLIGHT_MIN_SPEED_FT_S = 15.0;
    /** Longest gap to the previous moment over which a speed is measured, ms. */
    public static final long MAX_SPEED_GAP_MS = 200;

    private HandlerRule() {
    }

    /**
     * Ball speed between two moments.
     *
     * @return feet per second; NaN when the moments are not 1..{@value #MAX_SPEED_GAP_MS} ms apart
     */
    public static double speed(long prevTs, double px, double py, double pz, long ts, double x, double y, double z) {
        long dt = ts - prevTs;
        if (dt <= 0 || dt > MAX_SPEED_GAP_MS) {
            return Double.NaN;
        }
        return Math.sqrt((x - px) * (x - px) + (y - py) * (y - py) + (z - pz) * (z - pz)) * 1000.0 / dt;
    }

    /** Whether a ball at height {@code z} feet moving at {@code speed} ft/s (NaN: unknown) is in flight. */
    public static boolean inFlight(double z, double speed) {
        return z >= FLIGHT_MIN_HEIGHT_FT && speed >= FLIGHT_MIN_SPEED_FT_S;
    }

    /**
     * The ball handler's slot, or −1.
     *
     * @param speed ball speed, ft/s ({@link #speed}; NaN: unknown)
     * @param x     player x by slot, feet (not modified)
     * @param y     player y by slot, feet (not modified)
     * @param n     players
     */
    public static int ballHandler(double ballX, double ballY, double ballZ, double speed, double[] x, double[] y,
            int n) {
        if (inFlight(ballZ, speed)) {
            return -1;
        }
        return FrameGeometry.ballHandler(ballX, ballY, ballZ, x, y, n);
    }
}
