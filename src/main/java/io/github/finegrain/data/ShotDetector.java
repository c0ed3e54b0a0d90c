package io.github.finegrain.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Ball-handler and shot-attempt detection from 5 Hz tracking (the bundled data has no shot labels).
 *
 * <p><b>Ball handler</b> at a frame: the player nearest the ball, if within {@value #HANDLER_FEET} ft horizontally,
 * while the ball is below rim height (10 ft). A ball in flight has no handler (otherwise a shot would be credited
 * to the contesting defender).
 *
 * <p><b>Shot attempt</b>: the ball leaves its handler (handler at frame t−1, none at t) and, before any player
 * handles it again and within {@value #FLIGHT_SECONDS} s of the release, reaches at least 10 ft height within
 * {@value #RIM_ZONE_FEET} ft horizontally of a basket centre. Shooter = the last ball handler; release = the
 * shooter's last ball-handler frame (t−1). A pass that is caught (a new handler) before the ball is high near a
 * basket is not a shot. Detection never crosses a segment boundary.
 */
public final class ShotDetector {
    /** Maximum horizontal distance from the ball to its handler, feet. */
    public static final double HANDLER_FEET = 4.0;
    /** Maximum time from release to the ball being high near a basket, seconds. */
    public static final double FLIGHT_SECONDS = 2.0;
    /** Horizontal radius around a basket centre that counts as "at the rim", feet. */
    public static final double RIM_ZONE_FEET = 6.0;

    /**
     * A detected shot attempt.
     *
     * @param release      frame of release (the shooter's last ball-handler frame)
     * @param shooter      column of the shooter (0-9)
     * @param leftBasket   whether the ball went to the left basket (5.25, 25) rather than the right one
     */
    public record Shot(int release, int shooter, boolean leftBasket) {
    }

    private ShotDetector() {
    }

    /**
     * Ball handler (column 0-9, or -1) of each frame {@code [from, to]} of {@code t}.
     *
     * @return array of length {@code to - from + 1}
     */
    public static int[] ballHandlers(TrackingSplit t, int from, int to) {
        int[] h = new int[to - from + 1];
        for (int f = from; f <= to; f++) {
            h[f - from] = ballHandler(t, f);
        }
        return h;
    }

    /** Ball handler of frame f: column 0-9, or -1. */
    public static int ballHandler(TrackingSplit t, int f) {
        double[] x = new double[10];
        double[] y = new double[10];
        for (int j = 0; j < 10; j++) {
            x[j] = t.playerX(f, j);
            y[j] = t.playerY(f, j);
        }
        return FrameGeometry.ballHandler(t.ballX(f), t.ballY(f), t.ballZ(f), x, y, 10);
    }

    /**
     * Shot attempts in frames {@code [from, to]} (one segment) given their ball handlers.
     *
     * @param handlers ball handler per frame, index 0 = frame {@code from}
     * @param frameRateHz frames per second
     */
    public static List<Shot> shots(TrackingSplit t, int from, int to, int[] handlers, double frameRateHz) {
        List<Shot> shots = new ArrayList<>();
        int horizon = (int) Math.round(FLIGHT_SECONDS * frameRateHz);
        for (int f = from + 1; f <= to; f++) {
            int before = handlers[f - 1 - from];
            if (before < 0 || handlers[f - from] >= 0) {
                continue;
            }
            for (int u = f; u <= Math.min(to, f - 1 + horizon); u++) {
                if (handlers[u - from] >= 0) {
                    break; // caught: a pass
                }
                if (t.ballZ(u) >= Court.RIM_HEIGHT) {
                    boolean left = Court.distanceToBasket(t.ballX(u), t.ballY(u), true) <= RIM_ZONE_FEET;
                    boolean right = Court.distanceToBasket(t.ballX(u), t.ballY(u), false) <= RIM_ZONE_FEET;
                    if (left || right) {
                        shots.add(new Shot(f - 1, before, left));
                        break;
                    }
                }
            }
        }
        return shots;
    }
}
