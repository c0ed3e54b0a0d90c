package io.github.finegrain.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A checkpoint of a multi-resolution run, taken at a stage boundary: the network the next stage starts from
 * ({@code network.zip}, DL4J ModelSerializer format with its updater state) and {@code state.json} (format version
 * {@value #FORMAT_VERSION}): which stage comes next, the data-stream position, the elapsed time, the stage history
 * and the fingerprint of the training data it belongs to. Written atomically (temporary files, then moved).
 *
 * <p>{@code best.zip} (optional, same format as {@code network.zip}) is the network of the finished stage with the
 * lowest best validation log loss, written when that changes; the trainer's final model is chosen across stages, so
 * a resumed run needs it. A checkpoint without it (written before it existed) still resumes.
 *
 * <p>A stage boundary is the only point where nothing else needs saving: the next stage starts with a fresh rule,
 * an empty listener window and (after a swap) a fresh updater, and the batch stream is a pure function of
 * (seed, epoch, position).
 *
 * @param formatVersion   layout version of {@code state.json}
 * @param nextStage       index of the stage the saved network starts
 * @param iteration       minibatches trained so far
 * @param epoch           epochs begun (the stream's permutation index)
 * @param position        minibatches of the current epoch already used
 * @param elapsedSeconds  training wall time so far
 * @param handOffFit      CP-ALS fit if the next stage begins with the hand-off, else NaN
 * @param dataFingerprint SHA-256 of the training examples
 * @param stages          records of the finished stages
 */
public record RunCheckpoint(int formatVersion, int nextStage, int iteration, int epoch, int position,
        double elapsedSeconds, double handOffFit, String dataFingerprint, List<StageRecord> stages) {

    /** Layout version written and read by this finegrain. */
    public static final int FORMAT_VERSION = 1;
    /** File name of the network inside a checkpoint directory. */
    public static final String NETWORK = "network.zip";
    /** File name of the state inside a checkpoint directory. */
    public static final String STATE = "state.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** File name of the best finished stage's network inside a checkpoint directory (optional). */
    public static final String BEST = "best.zip";

    /** File name of the trace so far inside a checkpoint directory. */
    public static final String TRACE = "trace.json";

    /**
     * Writes {@code net}, the trace so far and this state into {@code dir} (created if needed), replacing an older
     * checkpoint; the state is moved in last, so a checkpoint with a state file is complete.
     */
    public void write(Path dir, MultiLayerNetwork net, List<TraceRow> trace) throws IOException {
        write(dir, net, trace, null);
    }

    /**
     * As {@link #write(Path, MultiLayerNetwork, List)}, and when {@code best} is not null also replaces
     * {@value #BEST} with it (before the state is moved in).
     */
    public void write(Path dir, MultiLayerNetwork net, List<TraceRow> trace, MultiLayerNetwork best)
            throws IOException {
        Files.createDirectories(dir);
        if (best != null) {
            Path bestTmp = dir.resolve(BEST + ".tmp");
            best.save(bestTmp.toFile(), true);
            Files.move(bestTmp, dir.resolve(BEST), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        Path netTmp = dir.resolve(NETWORK + ".tmp");
        Path traceTmp = dir.resolve(TRACE + ".tmp");
        Path stateTmp = dir.resolve(STATE + ".tmp");
        net.save(netTmp.toFile(), true);
        JSON.writeValue(traceTmp.toFile(), trace);
        JSON.writeValue(stateTmp.toFile(), this);
        Files.move(netTmp, dir.resolve(NETWORK), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(traceTmp, dir.resolve(TRACE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(stateTmp, dir.resolve(STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The trace rows saved with the checkpoint in {@code dir}. */
    public static List<TraceRow> trace(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(TRACE).toFile(),
                JSON.getTypeFactory().constructCollectionType(List.class, TraceRow.class));
    }

    /**
     * Reads the state in {@code dir}.
     *
     * @throws DataFormatException if it is missing, corrupt or of an unknown format version
     */
    public static RunCheckpoint read(Path dir) throws IOException {
        Path f = dir.resolve(STATE);
        if (!Files.isRegularFile(f)) {
            throw new DataFormatException(f + ": no checkpoint state (expected a run directory written by train)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new DataFormatException(f + ": corrupt checkpoint state: " + e.getOriginalMessage());
        }
        int v = node.path("formatVersion").asInt(-1);
        if (v != FORMAT_VERSION) {
            throw new DataFormatException(f + ": checkpoint format version " + v + " is not supported (this finegrain "
                    + "reads version " + FORMAT_VERSION + ")");
        }
        return JSON.treeToValue(node, RunCheckpoint.class);
    }

    /** The best finished stage's network saved in {@code dir} with its updater state, or null if there is none. */
    public static MultiLayerNetwork best(Path dir) throws IOException {
        Path f = dir.resolve(BEST);
        return Files.isRegularFile(f) ? MultiLayerNetwork.load(f.toFile(), true) : null;
    }

    /** Loads the checkpoint's network with its updater state. */
    public static MultiLayerNetwork network(Path dir) throws IOException {
        return MultiLayerNetwork.load(dir.resolve(NETWORK).toFile(), true);
    }
}
