package io.github.finegrain.data;

/**
 * The per-frame geometry shared by every tracking source (the bundled 5 Hz arrays and the SportVU logs): who
 * holds the ball, and the encoding of a ball-handler frame as the 12 feature columns of an
 * {@link io.github.finegrain.model.InputRow} (columns 1..12).
 *
 * <p>Coordinates in: feet on the full 94 × 50 ft court, origin at a corner, x along the length, y across; the
 * ball's z is its height in feet. Nothing passed in is modified except {@code out}.
 */
public final class FrameGeometry {

    private FrameGeometry() {
    }

    /**
     * The ball handler: the player nearest the ball within {@value ShotDetector#HANDLER_FEET} ft horizontally,
     * while the ball is below rim height ({@link Court#RIM_HEIGHT}); ties go to the later player.
     *
     * @param ballX ball x, feet
     * @param ballY ball y, feet
     * @param ballZ ball height, feet
     * @param x     player x, feet, index = player slot (not modified)
     * @param y     player y, feet (not modified)
     * @param n     number of players to consider (slots {@code 0..n-1})
     * @return the slot of the ball handler, or −1 if nobody holds the ball
     */
    public static int ballHandler(double ballX, double ballY, double ballZ, double[] x, double[] y, int n) {
        if (!(ballZ < Court.RIM_HEIGHT)) {
            return -1;
        }
        int best = -1;
        double bestD = ShotDetector.HANDLER_FEET;
        for (int j = 0; j < n; j++) {
            double d = Math.hypot(x[j] - ballX, y[j] - ballY);
            if (d <= bestD) {
                bestD = d;
                best = j;
            }
        }
        return best;
    }

    /**
     * Encodes one ball-handler frame (the rules of {@link ExampleBuilder}): coordinates are rotated 180° about the
     * court centre when the offense attacks the right basket, so that it always attacks (5.25, 25); the handler
     * must then lie in the offensive zone x ∈ [0, {@value ExampleBuilder#ZONE_X}), y ∈ [0,
     * {@value ExampleBuilder#ZONE_Y}); each defender becomes (dx, dy) in the box frame: origin at the handler, +y
     * toward the basket, +x to the handler's right when facing it.
     *
     * @param handlerX    handler x, feet, court frame as recorded
     * @param handlerY    handler y, feet
     * @param defX        defender x, feet, as recorded (not modified); NaN stays NaN
     * @param defY        defender y, feet (not modified)
     * @param defenders   number of defenders ({@link io.github.finegrain.model.InputRow#DEFENDERS} in both sources)
     * @param attacksLeft whether the handler's team attacks the left basket (5.25, 25)
     * @param out         receives {@code [bx, by, d0x, d0y, ..., d4x, d4y]} at {@code offset} (Modified)
     * @param offset      first index written in {@code out}
     * @return false (and {@code out} unspecified) if the handler is outside the offensive zone
     */
    public static boolean encode(double handlerX, double handlerY, double[] defX, double[] defY, int defenders,
            boolean attacksLeft, double[] out, int offset) {
        double bx = norm(handlerX, attacksLeft, Court.LENGTH);
        double by = norm(handlerY, attacksLeft, Court.WIDTH);
        if (!(bx >= 0 && bx < ExampleBuilder.ZONE_X && by >= 0 && by < ExampleBuilder.ZONE_Y)) {
            return false;
        }
        out[offset] = bx;
        out[offset + 1] = by;
        double ux = Court.LEFT_BASKET_X - bx;
        double uy = Court.BASKET_Y - by;
        double len = Math.hypot(ux, uy);
        if (len < 1e-9) {
            ux = -1;
            uy = 0;
        } else {
            ux /= len;
            uy /= len;
        }
        for (int k = 0; k < defenders; k++) {
            double dx = norm(defX[k], attacksLeft, Court.LENGTH) - bx;
            double dy = norm(defY[k], attacksLeft, Court.WIDTH) - by;
            out[offset + 2 + 2 * k] = dx * uy - dy * ux; // lateral: to the handler's right when facing the basket
            out[offset + 3 + 2 * k] = dx * ux + dy * uy; // toward the basket
        }
        return true;
    }

    private static double norm(double v, boolean attacksLeft, double extent) {
        return attacksLeft ? v : extent - v;
    }
}
