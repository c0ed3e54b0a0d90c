package io.github.finegrain.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The task index ↔ task key map stored with a model. Index 0 is the <b>league</b> task: every training example
 * also belongs to it (A(i) = {ball handler, league}), and a ball handler never seen in training is scored on it.
 * Players follow in sorted key order, so the map is deterministic. It lives with the model (a core package, no
 * basketball data types): {@code data.TaskIndexes} builds one from examples.
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

    /**
     * The league task followed by the sorted keys whose training-example count is at least {@code minExamples}
     * (the same map as {@code data.TaskIndexes.fromTraining} gives for those counts; e.g. from an example file's
     * per-player counts without loading the rows).
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

    /**
     * A map for {@code tasks} tasks with no names of their own: the league task and {@code "task 1"} …
     * {@code "task <tasks-1>"} (for rows whose task column is already an index, e.g. non-basketball data).
     *
     * @throws IllegalArgumentException if {@code tasks < 1}
     */
    public static TaskIndex numbered(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("at least 1 task (the league task), found " + tasks);
        }
        List<String> keys = new ArrayList<>();
        keys.add(LEAGUE);
        for (int i = 1; i < tasks; i++) {
            keys.add("task " + i);
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
