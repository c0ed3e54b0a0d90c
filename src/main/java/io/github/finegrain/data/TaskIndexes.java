package io.github.finegrain.data;

import io.github.finegrain.model.TaskIndex;
import java.util.HashMap;
import java.util.Map;

/** Builds the {@link TaskIndex} of a model from its training examples. */
public final class TaskIndexes {
    private TaskIndexes() {
    }

    /** The league task followed by the sorted distinct keys of {@code examples}. */
    public static TaskIndex fromTraining(ExampleSet examples) {
        return fromTraining(examples, 1);
    }

    /**
     * The league task followed by the sorted keys that have at least {@code minExamples} training examples; the
     * other players are scored on the league task, like unseen ones.
     */
    public static TaskIndex fromTraining(ExampleSet examples, int minExamples) {
        Map<String, Integer> counts = new HashMap<>();
        for (String k : examples.taskKeys()) {
            counts.merge(k, 1, Integer::sum);
        }
        return TaskIndex.fromCounts(counts, minExamples);
    }
}
