package io.github.finegrain.bundle;

import io.github.finegrain.grid.GridSpec;
import java.util.List;
import java.util.Map;

/**
 * The JSON manifest inside a model bundle (entry {@value ModelBundle#MANIFEST_ENTRY}), format version
 * {@value #FORMAT_VERSION}.
 *
 * @param formatVersion    version of this manifest's layout; readers reject versions they do not know
 * @param finegrainVersion finegrain version that wrote the bundle
 * @param dl4jVersion      Deeplearning4j version that wrote the bundle
 * @param modelKind        {@code full-rank} or {@code cp}
 * @param court            court grid of the final layer (feet)
 * @param defenderBox      defender grid of the final layer (feet, box frame)
 * @param rank             CP rank, or null for a full-rank model
 * @param inputRow         names of the 13 input-row columns, in order
 * @param tasks            task keys, index = position; index {@code fallbackTask} is the league task
 * @param fallbackTask     task used for players not seen in training
 * @param seed             training seed
 * @param dataFingerprint  SHA-256 of the training examples
 * @param stages           stage history (kind, grids, iterations, seconds, end reason); empty for one stage
 * @param trainingOptions  the hyperparameters the model was trained with, keys in this order: {@code rank, delta,
 *                         criterion, window, minSteps, plateauSteps, minImprovement, optimizer, learningRate, cpLearningRate, learningRateDecay, l2, l2Prior, batchSize,
 *                         ladder} (stage labels such as {@code full-rank 4x5/6x6}) {@code , seed}; a value is null
 *                         where the schedule has no such setting (a single-resolution model has no rank or rule);
 *                         the whole field is null in bundles written before it existed (they still load)
 */
public record Manifest(int formatVersion, String finegrainVersion, String dl4jVersion, String modelKind,
        GridSpec court, GridSpec defenderBox, Integer rank, List<String> inputRow, List<String> tasks,
        int fallbackTask, long seed, String dataFingerprint, List<Map<String, Object>> stages,
        Map<String, Object> trainingOptions) {

    /** A manifest without {@code trainingOptions} (the layout of bundles written before it existed). */
    public Manifest(int formatVersion, String finegrainVersion, String dl4jVersion, String modelKind,
            GridSpec court, GridSpec defenderBox, Integer rank, List<String> inputRow, List<String> tasks,
            int fallbackTask, long seed, String dataFingerprint, List<Map<String, Object>> stages) {
        this(formatVersion, finegrainVersion, dl4jVersion, modelKind, court, defenderBox, rank, inputRow, tasks,
                fallbackTask, seed, dataFingerprint, stages, null);
    }

    /** A copy with {@code options} as its {@code trainingOptions} (see {@code MultiResolutionOptions.provenance()}). */
    public Manifest withTrainingOptions(Map<String, Object> options) {
        return new Manifest(formatVersion, finegrainVersion, dl4jVersion, modelKind, court, defenderBox, rank,
                inputRow, tasks, fallbackTask, seed, dataFingerprint, stages,
                options == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options)));
    }

    /** The manifest layout this version writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** The input-row column names, as documented in {@link io.github.finegrain.model.InputRow}. */
    public static final List<String> INPUT_ROW = List.of("taskIndex", "ballHandlerX_ft", "ballHandlerY_ft",
            "defender1dx_ft", "defender1dy_ft", "defender2dx_ft", "defender2dy_ft", "defender3dx_ft", "defender3dy_ft",
            "defender4dx_ft", "defender4dy_ft", "defender5dx_ft", "defender5dy_ft");
}
