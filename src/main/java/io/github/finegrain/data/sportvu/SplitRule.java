package io.github.finegrain.data.sportvu;

import io.github.finegrain.data.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * How imported games are assigned to train, validation and test: always by game, so no game's moments are in two
 * splits.
 */
public sealed interface SplitRule {

    /** The split of each game id (iteration order = {@code gameIds} order). */
    Map<String, Split> assign(List<String> gameIds);

    /** A JSON-friendly description for metadata and reports. */
    Map<String, Object> describe();

    /**
     * A seeded random split: the game ids are sorted, shuffled with {@code new java.util.Random(seed)}
     * (Fisher-Yates, from the last element down), and the first {@code round(n·testFraction)} go to test, the next
     * {@code round(n·valFraction)} to validation, the rest to train. With at least 3 games, a split whose fraction
     * is above 0 gets at least one game and train keeps at least one (taken from the larger of val and test).
     * The same ids, fractions and seed always give the same split, whatever order the files were given in.
     *
     * @param valFraction  share of games for validation, in [0, 1)
     * @param testFraction share of games for test, in [0, 1), with valFraction + testFraction &lt; 1
     * @param seed         seed of the shuffle
     */
    record Seeded(double valFraction, double testFraction, long seed) implements SplitRule {
        /** Default: 20 % validation, 20 % test, seed 12345. */
        public static final Seeded DEFAULT = new Seeded(0.2, 0.2, 12345L);

        /** Validates the fractions. */
        public Seeded {
            if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
                throw new IllegalArgumentException("split fractions must be >= 0 with val + test < 1, found val "
                        + valFraction + ", test " + testFraction);
            }
        }

        @Override
        public Map<String, Split> assign(List<String> gameIds) {
            List<String> ids = new ArrayList<>(new TreeSet<>(gameIds));
            Random rnd = new Random(seed);
            for (int i = ids.size() - 1; i > 0; i--) {
                Collections.swap(ids, i, rnd.nextInt(i + 1));
            }
            int n = ids.size();
            int test = (int) Math.round(n * testFraction);
            int val = (int) Math.round(n * valFraction);
            if (n >= 3) {
                test = testFraction > 0 ? Math.max(1, test) : 0;
                val = valFraction > 0 ? Math.max(1, val) : 0;
                while (n - test - val < 1) {
                    if (val >= test) {
                        val--;
                    } else {
                        test--;
                    }
                }
            }
            Map<String, Split> bySorted = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                bySorted.put(ids.get(i), i < test ? Split.TEST : i < test + val ? Split.VAL : Split.TRAIN);
            }
            Map<String, Split> out = new LinkedHashMap<>();
            for (String id : gameIds) {
                out.put(id, bySorted.get(id));
            }
            return out;
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", "seeded");
            m.put("valFraction", valFraction);
            m.put("testFraction", testFraction);
            m.put("seed", seed);
            return m;
        }
    }

    /**
     * Explicit game lists. Every imported game must be in exactly one list, and every listed game must be
     * imported.
     *
     * @param train game ids for training
     * @param val   game ids for validation
     * @param test  game ids for test
     */
    record Explicit(Set<String> train, Set<String> val, Set<String> test) implements SplitRule {
        /** Copies the sets and checks that they are disjoint. */
        public Explicit {
            train = Collections.unmodifiableSet(new TreeSet<>(train));
            val = Collections.unmodifiableSet(new TreeSet<>(val));
            test = Collections.unmodifiableSet(new TreeSet<>(test));
            Set<String> seen = new HashSet<>();
            for (Set<String> s : List.of(train, val, test)) {
                for (String id : s) {
                    if (!seen.add(id)) {
                        throw new IllegalArgumentException("game " + id + " is in more than one of the train, val "
                                + "and test game lists");
                    }
                }
            }
        }

        @Override
        public Map<String, Split> assign(List<String> gameIds) {
            Map<String, Split> out = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String id : gameIds) {
                Split s = train.contains(id) ? Split.TRAIN : val.contains(id) ? Split.VAL
                        : test.contains(id) ? Split.TEST : null;
                if (s == null) {
                    missing.add(id);
                }
                out.put(id, s);
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("imported games in none of the train, val and test game lists: "
                        + missing);
            }
            Set<String> unknown = new TreeSet<>();
            for (Set<String> s : List.of(train, val, test)) {
                for (String id : s) {
                    if (!out.containsKey(id)) {
                        unknown.add(id);
                    }
                }
            }
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("listed games that were not imported (or had no moments): "
                        + unknown);
            }
            return out;
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", "explicit");
            m.put("train", train);
            m.put("val", val);
            m.put("test", test);
            return m;
        }
    }
}
