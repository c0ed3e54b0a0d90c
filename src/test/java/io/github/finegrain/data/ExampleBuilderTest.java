package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Labels, attack direction, skips and the box-frame encoding of defenders, on hand-built sequences. */
class ExampleBuilderTest {

    private static final double TOL = 1e-9;

    /** Column 1 passes to column 2, who holds the ball for frames 4-10 and shoots at the left basket. */
    private static Scene passAndShot() {
        return new Scene().at(1, 25, 10).at(2, 20, 25).at(7, 16, 31)
                .held(1, 4).held(1, 4).held(1, 4) // frames 0-2
                .frame(22.5, 17.5, 7) // frame 3: the pass in the air
                .held(2, 4).held(2, 4).held(2, 4).held(2, 4).held(2, 4).held(2, 4).held(2, 6) // frames 4-10
                .frame(14, 25, 11) // frame 11
                .frame(8, 25, 12.5) // frame 12: at the rim
                .frame(5.5, 25, 9);
    }

    @Test
    void positivesAreTheShootersHandlerFramesAtMostOneSecondBeforeTheRelease() {
        ExampleBuilder.Result r = ExampleBuilder.build(passAndShot().build());
        ExampleSet ex = r.examples();

        assertThat(ex.frames()).containsExactly(0, 1, 2, 4, 5, 6, 7, 8, 9, 10);
        assertThat(ex.taskKeys()).containsExactly("P1", "P1", "P1", "P2", "P2", "P2", "P2", "P2", "P2", "P2");
        // release = frame 10; frames 5..10 are within 1.0 s (5 frames) of it; frame 4 is 1.2 s before; the
        // passer's frames are never positive
        assertThat(ex.labels()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 1, 1);
        SplitSummary s = r.summary();
        assertThat(s.frames()).isEqualTo(14);
        assertThat(s.ballHandlerFrames()).isEqualTo(10);
        assertThat(s.examples()).isEqualTo(10);
        assertThat(s.shotAttempts()).isEqualTo(1);
        assertThat(s.positives()).isEqualTo(6);
        assertThat(s.shotAttemptsPerGame()).containsExactly(1);
        assertThat(s.ownBasketShare()).isEqualTo(1.0);
        assertThat(s.skips()).isEqualTo(Map.of(ExampleBuilder.SKIP_OUTSIDE_ZONE, 0,
                ExampleBuilder.SKIP_DIRECTION, 0, ExampleBuilder.SKIP_NAME, 0));
    }

    @Test
    void featuresAreHandlerPositionAndDefendersInTheBoxFrame() {
        ExampleSet ex = ExampleBuilder.build(passAndShot().build()).examples();
        int i = 3; // frame 4: column 2 at (20, 25) facing the basket along -x; column 7 at (16, 31)
        assertThat(ex.frames()[i]).isEqualTo(4);
        assertThat(ex.feature(i, 0)).isEqualTo(20.0);
        assertThat(ex.feature(i, 1)).isEqualTo(25.0);
        // defender k = 2 is column 7: 4 ft toward the basket, 6 ft to the right (+y is the right when facing -x)
        assertThat(ex.feature(i, 2 + 2 * 2)).isCloseTo(6.0, within(TOL));
        assertThat(ex.feature(i, 3 + 2 * 2)).isCloseTo(4.0, within(TOL));
        // defender k = 0 is column 5 at (70, 48): 50 ft away from the basket, 23 ft to the right
        assertThat(ex.feature(i, 2)).isCloseTo(23.0, within(TOL));
        assertThat(ex.feature(i, 3)).isCloseTo(-50.0, within(TOL));
    }

    @Test
    void offenseAttackingTheRightBasketIsRotated180Degrees() {
        // opponent column 6 at (74, 25) shoots at the right basket; Cleveland's column 0 stands between him and it
        TrackingSplit t = new Scene().at(6, 74, 25).at(0, 78, 25)
                .held(6, 4).held(6, 4).held(6, 6)
                .frame(80, 25, 11)
                .frame(86, 25, 12.5)
                .frame(88.5, 25, 8)
                .build();
        ExampleBuilder.Result r = ExampleBuilder.build(t);
        ExampleSet ex = r.examples();

        assertThat(r.summary().shotAttempts()).isEqualTo(1);
        assertThat(ex.frames()).containsExactly(0, 1, 2);
        assertThat(ex.labels()).containsExactly(1, 1, 1);
        assertThat(ex.feature(0, 0)).isCloseTo(20.0, within(TOL)); // 94 - 74
        assertThat(ex.feature(0, 1)).isCloseTo(25.0, within(TOL)); // 50 - 25
        assertThat(ex.feature(0, 2)).isCloseTo(0.0, within(TOL)); // defender 0 = column 0: straight ahead
        assertThat(ex.feature(0, 3)).isCloseTo(4.0, within(TOL));
    }

