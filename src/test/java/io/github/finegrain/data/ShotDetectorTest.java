package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.data.ShotDetector.Shot;
import org.junit.jupiter.api.Test;

/** Ball handlers and shot attempts on hand-built 5 Hz sequences (feet; left basket at (5.25, 25), rim 10 ft). */
class ShotDetectorTest {

    @Test
    void jumpShotIsOneAttemptByTheLastHandlerReleasedAtHisLastFrame() {
        TrackingSplit t = new Scene().at(2, 20, 25).at(7, 17, 31)
                .held(2, 4).held(2, 5).held(2, 7) // frames 0-2: column 2 holds the ball
                .frame(15, 25, 10.5) // 9.75 ft from the basket: high but not yet at the rim
                .frame(10, 25, 12.5) // 4.75 ft from the basket, above the rim
                .frame(6, 25, 10.5)
                .frame(5.5, 25, 8)
                .build();

        assertThat(Scene.handlers(t)).containsExactly(2, 2, 2, -1, -1, -1, -1);
        assertThat(Scene.shots(t, 0)).containsExactly(new Shot(2, 2, true));
    }

    @Test
    void shotAtTheRightBasketIsCreditedToTheOpponentAndTheRightBasket() {
        // the same shot rotated 180 degrees, taken by opponent column 6
        TrackingSplit t = new Scene().at(6, 74, 25)
                .held(6, 4).held(6, 6)
                .frame(79, 25, 10.5)
                .frame(84, 25, 12.5) // 4.75 ft from (88.75, 25)
                .frame(88.5, 25, 8)
                .build();

        assertThat(Scene.shots(t, 0)).containsExactly(new Shot(1, 6, false));
    }

    @Test
    void passCaughtByTeammateIsNoShotEvenWhenItFliesAboveRimHeight() {
        TrackingSplit t = new Scene().at(2, 20, 25).at(1, 28, 12)
                .held(2, 4).held(2, 5)
                .frame(24, 18.5, 11) // a high pass, far from both baskets
                .frame(28, 12, 5) // caught
                .held(1, 4)
                .build();

        assertThat(Scene.handlers(t)).containsExactly(2, 2, -1, 1, 1);
        assertThat(Scene.shots(t, 0)).isEmpty();
    }

    @Test
    void lobCaughtBelowTheRimNearTheBasketIsNoShot() {
        TrackingSplit t = new Scene().at(2, 20, 40).at(4, 7, 28)
                .held(2, 5).held(2, 6)
                .frame(16, 36, 12) // 15.4 ft from the basket
                .frame(11, 31, 13) // 8.3 ft from the basket: high, but outside the 6 ft rim zone
                .frame(7.5, 28.5, 9.5) // 3.9 ft from the basket, below the rim, 0.7 ft from column 4: caught
                .held(4, 9)
                .build();

        assertThat(Scene.handlers(t)).containsExactly(2, 2, -1, -1, 4, 4);
        assertThat(Scene.shots(t, 0)).isEmpty();
    }

    @Test
    void alleyOopLobAboveTheRimNearTheBasketCountsAsAShotByThePasser() {
        // Documented limitation: a lob that is above rim height inside the 6 ft rim zone before it is caught
        // looks exactly like a shot to this detector, so the passer is credited with an attempt.
        TrackingSplit t = new Scene().at(2, 20, 40).at(4, 7, 28)
                .held(2, 5).held(2, 6)
                .frame(14, 34, 12)
                .frame(8, 27, 11) // 3.4 ft from the basket, 11 ft high
                .frame(7.5, 28.5, 9.5) // caught by column 4
                .held(4, 9)
                .build();

        assertThat(Scene.shots(t, 0)).containsExactly(new Shot(1, 2, true));
    }

    @Test
    void tipBelowRimHeightAfterAShotCountsAsASecondShotByTheTipper() {
        // Documented behaviour: a player who touches the ball below rim height is its handler for that frame; when
        // the ball then goes up at the rim, that is a new attempt by him (a tip-in). A tip above rim height is
        // invisible: a ball in flight has no handler.
        TrackingSplit t = new Scene().at(2, 20, 25).at(3, 7, 29)
                .held(2, 5).held(2, 7) // release at frame 1
                .frame(14, 26, 11)
                .frame(8, 25.5, 13) // at the rim: the first attempt
                .frame(6, 26, 11)
                .frame(6.5, 28, 9) // column 3 (1.1 ft away) touches it below the rim: frame 5
                .frame(5.5, 26, 10.5) // back up at the rim
                .frame(5.3, 25, 8)
                .build();

        assertThat(Scene.handlers(t)).containsExactly(2, 2, -1, -1, -1, 3, -1, -1);
        assertThat(Scene.shots(t, 0)).containsExactly(new Shot(1, 2, true), new Shot(5, 3, true));
    }

    @Test
    void ballAtOrAboveRimHeightHasNoHandler() {
        TrackingSplit t = new Scene().at(0, 20, 25)
                .frame(20, 25, 10.0)
                .frame(20, 25, 9.99)
                .frame(20, 25, 14)
                .build();

        assertThat(Scene.handlers(t)).containsExactly(-1, 0, -1);
    }

    @Test
    void handlerIsTheNearestPlayerWithinFourFeet() {
        TrackingSplit t = new Scene().at(0, 20, 25).at(5, 22, 25)
                .frame(21.5, 25, 3) // 1.5 ft from column 0, 0.5 ft from column 5
                .frame(20.5, 25, 3) // 0.5 ft from column 0
                .frame(16, 25, 3) // exactly 4 ft from column 0
                .frame(15.9, 25, 3) // 4.1 ft from column 0
                .build();

        assertThat(Scene.handlers(t)).containsExactly(5, 0, 0, -1);
    }

    @Test
    void ballMustReachTheRimWithinTwoSecondsOfTheRelease() {
        // release at frame 1; the ball hovers high but 8.75 ft from the basket, then reaches the rim zone
        Scene inTime = new Scene().at(2, 20, 25).held(2, 5).held(2, 6);
        Scene late = new Scene().at(2, 20, 25).held(2, 5).held(2, 6);
        for (int f = 2; f <= 10; f++) {
            inTime.frame(14, 25, 11);
            late.frame(14, 25, 11);
        }
        late.frame(14, 25, 11);
        inTime.frame(7, 25, 11); // frame 11 = release + 10 frames = 2.0 s
        late.frame(7, 25, 11); // frame 12 = release + 2.2 s

        assertThat(Scene.shots(inTime.build(), 0)).containsExactly(new Shot(1, 2, true));
        assertThat(Scene.shots(late.build(), 0)).isEmpty();
    }

    @Test
    void detectionDoesNotCrossASegmentBoundary() {
        TrackingSplit t = new Scene().at(2, 20, 25)
                .held(2, 4).held(2, 6) // segment 0 ends with the ball in the shooter's hands
                .newSegment()
                .frame(15, 25, 10.5)
                .frame(10, 25, 12.5)
                .build();

        assertThat(t.segEnd()).containsExactly(1, 3);
        assertThat(Scene.shots(t, 0)).isEmpty();
        assertThat(Scene.shots(t, 1)).isEmpty();
        // the same frames as one segment do contain the shot
        TrackingSplit joined = new Scene().at(2, 20, 25).held(2, 4).held(2, 6).frame(15, 25, 10.5)
                .frame(10, 25, 12.5).build();
        assertThat(Scene.shots(joined, 0)).containsExactly(new Shot(1, 2, true));
    }
}
