package io.github.finegrain.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.bundle.NetworkZip;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.JsonFiles;
import io.github.finegrain.model.SpatialLayerConf;
import io.github.finegrain.model.SpatialLayerSpec;
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
        for (Path tmp : List.of(netTmp, traceTmp, stateTmp)) {
            Files.deleteIfExists(tmp); // a leftover, or a symbolic link that the writers would follow
        }
        net.save(netTmp.toFile(), true);
        JSON.writeValue(traceTmp.toFile(), trace);
        JSON.writeValue(stateTmp.toFile(), this);
        Files.move(netTmp, dir.resolve(NETWORK), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(traceTmp, dir.resolve(TRACE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(stateTmp, dir.resolve(STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Largest {@code state.json} read, in bytes. */
    public static final long MAX_STATE_BYTES = 16L << 20;
    /** Largest {@code trace.json} read, in bytes. */
    public static final long MAX_TRACE_BYTES = 512L << 20;
    /** Most stages a checkpoint may record. */
    public static final int MAX_STAGES = 1000;

    /**
     * The trace rows saved with the checkpoint in {@code dir}.
     *
     * @throws DataFormatException if {@code trace.json} is missing, not a regular file (a FIFO is refused rather than
     *                             blocking), larger than {@value #MAX_TRACE_BYTES} bytes, or not a list of trace rows
     */
    public static List<TraceRow> trace(Path dir) throws IOException {
        Path f = dir.resolve(TRACE);
        JsonNode tree = JsonFiles.readTree(f, "checkpoint trace", MAX_TRACE_BYTES);
        if (!tree.isArray()) {
            throw new DataFormatException(f + ": bad checkpoint trace: expected a JSON array of trace rows");
        }
        try {
            List<TraceRow> rows = JsonFiles.mapper().convertValue(tree,
                    JsonFiles.mapper().getTypeFactory().constructCollectionType(List.class, TraceRow.class));
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i) == null) {
                    throw new DataFormatException(f + ": bad checkpoint trace: row [" + i + "] is null");
                }
            }
            return rows;
        } catch (IllegalArgumentException e) {
            throw JsonFiles.error(f.toString(), "checkpoint trace",
                    e.getCause() instanceof Exception c ? c : e);
        }
    }

    /**
     * Reads the state in {@code dir} and checks every field.
     *
     * @throws DataFormatException if it is missing, not a regular file, corrupt, of an unknown format version, or a
     *                             field is missing, null or out of range (the message names the field)
     */
    public static RunCheckpoint read(Path dir) throws IOException {
        Path f = dir.resolve(STATE);
        if (!Files.exists(f)) {
            throw new DataFormatException(f + ": no checkpoint state (expected a run directory written by train)");
        }
        JsonNode node = JsonFiles.readTree(f, "checkpoint state", MAX_STATE_BYTES);
        JsonNode version = node.get("formatVersion");
        if (version == null || !version.isInt() || version.intValue() != FORMAT_VERSION) {
            throw new DataFormatException(f + ": checkpoint format version " + version + " is not supported (this "
                    + "finegrain reads version " + FORMAT_VERSION + ")");
        }
        for (String field : List.of("nextStage", "iteration", "epoch", "position", "elapsedSeconds",
                "dataFingerprint", "stages")) {
            if (!node.hasNonNull(field)) {
                throw new DataFormatException(f + ": bad checkpoint state: field " + field + " is missing or null");
            }
        }
        // stage records of the previous layout have no seconds split: read as 0 (unknown), not as an error
        for (JsonNode st : node.path("stages")) {
            if (st instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                for (String field : List.of("stepSeconds", "validationSeconds")) {
                    if (!o.has(field)) {
                        o.put(field, 0.0);
                    }
                }
            }
        }
        RunCheckpoint cp = JsonFiles.convert(node, RunCheckpoint.class, f.toString(), "checkpoint state");
        String src = f + ": bad checkpoint state: field ";
        check(cp.nextStage() >= 0 && cp.nextStage() <= MAX_STAGES, src + "nextStage must be in 0.." + MAX_STAGES
                + ", found " + cp.nextStage());
        check(cp.iteration() >= 0, src + "iteration must be >= 0, found " + cp.iteration());
        check(cp.epoch() >= 0, src + "epoch must be >= 0, found " + cp.epoch());
        check(cp.position() >= 0, src + "position must be >= 0, found " + cp.position());
        check(Double.isFinite(cp.elapsedSeconds()) && cp.elapsedSeconds() >= 0,
                src + "elapsedSeconds must be finite and >= 0, found " + cp.elapsedSeconds());
        check(cp.dataFingerprint().matches("[0-9a-f]{64}"), src + "dataFingerprint must be 64 hex digits (SHA-256)");
        check(cp.stages().size() == cp.nextStage(), src + "stages records " + cp.stages().size()
                + " finished stages but nextStage is " + cp.nextStage());
        for (int i = 0; i < cp.stages().size(); i++) {
            check(cp.stages().get(i) != null, src + "stages[" + i + "] is null");
        }
        return cp;
    }

    private static void check(boolean ok, String message) throws DataFormatException {
        if (!ok) {
            throw new DataFormatException(message);
        }
    }

    /** The best finished stage's network saved in {@code dir} with its updater state, or null if there is none. */
    public static MultiLayerNetwork best(Path dir) throws IOException {
        Path f = dir.resolve(BEST);
        return Files.isRegularFile(f) ? NetworkZip.read(f, true) : null;
    }

    /**
     * Loads the checkpoint's network with its updater state, through finegrain's safe reader
     * ({@link NetworkZip}: an allow-list of entries, no Java deserialization, sizes checked before allocating).
     *
     * @throws DataFormatException if {@code network.zip} is missing, not a zip, hostile or corrupt (naming it)
     */
    public static MultiLayerNetwork network(Path dir) throws IOException {
        return NetworkZip.read(dir.resolve(NETWORK), true);
    }

    /**
     * Checks that a checkpoint's network is the one the run's stage {@code stage} starts from: same model kind,
     * grids, number of tasks and (for CP) rank; call it before training.
     *
     * @throws DataFormatException naming {@code network.zip} and both descriptions if they differ
     */
    public static void checkNetwork(Path dir, MultiLayerNetwork net, StageSpec stage, int tasks, Integer rank)
            throws DataFormatException {
        Path f = dir.resolve(NETWORK);
        if (net.getnLayers() < 1
                || !(net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof SpatialLayerConf layer)) {
            throw new DataFormatException(f + ": layer 0 is not a finegrain spatial layer");
        }
        SpatialLayerSpec spec = layer.spatialSpec();
        boolean cp = stage.kind() == io.github.finegrain.model.ModelKind.CP;
        if (layer.kind() != stage.kind() || !spec.court().equals(stage.court())
                || !spec.defenderBox().equals(stage.defenderBox()) || spec.tasks() != tasks
                || (cp && !java.util.Objects.equals(layer.rank(), rank))) {
            throw new DataFormatException(f + ": the checkpoint's network (" + layer.kind() + " " + spec.court().label()
                    + " / " + spec.defenderBox().label() + ", " + spec.tasks() + " tasks"
                    + (layer.rank() == null ? "" : ", rank " + layer.rank()) + ") is not the one this run's stage "
                    + "starts from (" + stage.label() + ", " + tasks + " tasks" + (cp ? ", rank " + rank : "")
                    + "); it belongs to another run");
        }
    }
}