    @Test
    void segmentWithoutShotsTakesItsGamesDirectionAndAGameWithoutShotsIsSkipped() {
        TrackingSplit t = passAndShot()
                .newSegment() // segment 1, game 0: no shot; column 2 holds the ball at (20, 25)
                .held(2, 4).held(2, 4)
                .newSegment(1) // segment 2, game 1: no shot anywhere in the game
                .held(2, 4).held(2, 4).held(2, 4)
                .build();
        ExampleBuilder.Result r = ExampleBuilder.build(t);

        assertThat(r.examples().frames()).containsExactly(0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 14, 15);
        assertThat(r.examples().feature(10, 0)).isEqualTo(20.0); // not rotated: Cleveland attacks left in game 0
        assertThat(r.examples().labels()[10]).isZero();
        assertThat(r.summary().ballHandlerFrames()).isEqualTo(15);
        assertThat(r.summary().shotAttemptsPerGame()).containsExactly(1, 0);
        assertThat(r.summary().skips()).containsEntry(ExampleBuilder.SKIP_DIRECTION, 3)
                .containsEntry(ExampleBuilder.SKIP_OUTSIDE_ZONE, 0).containsEntry(ExampleBuilder.SKIP_NAME, 0);
    }

    @Test
    void handlerOutsideTheZoneOrWithAnUnknownNameIsSkippedAndCounted() {
        TrackingSplit t = passAndShot()
                .newSegment()
                .at(2, 45, 25).held(2, 4).held(2, 4) // x = 45 ft: outside the 40 ft zone
                .newSegment()
                .at(2, 20, 25).held(2, 4) // segment 2: the name of column 2 is unknown
                .build();
        t.names()[2][2] = null;
        ExampleBuilder.Result r = ExampleBuilder.build(t);

        assertThat(r.summary().examples()).isEqualTo(10);
        assertThat(r.summary().ballHandlerFrames()).isEqualTo(13);
        assertThat(r.summary().skips()).isEqualTo(Map.of(ExampleBuilder.SKIP_OUTSIDE_ZONE, 2,
                ExampleBuilder.SKIP_DIRECTION, 0, ExampleBuilder.SKIP_NAME, 1));
    }

    @Test
    void basketDirectionIsPlusYAndTheHandlersRightIsPlusX() {
        // handler off-centre at (30, 10): the basket is at (5.25, 25)
        double hx = 30;
        double hy = 10;
        double len = Math.hypot(Court.LEFT_BASKET_X - hx, Court.BASKET_Y - hy);
        double ux = (Court.LEFT_BASKET_X - hx) / len;
        double uy = (Court.BASKET_Y - hy) / len;
        TrackingSplit t = new Scene().at(0, hx, hy)
                .at(5, hx + 5 * ux, hy + 5 * uy) // 5 ft straight toward the basket
                .at(6, hx + 3 * uy, hy - 3 * ux) // 3 ft to the right of the facing direction (uy, -ux)
                .at(7, hx - 2 * ux, hy - 2 * uy) // 2 ft behind
                .at(8, Court.LEFT_BASKET_X, Court.BASKET_Y) // at the basket
                .held(0, 4).build();
        double[] row = ExampleBuilder.encode(t, 0, 0, true);

        assertThat(row[0]).isEqualTo(hx);
        assertThat(row[1]).isEqualTo(hy);
        assertThat(row[2]).isCloseTo(0.0, within(TOL));
        assertThat(row[3]).isCloseTo(5.0, within(TOL));
        assertThat(row[4]).isCloseTo(3.0, within(TOL));
        assertThat(row[5]).isCloseTo(0.0, within(TOL));
        assertThat(row[6]).isCloseTo(0.0, within(TOL));
        assertThat(row[7]).isCloseTo(-2.0, within(TOL));
        assertThat(row[8]).isCloseTo(0.0, within(TOL));
        assertThat(row[9]).isCloseTo(len, within(TOL));
    }

    @Test
    void mirroredFrameAttackingRightEncodesLikeTheOriginalAttackingLeft() {
        Random rnd = new Random(7);
        Scene left = new Scene();
        Scene right = new Scene();
        for (int j = 0; j < 10; j++) {
            double x = j == 3 ? 4 + rnd.nextDouble() * 35 : rnd.nextDouble() * 94;
            double y = rnd.nextDouble() * 50;
            left.at(j, x, y);
            right.at(j, Court.LENGTH - x, Court.WIDTH - y);
        }
        TrackingSplit a = left.held(3, 4).build();
        TrackingSplit b = right.held(3, 4).build();
        double[] ra = ExampleBuilder.encode(a, 0, 3, true);
        double[] rb = ExampleBuilder.encode(b, 0, 3, false);

        assertThat(ra).isNotNull();
        assertThat(rb).containsExactly(ra, within(1e-9));
        // the same mirrored frame encoded without the rotation is a different row (handler outside the zone)
        assertThat(ExampleBuilder.encode(b, 0, 3, true)).isNull();
    }

    @Test
    void handlerAtTheBasketCentreStillGetsAFiniteFrame() {
        TrackingSplit t = new Scene().at(0, Court.LEFT_BASKET_X, Court.BASKET_Y).at(5, 3.25, 26)
                .held(0, 4).build();
        double[] row = ExampleBuilder.encode(t, 0, 0, true);
        // documented fallback: facing -x; defender 2 ft further along -x and 1 ft to +y
        assertThat(row[2]).isCloseTo(1.0, within(TOL));
        assertThat(row[3]).isCloseTo(2.0, within(TOL));
    }
}
