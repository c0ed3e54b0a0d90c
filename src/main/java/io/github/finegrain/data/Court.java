package io.github.finegrain.data;

/** Fixed NBA court geometry, feet: 94 × 50 ft, baskets at (5.25, 25) and (88.75, 25), rim 10 ft high. */
public final class Court {
    /** Court length, feet. */
    public static final double LENGTH = 94.0;
    /** Court width, feet. */
    public static final double WIDTH = 50.0;
    /** x of the left basket centre, feet. */
    public static final double LEFT_BASKET_X = 5.25;
    /** x of the right basket centre, feet. */
    public static final double RIGHT_BASKET_X = 88.75;
    /** y of both basket centres, feet. */
    public static final double BASKET_Y = 25.0;
    /** Rim height, feet. */
    public static final double RIM_HEIGHT = 10.0;

    private Court() {
    }

    /** Horizontal distance from (x, y) to the left (true) or right (false) basket centre, feet. */
    public static double distanceToBasket(double x, double y, boolean left) {
        return Math.hypot(x - (left ? LEFT_BASKET_X : RIGHT_BASKET_X), y - BASKET_Y);
    }
}
