package io.github.finegrain.data;

/** The bundled data's chronological splits, with their file-name suffixes and game counts. */
public enum Split {
    /** 5 games. */
    TRAIN("train__with_5_games", 5),
    /** 4 games. */
    VAL("val__with_4_games", 4),
    /** 5 games. */
    TEST("test__with_5_games", 5);

    private final String suffix;
    private final int games;

    Split(String suffix, int games) {
        this.suffix = suffix;
        this.games = games;
    }

    /** The file-name suffix, e.g. {@code train__with_5_games}. */
    public String suffix() {
        return suffix;
    }

    /** Number of games the split's file name promises. */
    public int games() {
        return games;
    }

    /** Lower-case name used in reports ({@code train}, {@code val}, {@code test}). */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
