package io.github.finegrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskIndexTest {
    @Test
    void numberedTasksNeedNoExamples() {
        TaskIndex t = TaskIndex.numbered(3);
        assertThat(t.keys()).containsExactly(TaskIndex.LEAGUE, "task 1", "task 2");
        assertThat(t.indexOf("task 2")).isEqualTo(2);
        assertThatThrownBy(() -> TaskIndex.numbered(0)).hasMessageContaining("at least 1 task");
    }

    @Test
    void fromCountsKeepsTheLeagueFirstAndPlayersWithEnoughExamplesSorted() {
        TaskIndex t = TaskIndex.fromCounts(Map.of("b", 5, "a", 7, "c", 1), 2);
        assertThat(t.keys()).containsExactly(TaskIndex.LEAGUE, "a", "b");
    }
}
