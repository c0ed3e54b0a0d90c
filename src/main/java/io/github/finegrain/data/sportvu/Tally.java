package io.github.finegrain.data.sportvu;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Counts by reason (skips and notes of an import), each with where it first happened. Not thread-safe.
 * Serializable (a Spark task of {@code import-sportvu --spark} returns its game's tally to the driver).
 */
public final class Tally implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, String> first = new LinkedHashMap<>();

    /** Counts one occurrence of {@code reason} at {@code where}. */
    public void add(String reason, String where) {
        add(reason, 1, () -> where);
    }

    /** Counts {@code n} occurrences of {@code reason}; {@code where} is evaluated only for the first one. */
    public void add(String reason, long n, Supplier<String> where) {
        if (n <= 0) {
            return;
        }
        counts.merge(reason, n, Long::sum);
        if (!first.containsKey(reason)) {
            first.put(reason, where.get());
        }
    }

    /** Adds every count of {@code other} (first occurrences kept where this tally has none). */
    public void addAll(Tally other) {
        for (Map.Entry<String, Long> e : other.counts.entrySet()) {
            add(e.getKey(), e.getValue(), () -> other.first.get(e.getKey()));
        }
    }

    /** Count of {@code reason} (0 if never seen). */
    public long get(String reason) {
        return counts.getOrDefault(reason, 0L);
    }

    /** Reason → count, in order of first occurrence (unmodifiable view). */
    public Map<String, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }

    /** Reason → where it first happened (unmodifiable view). */
    public Map<String, String> firstOccurrence() {
        return Collections.unmodifiableMap(first);
    }
}
