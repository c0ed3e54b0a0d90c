package io.github.finegrain.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns 5 Hz tracking into examples: one per ball-handler frame inside the offensive zone.
 *
 * <ol>
 *   <li>Ball handler and shot attempts: {@link ShotDetector}.</li>
 *   <li>Label: 1 for the shooter's ball-handler frames at most {@value #LABEL_SECONDS} s before (and including)
 *       the release, 0 for every other ball-handler frame.</li>
 *   <li>Attack direction, per segment (a segment never spans half time): the two teams attack opposite baskets;
 *       each detected attempt votes for its team attacking the basket it went to. A segment with a majority
 *       takes it; a segment without one takes the majority of its game's attempts (measured on the bundled data:
 *       the producers' 180° rotation already leaves Cleveland attacking the left basket, 92 % of attempts agree
 *       in every split). A tie at both levels leaves the direction unknown and the frames are skipped.</li>
 *   <li>Normalization: coordinates are rotated 180° about the court centre when the offense attacks the right
 *       basket, so that it always attacks (5.25, 25). Frames whose ball handler is outside the zone
 *       x ∈ [0, 40), y ∈ [0, 50) are skipped.</li>
 *   <li>Defenders: the 5 opponents relative to the ball handler in the box frame (+y from the ball handler to the
 *       basket, +x to his right when facing it); the layers count those inside the 12 × 12 ft box
 *       x ∈ [−6, 6), y ∈ [−2, 10).</li>
 *   <li>Task key: the ball handler's name in that segment; frames whose handler's name is unknown (see
 *       {@link NameAlignment}) are skipped.</li>
 * </ol>
 * Skips are counted by reason in the {@link SplitSummary}.
 */
public final class ExampleBuilder {
    /** Label horizon: a frame is positive when the release is at most this far ahead, seconds. */
    public static final double LABEL_SECONDS = 1.0;
    /** Offensive zone length along x, feet. */
    public static final double ZONE_X = 40.0;
    /** Offensive zone width along y, feet. */
    public static final double ZONE_Y = 50.0;

    /** Skip reason: the handler is outside the offensive zone. */
    public static final String SKIP_OUTSIDE_ZONE = "outsideZone";
    /** Skip reason: the segment's attack direction could not be inferred. */
    public static final String SKIP_DIRECTION = "attackDirectionUnknown";
    /** Skip reason: the handler's name is unknown in that segment. */
    public static final String SKIP_NAME = "handlerNameUnknown";

    /** Examples and their summary. */
    public record Result(ExampleSet examples, SplitSummary summary) {
    }

    private ExampleBuilder() {
    }

