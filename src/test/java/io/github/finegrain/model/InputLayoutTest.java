package io.github.finegrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InputLayoutTest {

    @Test
    void basketballIsTheInputRowLayout() {
        InputLayout b = InputLayout.BASKETBALL;
        assertThat(b.width()).isEqualTo(InputRow.WIDTH).isEqualTo(13);
        assertThat(b.anchorX()).isEqualTo(InputRow.BALL_HANDLER_X);
        assertThat(b.anchorY()).isEqualTo(InputRow.BALL_HANDLER_Y);
        assertThat(b.contextX(4)).isEqualTo(11);
        assertThat(b.describe()).isEqualTo("task 0, anchor 1-2, 5 context points from 3 (13 columns)");
    }

    @Test
    void widthIsOnePastTheLastNamedColumn() {
        assertThat(new InputLayout(7, 4, 0, 2).width()).isEqualTo(8);
        assertThat(new InputLayout(0, 1, 3, 0).width()).isEqualTo(3);
        assertThat(new InputLayout(2, 0, 5, 1).width()).isEqualTo(7);
    }

    @Test
    void overlappingOrNegativeColumnsAreRejectedWithTheColumns() {
        assertThatThrownBy(() -> new InputLayout(1, 1, 3, 5)).hasMessageContaining("overlap")
                .hasMessageContaining("task 1").hasMessageContaining("anchor 1-2");
        assertThatThrownBy(() -> new InputLayout(4, 0, 3, 5)).hasMessageContaining("overlap");
        assertThat(new InputLayout(2, 0, 3, 5).width()).isEqualTo(13);
        assertThatThrownBy(() -> new InputLayout(5, 0, 3, 2)).hasMessageContaining("context 3-6");
        assertThatThrownBy(() -> new InputLayout(0, 4, 3, 2)).hasMessageContaining("overlap");
        assertThatThrownBy(() -> new InputLayout(0, 1, 3, -1)).hasMessageContaining("context points -1");
        assertThatThrownBy(() -> new InputLayout(-1, 1, 3, 5)).hasMessageContaining("task -1");
        // adjacent is fine
        assertThat(new InputLayout(0, 1, 3, 1).width()).isEqualTo(5);
    }
}
