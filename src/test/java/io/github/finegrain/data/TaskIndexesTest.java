package io.github.finegrain.data;

import io.github.finegrain.model.TaskIndex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskIndexesTest {

    static ExampleSet examples(String... keys) {
        int n = keys.length;
        return new ExampleSet(keys, new double[n * ExampleSet.FEATURES], new byte[n], new int[n], new int[n]);
    }

    @Test
    void leagueIsTaskZeroAndPlayersFollowInSortedOrder() {
        TaskIndex t = TaskIndexes.fromTraining(examples("Mo Williams", "Kevin Love", "Mo Williams", "J.R. Smith"));

        assertThat(t.keys()).containsExactly(TaskIndex.LEAGUE, "J.R. Smith", "Kevin Love", "Mo Williams");
        assertThat(t.size()).isEqualTo(4);
        assertThat(TaskIndex.LEAGUE_INDEX).isZero();
        assertThat(t.indexOf(TaskIndex.LEAGUE)).isZero();
        assertThat(t.indexOf("Kevin Love")).isEqualTo(2);
        assertThat(t.indexOf("Stephen Curry")).isEqualTo(-1);
        assertThat(t.scoringIndex("Mo Williams")).isEqualTo(3);
        assertThat(t.scoringIndex("Stephen Curry")).isEqualTo(TaskIndex.LEAGUE_INDEX);
        assertThatThrownBy(() -> t.keys().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void orderDoesNotDependOnTheOrderOfTheExamples() {
        assertThat(TaskIndexes.fromTraining(examples("c", "a", "b")).keys())
                .isEqualTo(TaskIndexes.fromTraining(examples("b", "c", "a", "a")).keys());
    }

    @Test
    void savedKeyListRoundTripsAndIsValidated() {
        TaskIndex t = TaskIndex.of(List.of(TaskIndex.LEAGUE, "b", "a"));
        assertThat(t.indexOf("a")).isEqualTo(2); // index = position, not re-sorted
        assertThatThrownBy(() -> TaskIndex.of(List.of("a", TaskIndex.LEAGUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task 0 must be the league task");
        assertThatThrownBy(() -> TaskIndex.of(List.of(TaskIndex.LEAGUE, "a", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate task key 'a'");
        assertThatThrownBy(() -> TaskIndex.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
