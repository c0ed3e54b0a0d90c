package io.github.finegrain.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The task index ↔ task key map stored with a model. Index 0 is the <b>league</b> task: every training example
 * also belongs to it (A(i) = {ball handler, league}), and a ball handler never seen in training is scored on it.
 * Players follow in sorted key order, so the map is deterministic.
 */
public final class TaskIndex {
    /** Key of the league (fallback) task. */
    public static final String LEAGUE = "(league)";
    /** Index of the league task. */
    public static final int LEAGUE_INDEX = 0;

    private final List<String> keys;
    private final Map<String, Integer> index;

    private TaskIndex(List<String> keys) {
        this.keys = Collections.unmodifiableList(new ArrayList<>(keys));
        this.index = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (index.put(keys.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate task key '" + keys.get(i) + "'");
            }
        }
        if (keys.isEmpty() || !LEAGUE.equals(keys.get(0))) {
            throw new IllegalArgumentException("task 0 must be the league task " + LEAGUE);
        }
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
        return fromCounts(counts, minExamples);
    }

    /**
     * The league task followed by the sorted keys whose training-example count is at least {@code minExamples}
     * (the same map as {@link #fromTraining(ExampleSet, int)} for those counts; e.g. from
     * {@link ExampleFile#taskCounts(Split)} without loading the rows).
     *
     * @param counts task key → number of training examples (not modified)
     */
    public static TaskIndex fromCounts(Map<String, Integer> counts, int minExamples) {
        List<String> keys = new ArrayList<>();
        keys.add(LEAGUE);
        for (String k : new TreeSet<>(counts.keySet())) {
            if (counts.get(k) >= minExamples) {
                keys.add(k);
            }
        }
        return new TaskIndex(keys);
    }

    /** Rebuilds an index saved as its key list (index = position). */
    public static TaskIndex of(List<String> keys) {
        return new TaskIndex(keys);
    }

    /** Number of tasks, league included. */
    public int size() {
        return keys.size();
    }

    /** The keys, index = position; unmodifiable. */
    public List<String> keys() {
        return keys;
    }

    /** Index of {@code key}, or -1 if the player was not seen in training. */
    public int indexOf(String key) {
        Integer i = index.get(key);
        return i == null ? -1 : i;
    }

    /** Index to score {@code key} on: its own task if seen in training, else the league task. */
    public int scoringIndex(String key) {
        int i = indexOf(key);
        return i < 0 ? LEAGUE_INDEX : i;
    }
}
