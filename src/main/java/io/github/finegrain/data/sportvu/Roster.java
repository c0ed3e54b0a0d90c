package io.github.finegrain.data.sportvu;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A team as an event of a SportVU log lists it ({@code "home"} / {@code "visitor"}).
 *
 * @param teamId       {@code teamid}
 * @param name         {@code name}, e.g. "Toronto Raptors"
 * @param abbreviation {@code abbreviation}, e.g. "TOR"
 * @param players      player id → "firstname lastname", in log order (unmodifiable)
 */
public record Roster(long teamId, String name, String abbreviation, Map<Integer, String> players) {
    /** Copies the map. */
    public Roster {
        players = Collections.unmodifiableMap(new LinkedHashMap<>(players));
    }
}
