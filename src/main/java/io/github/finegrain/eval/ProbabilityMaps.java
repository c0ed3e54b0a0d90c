package io.github.finegrain.eval;

import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.grid.GridSpec;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.train.TrainedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a model predicts over the court: the probability that the ball handler shoots within the next second, for
 * each 1 ft cell of the 40 × 50 ft offensive zone ({@link #GRID}, the ball handler at the cell centre), with no
 * defender in the box or with one defender at a fixed spot relative to him ({@link Defender}). Computed with the
 * model's own network ({@link TrainedModel#predictRows}), so it includes every term: the task bias, the ball
 * handler's own court map (the constant defender entry) and the defender interaction.
 *
 * <p>Maps are {@code double[GRID.cellCount()]}, {@code cell = row * 50 + col}: row = x index (feet from the
 * baseline, cell centre x = row + 0.5), col = y index (feet from the sideline, centre y = col + 0.5); the basket is
 * at (5.25, 25).
 */
public final class ProbabilityMaps {
    /** The map grid: 40 × 50 cells of 1 ft over the offensive zone. */
    public static final GridSpec GRID = GridSpec.court(40, 50);

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_-]");

    /**
     * Where the single defender stands, in the box frame (feet; origin at the ball handler, +y toward the basket,
     * +x to his right when he faces the basket).
     */
    public enum Defender {
        /** Nobody in the box. */
        NONE("none", "no defender", Double.NaN, Double.NaN),
        /** 3 ft straight between the ball handler and the basket. */
        BETWEEN("between", "one defender 3 ft between him and the basket", 0, 3),
        /** 3 ft to his right, level with him. */
        SIDE("side", "one defender 3 ft to his right", 3, 0);

        /** Short name used in file names. */
        public final String id;
        /** Words for captions. */
        public final String words;
        /** Lateral offset, feet (NaN: none). */
        public final double dx;
        /** Offset toward the basket, feet (NaN: none). */
        public final double dy;

        Defender(String id, String words, double dx, double dy) {
            this.id = id;
            this.words = words;
            this.dx = dx;
            this.dy = dy;
        }
    }

    /**
     * The maps of one task.
     *
     * @param task     the task's key ({@link TaskIndex#LEAGUE} for the league task)
     * @param index    its task index
     * @param fileName the name used in file names: "league", or the key with {@code [^A-Za-z0-9_-]} → {@code _}
     * @param maps     probability per cell for each {@link Defender}, indexed by its ordinal; values in [0, 1]
     */
    public record TaskMaps(String task, int index, String fileName, double[][] maps) {
        /** The probability map with {@code d}; a copy. */
        public double[] probability(Defender d) {
            return maps[d.ordinal()].clone();
        }

        /** The defender effect of {@code d}: p(with d) − p(no defender), in percentage points per cell. */
        public double[] effectPoints(Defender d) {
            double[] with = maps[d.ordinal()];
            double[] none = maps[Defender.NONE.ordinal()];
            double[] e = new double[with.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = 100 * (with[i] - none[i]);
            }
            return e;
        }

        /** Display name: "the league task" or the player's name. */
        public String displayName() {
            return index == TaskIndex.LEAGUE_INDEX ? "league task" : task;
        }
    }

    private ProbabilityMaps() {
    }

    /** {@code name} for file names: {@code [^A-Za-z0-9_-]} → {@code _}; the league task is "league". */
    public static String fileName(String taskKey) {
        return TaskIndex.LEAGUE.equals(taskKey) ? "league" : UNSAFE.matcher(taskKey).replaceAll("_");
    }

    /** The maps of every task of the model (the league task first, then each player with a task of his own). */
    public static List<TaskMaps> all(TrainedModel model) {
        List<TaskMaps> out = new ArrayList<>();
        List<String> keys = model.tasks().keys();
        DataType type = model.network().getLayerWiseConfigurations().getDataType();
        for (int t = 0; t < keys.size(); t++) {
            out.add(of(model, t, type));
        }
        return out;
    }

    /** The maps of task {@code index} (0 = league). */
    public static TaskMaps of(TrainedModel model, int index) {
        return of(model, index, model.network().getLayerWiseConfigurations().getDataType());
    }

    private static TaskMaps of(TrainedModel model, int index, DataType type) {
        List<String> keys = model.tasks().keys();
        if (index < 0 || index >= keys.size()) {
            throw new IllegalArgumentException("task index must be in [0, " + keys.size() + "), found " + index);
        }
        Defender[] ds = Defender.values();
        double[][] maps = new double[ds.length][];
        for (Defender d : ds) {
            maps[d.ordinal()] = map(model, index, d.dx, d.dy, type);
        }
        String key = keys.get(index);
        return new TaskMaps(key, index, fileName(key), maps);
    }

    /**
     * The probability map of task {@code index} with one defender at {@code (dx, dy)} in the box frame (NaN, NaN:
     * none).
     *
     * @return {@code [GRID.cellCount()]} probabilities
     */
    public static double[] map(TrainedModel model, int index, double dx, double dy) {
        return map(model, index, dx, dy, model.network().getLayerWiseConfigurations().getDataType());
    }

    private static double[] map(TrainedModel model, int index, double dx, double dy, DataType type) {
        int n = GRID.cellCount();
        double[][] rows = new double[n][InputRow.WIDTH];
        for (int cell = 0; cell < n; cell++) {
            double[] r = rows[cell];
            Arrays.fill(r, Double.NaN);
            r[InputRow.TASK] = index;
            r[InputRow.BALL_HANDLER_X] = GRID.centerX(cell);
            r[InputRow.BALL_HANDLER_Y] = GRID.centerY(cell);
            r[InputRow.FIRST_DEFENDER] = dx;
            r[InputRow.FIRST_DEFENDER + 1] = dy;
        }
        INDArray x = Nd4j.createFromArray(rows).castTo(type);
        return model.predictRows(x);
    }
}
