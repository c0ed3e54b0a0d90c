package io.github.finegrain.data;

import java.util.Map;

/**
 * What the example builder found in one split (printed by {@code train}, written to {@code metrics.json}).
 *
 * @param frames              frames in the split
 * @param ballHandlerFrames   frames with a ball handler
 * @param examples            kept examples
 * @param shotAttempts        detected shot attempts
 * @param positives           positive examples
 * @param shotAttemptsPerGame detected attempts in each game
 * @param minutes             minutes of play (frames / 5 Hz / 60)
 * @param ownBasketShare      share of attempts that went to the basket their team attacks by the majority of its
 *                            game's attempts (a check of shot detection: most attempts should)
 * @param skips               frames with a ball handler that were skipped, by reason
 */
public record SplitSummary(int frames, int ballHandlerFrames, int examples, int shotAttempts, int positives,
        int[] shotAttemptsPerGame, double minutes, double ownBasketShare, Map<String, Integer> skips) {

    /** Detected attempts per minute of play. */
    public double attemptsPerMinute() {
        return minutes > 0 ? shotAttempts / minutes : 0;
    }

    /** Share of positive examples. */
    public double positiveRate() {
        return examples > 0 ? (double) positives / examples : 0;
    }
}
