package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class FrameGeometryTest {

    /**
     * ExampleBuilder delegates to FrameGeometry since the SportVU importer shares the geometry; the bundled examples
     * must be bit-for-bit those of the code before the extraction (fingerprint measured on commit 9a1bb22).
     */
    @Test
    void bundledExamplesAreUnchangedByTheExtraction() throws IOException {
        ExampleBuilder.Result r = ExampleBuilder.build(BundledData.load(Split.TRAIN));
        assertThat(r.examples().size()).isEqualTo(9_908);
        assertThat(r.examples().positives()).isEqualTo(1_251);
        assertThat(io.github.finegrain.train.ExampleRows.fingerprint(r.examples()))
                .isEqualTo("727e3399716fa193f6920254a6db3a52554b2a0b139c8034378929d12343e027");
    }

    @Test
    void handlerIsTheNearestPlayerWithin4FeetWhileTheBallIsBelowTheRim() {
        double[] x = {10, 13, 20};
        double[] y = {25, 25, 25};
        assertThat(FrameGeometry.ballHandler(12, 25, 3, x, y, 3)).isEqualTo(1); // 1 ft from slot 1, 2 ft from slot 0
        assertThat(FrameGeometry.ballHandler(16.5, 25, 3, x, y, 3)).isEqualTo(2); // 3.5 ft from 1 and 2: the later
        assertThat(FrameGeometry.ballHandler(12, 25, 10, x, y, 3)).isEqualTo(-1); // at rim height: in flight
        assertThat(FrameGeometry.ballHandler(11.5, 25, 3, x, y, 3)).isEqualTo(1); // tie at 1.5 ft: the later slot
        assertThat(FrameGeometry.ballHandler(12, 25, 3, x, y, 2)).isEqualTo(1);
        assertThat(FrameGeometry.ballHandler(30, 25, 3, x, y, 3)).isEqualTo(-1); // 10 ft from everyone
    }

    @Test
    void encodesAPlantedFrameInTheBasketFacingBoxFrame() {
        // Handler at (15.25, 25) attacking the left basket: the basket is 10 ft straight ahead along -x, so the box
        // frame's +y is the court's -x and +x (his right when facing the basket) is the court's +y.
        double[] dx = {11.25, 15.25, Double.NaN, 18.25, 15.25};
        double[] dy = {25, 28, 25, 25, 20};
        double[] out = new double[14];
        assertThat(FrameGeometry.encode(15.25, 25, dx, dy, 5, true, out, 2)).isTrue();
        assertThat(out[2]).isEqualTo(15.25);
        assertThat(out[3]).isEqualTo(25.0);
        assertThat(out[4]).isCloseTo(0.0, within(1e-12));   // 4 ft toward the basket
        assertThat(out[5]).isCloseTo(4.0, within(1e-12));
        assertThat(out[6]).isCloseTo(3.0, within(1e-12));   // 3 ft to his right (+y court)
        assertThat(out[7]).isCloseTo(0.0, within(1e-12));
        assertThat(out[8]).isNaN();                         // an absent defender stays NaN
        assertThat(out[10]).isCloseTo(0.0, within(1e-12));  // 3 ft behind him
        assertThat(out[11]).isCloseTo(-3.0, within(1e-12));
        assertThat(out[12]).isCloseTo(-5.0, within(1e-12)); // 5 ft to his left
        assertThat(out[13]).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void rotatesTheCourtWhenTheOffenseAttacksTheRightBasketAndRejectsFramesOutsideTheZone() {
        double[] dx = {84.75, 78.75, 78.75, 78.75, 78.75};
        double[] dy = {25, 30, 30, 30, 30};
        double[] out = new double[12];
        // (78.75, 25) attacking the right basket is (15.25, 25) attacking the left one after the 180° rotation.
        assertThat(FrameGeometry.encode(78.75, 25, dx, dy, 5, false, out, 0)).isTrue();
        assertThat(out[0]).isCloseTo(15.25, within(1e-12));
        assertThat(out[1]).isCloseTo(25.0, within(1e-12));
        assertThat(out[2]).isCloseTo(0.0, within(1e-12));
        assertThat(out[3]).isCloseTo(6.0, within(1e-12));   // 6 ft toward the right basket = toward "his" basket
        assertThat(out[4]).isCloseTo(-5.0, within(1e-12));  // court +y is his left when he faces +x
        assertThat(FrameGeometry.encode(78.75, 25, dx, dy, 5, true, out, 0)).isFalse();  // 78.75 ft: not in zone
        assertThat(FrameGeometry.encode(40.0, 25, dx, dy, 5, true, out, 0)).isFalse();   // x = 40 is outside [0, 40)
        assertThat(FrameGeometry.encode(39.99, 49.99, dx, dy, 5, true, out, 0)).isTrue();
    }
}
