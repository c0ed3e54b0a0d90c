package io.github.finegrain.data;

import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reader of the bundled Cleveland-starters tracking data (14 real NBA games at 5 Hz; see {@code PROVENANCE.md}
 * next to the data), from the jar's resources or from a directory in the same layout.
 *
 * <p>Rules, each checked (a file that breaks one fails with a {@link DataFormatException} naming it):
 * <ul>
 *   <li>Shapes: players {@code (T, 10, 2)}, ball {@code (T, 3)}, stops {@code (E+1,)} with first entry −1.</li>
 *   <li>Segments: entries of the stop file are <b>inclusive</b> ends (the position jumps come right after them:
 *       measured at 208 of 214 train boundaries), except that the last entry equals T (one past the last
 *       frame) and is read as T − 1. Stops must increase strictly.</li>
 *   <li>Names: aligned to segments by {@link NameAlignment} (evidence: substitutions coincide with position
 *       jumps), never line k to segment k by assumption.</li>
 *   <li>Names inside a segment cannot change by construction; as a check of the segmentation, frames where a
 *       player moves more than 10 ft in one 0.2 s step inside a segment are counted ({@link TrackingSplit#teleports()}).</li>
 *   <li>Games: a new game starts at a segment none of whose (known) opponents has appeared in the current game,
 *       or whose Cleveland starters differ; the count must equal the split's promised game count.</li>
 * </ul>
 */
public final class BundledData {
    /** Classpath folder of the bundled data. */
    public static final String RESOURCE_DIR = "/io/github/finegrain/data/cle-starters-2015-16/";
    /** Court length and width used to de-normalize x and y, feet. */
    public static final double COURT_LENGTH = 94.0;
    /** Court width, feet. */
    public static final double COURT_WIDTH = 50.0;
    /** Per-step movement above which a frame inside a segment counts as a teleport, feet. */
    public static final double TELEPORT_FEET = 10.0;

    private BundledData() {
    }

    /** Loads a split from the jar's bundled resources. */
    public static TrackingSplit load(Split split) throws IOException {
        return load(name -> {
            InputStream in = BundledData.class.getResourceAsStream(RESOURCE_DIR + name);
            if (in == null) {
                throw new DataFormatException("bundled resource " + RESOURCE_DIR + name + " is missing from the jar");
            }
            return in;
        }, "bundled:" + split.suffix(), split);
    }

    /** Loads a split from {@code dir} (same file names as the bundled data). */
    public static TrackingSplit load(Path dir, Split split) throws IOException {
        return load(name -> Files.newInputStream(dir.resolve(name)), dir.toString(), split);
    }

    @FunctionalInterface
    interface Opener {
        InputStream open(String name) throws IOException;
    }

    static TrackingSplit load(Opener opener, String where, Split split) throws IOException {
        String s = split.suffix();
        NpyArray players = read(opener, "player_coords_" + s + ".npy");
        NpyArray ball = read(opener, "ball_coords_" + s + ".npy");
        NpyArray stops = read(opener, "example_stop_idxs_" + s + ".npy");
        String namesFile = "player_names_by_example_" + s + ".csv";
        List<String[]> lines = readNames(opener, namesFile);
        return build(where, split, players, ball, stops, lines);
    }

    private static NpyArray read(Opener opener, String name) throws IOException {
        try (InputStream in = opener.open(name)) {
            return Npy.read(in, name);
        }
    }

    private static List<String[]> readNames(Opener opener, String name) throws IOException {
        List<String[]> lines = new ArrayList<>();
        List<String> text;
        try (InputStream in = opener.open(name)) {
            // strict UTF-8 and bounded lines: a damaged names file is an error naming the line, not silently read
            text = TextFiles.readLines(in, name, "a names file", TextFiles.MAX_LINE_CHARS, Long.MAX_VALUE);
        }
        int no = 0;
        for (String line : text) {
            no++;
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(",", -1);
            if (parts.length != 10) {
                throw new DataFormatException(name + " line " + no + ": expected 10 comma-separated names, found "
                        + parts.length);
            }
            for (int j = 0; j < 10; j++) {
                parts[j] = parts[j].trim();
                if (parts[j].isEmpty()) {
                    throw new DataFormatException(name + " line " + no + ": empty name in column " + j);
                }
            }
            lines.add(parts);
        }
        return lines;
    }

    static TrackingSplit build(String where, Split split, NpyArray players, NpyArray ball, NpyArray stops,
            List<String[]> lines) throws DataFormatException {
        String s = split.suffix();
        if (players.rank() != 3 || players.dim(1) != 10 || players.dim(2) != 2) {
            throw new DataFormatException("player_coords_" + s + ".npy: expected shape (T, 10, 2), found "
                    + java.util.Arrays.toString(players.shape()));
        }
        int frames = players.dim(0);
        if (ball.rank() != 2 || ball.dim(0) != frames || ball.dim(1) != 3) {
            throw new DataFormatException("ball_coords_" + s + ".npy: expected shape (" + frames + ", 3), found "
                    + java.util.Arrays.toString(ball.shape()));
        }
        double[] st = stops.data();
        String stopFile = "example_stop_idxs_" + s + ".npy";
        if (stops.rank() != 1 || st.length < 2 || st[0] != -1) {
            throw new DataFormatException(stopFile + ": expected [-1, t_1, ..., t_E] with E >= 1");
        }
        if (st[st.length - 1] != frames) {
            throw new DataFormatException(stopFile + ": last stop must equal T = " + frames + " (one past the last "
                    + "frame), found " + (long) st[st.length - 1]);
        }
        int segments = st.length - 1;
        int[] start = new int[segments];
        int[] end = new int[segments];
        for (int e = 0; e < segments; e++) {
            start[e] = (int) st[e] + 1;
            end[e] = e == segments - 1 ? frames - 1 : (int) st[e + 1];
            if (end[e] < start[e] || end[e] >= frames) {
                throw new DataFormatException(stopFile + ": segment " + e + " spans frames " + start[e] + ".." + end[e]
                        + "; stops must increase strictly within [0, " + frames + "]");
            }
        }
        double[] p = players.data().clone();
        double[] b = ball.data().clone();
        for (int i = 0; i < p.length; i += 2) {
            p[i] *= COURT_LENGTH;
            p[i + 1] *= COURT_WIDTH;
        }
        for (int t = 0; t < frames; t++) {
            b[t * 3] *= COURT_LENGTH;
            b[t * 3 + 1] *= COURT_WIDTH;
            for (int k = 0; k < 3; k++) {
                if (!Double.isFinite(b[t * 3 + k])) {
                    throw new DataFormatException("ball_coords_" + s + ".npy: non-finite value at frame " + t);
                }
            }
        }
        for (int i = 0; i < p.length; i++) {
            if (!Double.isFinite(p[i])) {
                throw new DataFormatException("player_coords_" + s + ".npy: non-finite value at frame " + (i / 20)
                        + ", column " + (i / 2 % 10));
            }
        }
        double[][] jumps = new double[segments][10];
        for (int e = 1; e < segments; e++) {
            int t = start[e];
            for (int j = 0; j < 10; j++) {
                jumps[e][j] = Math.hypot(p[(t * 10 + j) * 2] - p[((t - 1) * 10 + j) * 2],
                        p[(t * 10 + j) * 2 + 1] - p[((t - 1) * 10 + j) * 2 + 1]);
            }
        }
        String namesFile = "player_names_by_example_" + s + ".csv";
        NameAlignment.Result alignment = NameAlignment.align(namesFile, lines.toArray(new String[0][]), jumps);
        int teleports = 0;
        for (int e = 0; e < segments; e++) {
            for (int t = start[e] + 1; t <= end[e]; t++) {
                for (int j = 0; j < 10; j++) {
                    double d = Math.hypot(p[(t * 10 + j) * 2] - p[((t - 1) * 10 + j) * 2],
                            p[(t * 10 + j) * 2 + 1] - p[((t - 1) * 10 + j) * 2 + 1]);
                    if (d > TELEPORT_FEET) {
                        teleports++;
                        break;
                    }
                }
            }
        }
        if (teleports > 0.01 * frames) {
            throw new DataFormatException(where + ": " + teleports + " frames inside segments where a player moved more "
                    + "than " + TELEPORT_FEET + " ft in 0.2 s; the stop file does not segment this data");
        }
        int[] games = games(alignment.names());
        int gameCount = games[segments - 1] + 1;
        if (gameCount != split.games()) {
            throw new DataFormatException(where + ": found " + gameCount + " games (by line-up changes), the split "
                    + "name promises " + split.games());
        }
        return new TrackingSplit(where, frames, p, b, start, end, alignment.names(), games, alignment, teleports);
    }

    /**
     * Game index per segment: a new game starts where Cleveland's starters change, or where none of the segment's
     * known opponents has appeared so far in the current game.
     */
    static int[] games(String[][] names) {
        int[] games = new int[names.length];
        Set<String> opponentsThisGame = new HashSet<>();
        String[] starters = null;
        int game = 0;
        for (int e = 0; e < names.length; e++) {
            String[] n = names[e];
            boolean newStarters = false;
            boolean anyKnownOpponent = false;
            boolean anySeen = false;
            if (starters != null) {
                for (int j = 0; j < TrackingSplit.TEAM_SIZE; j++) {
                    if (n[j] != null && starters[j] != null && !n[j].equals(starters[j])) {
                        newStarters = true;
                    }
                }
            }
            for (int j = TrackingSplit.TEAM_SIZE; j < 10; j++) {
                if (n[j] != null) {
                    anyKnownOpponent = true;
                    anySeen |= opponentsThisGame.contains(n[j]);
                }
            }
            if (e > 0 && (newStarters || (anyKnownOpponent && !anySeen))) {
                game++;
                opponentsThisGame.clear();
            }
            if (starters == null || newStarters) {
                starters = java.util.Arrays.copyOf(n, TrackingSplit.TEAM_SIZE);
            }
            for (int j = TrackingSplit.TEAM_SIZE; j < 10; j++) {
                if (n[j] != null) {
                    opponentsThisGame.add(n[j]);
                }
            }
            games[e] = game;
        }
        return games;
    }
}