    /** Builds the examples of one split. */
    public static Result build(TrackingSplit t) {
        int segments = t.segments();
        int[][] handlers = new int[segments][];
        List<List<ShotDetector.Shot>> shots = new ArrayList<>();
        int[] segmentVote = new int[segments];
        int[] gameVote = new int[t.gameCount()];
        int[] perGame = new int[t.gameCount()];
        int shotCount = 0;
        for (int e = 0; e < segments; e++) {
            handlers[e] = ShotDetector.ballHandlers(t, t.segStart()[e], t.segEnd()[e]);
            List<ShotDetector.Shot> found = ShotDetector.shots(t, t.segStart()[e], t.segEnd()[e], handlers[e],
                    TrackingSplit.FRAME_RATE_HZ);
            shots.add(found);
            for (ShotDetector.Shot s : found) {
                segmentVote[e] += focalAttacksLeftVote(s);
            }
            gameVote[t.games()[e]] += segmentVote[e];
            perGame[t.games()[e]] += found.size();
            shotCount += found.size();
        }
        int ownBasket = 0;
        for (int e = 0; e < segments; e++) {
            for (ShotDetector.Shot s : shots.get(e)) {
                if (focalAttacksLeftVote(s) * gameVote[t.games()[e]] > 0) {
                    ownBasket++;
                }
            }
        }
        List<String> keys = new ArrayList<>();
        List<double[]> feats = new ArrayList<>();
        List<Byte> labels = new ArrayList<>();
        List<Integer> frames = new ArrayList<>();
        List<Integer> games = new ArrayList<>();
        Map<String, Integer> skips = new LinkedHashMap<>();
        skips.put(SKIP_OUTSIDE_ZONE, 0);
        skips.put(SKIP_DIRECTION, 0);
        skips.put(SKIP_NAME, 0);
        int handlerFrames = 0;
        int labelFrames = (int) Math.round(LABEL_SECONDS * TrackingSplit.FRAME_RATE_HZ);
        for (int e = 0; e < segments; e++) {
            int from = t.segStart()[e];
            int to = t.segEnd()[e];
            int[] h = handlers[e];
            int vote = segmentVote[e] != 0 ? segmentVote[e] : gameVote[t.games()[e]];
            boolean[] positive = new boolean[to - from + 1];
            for (ShotDetector.Shot s : shots.get(e)) {
                for (int f = s.release(); f >= Math.max(from, s.release() - labelFrames); f--) {
                    if (h[f - from] == s.shooter()) {
                        positive[f - from] = true;
                    }
                }
            }
            for (int f = from; f <= to; f++) {
                int j = h[f - from];
                if (j < 0) {
                    continue;
                }
                handlerFrames++;
                if (vote == 0) {
                    skips.merge(SKIP_DIRECTION, 1, Integer::sum);
                    continue;
                }
                boolean attacksLeft = (j < TrackingSplit.TEAM_SIZE) == (vote > 0);
                double[] row = encode(t, f, j, attacksLeft);
                if (row == null) {
                    skips.merge(SKIP_OUTSIDE_ZONE, 1, Integer::sum);
                    continue;
                }
                String name = t.names()[e][j];
                if (name == null) {
                    skips.merge(SKIP_NAME, 1, Integer::sum);
                    continue;
                }
                keys.add(name);
                feats.add(row);
                labels.add((byte) (positive[f - from] ? 1 : 0));
                frames.add(f);
                games.add(t.games()[e]);
            }
        }
        int n = keys.size();
        double[] f = new double[n * ExampleSet.FEATURES];
        byte[] l = new byte[n];
        int[] fr = new int[n];
        int[] g = new int[n];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(feats.get(i), 0, f, i * ExampleSet.FEATURES, ExampleSet.FEATURES);
            l[i] = labels.get(i);
            positives += l[i];
            fr[i] = frames.get(i);
            g[i] = games.get(i);
        }
        ExampleSet set = new ExampleSet(keys.toArray(new String[0]), f, l, fr, g);
        double minutes = t.frames() / TrackingSplit.FRAME_RATE_HZ / 60.0;
        SplitSummary summary = new SplitSummary(t.frames(), handlerFrames, n, shotCount, positives, perGame, minutes,
                shotCount == 0 ? 0 : (double) ownBasket / shotCount, skips);
        return new Result(set, summary);
    }

    /** +1 if the attempt says the focal team (columns 0-4) attacks the left basket, −1 if the right one. */
    static int focalAttacksLeftVote(ShotDetector.Shot s) {
        return (s.shooter() < TrackingSplit.TEAM_SIZE) == s.leftBasket() ? 1 : -1;
    }

    /**
     * The 12 feature columns of frame f with ball handler j, or null if the handler is outside the zone.
     *
     * @param attacksLeft whether the handler's team attacks the left basket
     */
    static double[] encode(TrackingSplit t, int f, int j, boolean attacksLeft) {
        int first = j < TrackingSplit.TEAM_SIZE ? TrackingSplit.TEAM_SIZE : 0;
        double[] dx = new double[TrackingSplit.TEAM_SIZE];
        double[] dy = new double[TrackingSplit.TEAM_SIZE];
        for (int k = 0; k < TrackingSplit.TEAM_SIZE; k++) {
            dx[k] = t.playerX(f, first + k);
            dy[k] = t.playerY(f, first + k);
        }
        double[] row = new double[ExampleSet.FEATURES];
        return FrameGeometry.encode(t.playerX(f, j), t.playerY(f, j), dx, dy, TrackingSplit.TEAM_SIZE, attacksLeft,
                row, 0) ? row : null;
    }
}
