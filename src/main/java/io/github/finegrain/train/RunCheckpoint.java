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
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.github.finegrain.model.FlatBuffer;
import io.github.finegrain.model.RowBlock;
import io.github.finegrain.optim.OptimizerState;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A checkpoint of a multi-resolution run: one folder, written as an atomic unit and sealed by a manifest
 * ({@link CheckpointFolder}: write {@code checkpoint.new/}, manifest last, then rename it into place; verified
 * against the manifest before anything else is read). It is taken at every stage boundary and, inside a stage, at
 * the first completed listener window after {@code checkpointMinutes} of training since the last checkpoint.
 *
 * <p>Files:
 * <ul>
 * <li>{@value #NETWORK}: the network (DL4J ModelSerializer format, read with finegrain's safe reader); with DL4J's
 *     updater state when the step is dense ({@code net.fit}); its parameters are the current ones;</li>
 * <li>{@value #BEST} (when a stage has finished): the network of the finished stage with the lowest best
 *     validation log loss, for the final-model choice across stages;</li>
 * <li>{@value #STAGE_BEST} (mid-stage, when the stage's best-validation parameters are not the current ones): the
 *     stage's best-validation parameters so far, a flat vector (see {@link #writeParameters});</li>
 * <li>{@value #OPTIMIZER} (when the step is row-sparse, {@link SparseTrainingStep}): its
 *     {@link io.github.finegrain.optim.OptimizerState} (own versioned format);</li>
 * <li>{@value #TRACE}: the trace so far; {@value #STATE} (format version {@value #FORMAT_VERSION}): this record;
 *     {@value CheckpointFolder#MANIFEST}: sizes and SHA-256 of all the others.</li>
 * </ul>
 *
 * <p>What makes a resumed run equal the uninterrupted one: the batch stream is a pure function of (seed, epoch,
 * position); the network, its optimizer state (DL4J's in {@value #NETWORK} or the row-sparse one) and the
 * iteration count are saved; a stage in progress saves its {@link MidStage} state (steps, start loss — the divergence
 * reference —, best loss and step, the rule's state) and its best parameters. The listener's window is not saved: a
 * mid-stage checkpoint is only taken when a window has just completed, so the window is empty.
 *
 * @param formatVersion   layout version of {@code state.json}
 * @param nextStage       index of the stage the saved network trains next: it starts that stage, or continues it
 *                        when {@code midStage} is not null
 * @param iteration       minibatches trained so far
 * @param epoch           epochs begun (the stream's permutation index)
 * @param position        minibatches of the current epoch already used
 * @param elapsedSeconds  training wall time so far
 * @param handOffFit      CP-ALS fit if stage {@code nextStage} begins (or began) with the hand-off, else NaN
 * @param dataFingerprint SHA-256 of the training examples
 * @param stages          records of the finished stages
 * @param midStage        the state of stage {@code nextStage} in progress, or null at a stage boundary
 * @param finished        true once the run's outputs (model bundle, metrics) are written: such a run is not resumed
 */
public record RunCheckpoint(int formatVersion, int nextStage, int iteration, int epoch, int position,
        double elapsedSeconds, double handOffFit, String dataFingerprint, List<StageRecord> stages,
        MidStage midStage, boolean finished) {

    /** Layout version of {@code state.json} written and read by this finegrain. */
    public static final int FORMAT_VERSION = 2;
    /** File name of the network inside a checkpoint directory. */
    public static final String NETWORK = "network.zip";
    /** File name of the state inside a checkpoint directory. */
    public static final String STATE = "state.json";
    /** File name of the best finished stage's network inside a checkpoint directory (optional). */
    public static final String BEST = "best.zip";
    /** File name of the trace so far inside a checkpoint directory. */
    public static final String TRACE = "trace.json";
    /** File name of the stage in progress's best parameters (optional). */
    public static final String STAGE_BEST = "stage-best.bin";
    /** File name of the row-sparse optimizer state (optional). */
    public static final String OPTIMIZER = "optimizer.bin";
    /** Every file a checkpoint may hold besides its manifest. */
    public static final Set<String> FILES = Set.of(NETWORK, STATE, BEST, TRACE, STAGE_BEST, OPTIMIZER);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The state of a stage in progress at a mid-stage checkpoint.
     *
     * @param steps             minibatches trained in the stage
     * @param startLoss         validation log loss at the stage's start (the divergence reference)
     * @param bestLoss          the stage's best validation log loss so far
     * @param bestStep          its step (0: the start); when it equals {@code steps} the best parameters are the
     *                          network's, otherwise they are in {@value #STAGE_BEST}
     * @param stageSeconds      wall seconds of the stage so far
     * @param stepSeconds       seconds of minibatch steps so far
     * @param validationSeconds seconds of validation so far
     * @param rule              the rule's state ({@link FineGrainRule#state()})
     */
    public record MidStage(int steps, double startLoss, double bestLoss, int bestStep, double stageSeconds,
            double stepSeconds, double validationSeconds, Map<String, Double> rule) {
        /** Whether the best parameters are in {@value #STAGE_BEST} (else they are the network's). */
        public boolean hasStageBest() {
            return bestStep != steps;
        }
    }

    /**
     * What a checkpoint saves besides this record.
     *
     * @param network      the network (current parameters)
     * @param updaterState whether to save DL4J's updater state with it (the dense step)
     * @param trace        the trace so far
     * @param best         the best finished stage's network to save, or null
     * @param keepBest     when {@code best} is null: carry the current checkpoint's {@value #BEST} over (it still holds
     *                     the choice)
     * @param stageBest    mid-stage: the stage's best parameters when they are not the network's, else null
     * @param optimizer    the row-sparse optimizer state, or null for a dense step
     */
    public record Contents(MultiLayerNetwork network, boolean updaterState, List<TraceRow> trace,
            MultiLayerNetwork best, boolean keepBest, INDArray stageBest, OptimizerState optimizer) {
    }

    /**
     * Writes a complete checkpoint of this state and {@code c} to {@code dir} and makes it current atomically
     * ({@link CheckpointFolder#write}).
     */
    public void write(Path dir, Contents c) throws IOException {
        Map<String, CheckpointFolder.FileWriter> files = new LinkedHashMap<>();
        files.put(NETWORK, f -> c.network().save(f.toFile(), c.updaterState()));
        Path currentBest = dir.resolve(BEST);
        if (c.best() != null) {
            files.put(BEST, f -> c.best().save(f.toFile(), true));
        } else if (c.keepBest() && Files.isRegularFile(currentBest, LinkOption.NOFOLLOW_LINKS)) {
            files.put(BEST, f -> CheckpointFolder.link(currentBest, f));
        }
        if (c.stageBest() != null) {
            files.put(STAGE_BEST, f -> writeParameters(f, c.stageBest()));
        }
        if (c.optimizer() != null) {
            files.put(OPTIMIZER, f -> {
                try (var out = Files.newOutputStream(f, StandardOpenOption.CREATE_NEW)) {
                    c.optimizer().write(out);
                }
            });
        }
        files.put(TRACE, f -> JSON.writeValue(f.toFile(), c.trace()));
        files.put(STATE, f -> JSON.writeValue(f.toFile(), this));
        CheckpointFolder.write(dir, FILES, files);
    }

    /**
     * Marks the checkpoint in {@code dir} finished (call it once the run's outputs are written): a new checkpoint with
     * the same files (hard links) and {@code finished: true}, made current atomically.
     *
     * @throws DataFormatException if the checkpoint does not verify
     */
    public static void markFinished(Path dir) throws IOException {
        RunCheckpoint cp = read(dir);
        RunCheckpoint done = new RunCheckpoint(cp.formatVersion(), cp.nextStage(), cp.iteration(), cp.epoch(),
                cp.position(), cp.elapsedSeconds(), cp.handOffFit(), cp.dataFingerprint(), cp.stages(), cp.midStage(),
                true);
        Map<String, CheckpointFolder.FileWriter> files = new LinkedHashMap<>();
        List<Path> present;
        try (var s = Files.list(dir)) {
            present = s.sorted().toList(); // read() verified them against the manifest
        }
        for (Path p : present) {
            String name = p.getFileName().toString();
            if (!name.equals(STATE) && !name.equals(CheckpointFolder.MANIFEST)) {
                files.put(name, f -> CheckpointFolder.link(p, f));
            }
        }
        files.put(STATE, f -> JSON.writeValue(f.toFile(), done));
        CheckpointFolder.write(dir, FILES, files);
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
     * Opens the checkpoint in {@code dir}: recovers it if a run stopped between the renames
     * ({@link CheckpointFolder#recover}), verifies every file against the manifest ({@link CheckpointFolder#verify}),
     * then reads the state and checks every field. Call it before reading any other file of the checkpoint.
     *
     * @throws DataFormatException if there is no checkpoint, a file does not match the manifest (naming it), the state
     *                             is corrupt, of an unknown format version, or a field is missing, null or out of range
     *                             (the message names the file and the field)
     */
    public static RunCheckpoint read(Path dir) throws IOException {
        CheckpointFolder.recover(dir, FILES);
        Map<String, Long> files = CheckpointFolder.verify(dir, FILES);
        Path f = dir.resolve(STATE);
        for (String required : List.of(STATE, NETWORK, TRACE)) {
            if (!files.containsKey(required)) {
                throw new DataFormatException(dir.resolve(required) + ": missing; a checkpoint holds " + NETWORK
                        + ", " + TRACE + " and " + STATE + " (its manifest does not list it)");
            }
        }
        JsonNode node = JsonFiles.readTree(f, "checkpoint state", MAX_STATE_BYTES);
        JsonNode version = node.get("formatVersion");
        if (version == null || !version.isInt() || version.intValue() != FORMAT_VERSION) {
            throw new DataFormatException(f + ": checkpoint format version " + version + " is not supported (this "
                    + "finegrain reads version " + FORMAT_VERSION + ")");
        }
        for (String field : List.of("nextStage", "iteration", "epoch", "position", "elapsedSeconds",
                "dataFingerprint", "stages", "finished")) {
            if (!node.hasNonNull(field)) {
                throw new DataFormatException(f + ": bad checkpoint state: field " + field + " is missing or null");
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
        MidStage m = cp.midStage();
        if (m != null) {
            check(m.steps() >= 1 && m.steps() <= cp.iteration(), src + "midStage.steps must be in 1..iteration ("
                    + cp.iteration() + "), found " + m.steps());
            check(m.bestStep() >= 0 && m.bestStep() <= m.steps(), src + "midStage.bestStep must be in 0..steps ("
                    + m.steps() + "), found " + m.bestStep());
            // NaN: a stage that started from non-finite parameters (it then ends as diverged at its first validation)
            check(Double.isNaN(m.startLoss()) || Double.isFinite(m.startLoss()) && m.startLoss() >= 0,
                    src + "midStage.startLoss must be finite and >= 0 (or NaN), found " + m.startLoss());
            check(Double.isNaN(m.bestLoss()) || Double.isFinite(m.bestLoss()) && m.bestLoss() >= 0,
                    src + "midStage.bestLoss must be finite and >= 0 (or NaN), found " + m.bestLoss());
            for (double v : new double[] {m.stageSeconds(), m.stepSeconds(), m.validationSeconds()}) {
                check(Double.isFinite(v) && v >= 0, src + "midStage seconds must be finite and >= 0, found " + v);
            }
            check(m.rule() != null, src + "midStage.rule is missing or null");
            check(m.hasStageBest() == files.containsKey(STAGE_BEST), dir.resolve(STAGE_BEST) + ": "
                    + (m.hasStageBest() ? "missing, but the state's best step " + m.bestStep() + " is not its step "
                    + m.steps() : "present, but the state's best parameters are the network's"));
        } else {
            check(!files.containsKey(STAGE_BEST), dir.resolve(STAGE_BEST) + ": present in a stage-boundary checkpoint");
        }
        return cp;
    }

    private static void check(boolean ok, String message) throws DataFormatException {
        if (!ok) {
            throw new DataFormatException(message);
        }
    }

    /**
     * Writes a flat parameter vector ({@value #STAGE_BEST}): magic {@code FGPV}, format version 1, the data type name
     * (FLOAT or DOUBLE), the length (long), then the values big-endian.
     */
    static void writeParameters(Path f, INDArray params) throws IOException {
        try (var d = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                Files.newOutputStream(f, StandardOpenOption.CREATE_NEW), 1 << 16))) {
            DataType type = params.dataType();
            d.writeInt(PARAMS_MAGIC);
            d.writeInt(1);
            d.writeUTF(type.name());
            d.writeLong(params.length());
            FlatBuffer b = FlatBuffer.of(params);
            double[] chunk = new double[1 << 14];
            for (int from = 0; from < b.length(); from += chunk.length) {
                int len = Math.min(chunk.length, b.length() - from);
                double[] c = len == chunk.length ? chunk : new double[len];
                b.get(from, c);
                for (double x : c) {
                    if (type == DataType.FLOAT) {
                        d.writeFloat((float) x);
                    } else {
                        d.writeDouble(x);
                    }
                }
            }
        }
    }

    private static final int PARAMS_MAGIC = 0x46475056; // "FGPV"

    /**
     * The stage in progress's best parameters ({@value #STAGE_BEST}) for a network whose parameters are
     * {@code like}: same data type and length, checked against the header and the file's length before allocating.
     *
     * @throws DataFormatException naming the file if it is not such a vector
     */
    public static INDArray stageBest(Path dir, INDArray like) throws IOException {
        Path f = dir.resolve(STAGE_BEST);
        DataType type = like.dataType();
        int width = type == DataType.FLOAT ? 4 : 8;
        long n = like.length();
        try (var d = new java.io.DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f,
                LinkOption.NOFOLLOW_LINKS), 1 << 16))) {
            if (d.readInt() != PARAMS_MAGIC || d.readInt() != 1) {
                throw new DataFormatException(f + ": not a finegrain parameter vector of format version 1");
            }
            String t = d.readUTF();
            long len = d.readLong();
            if (!t.equals(type.name()) || len != n) {
                throw new DataFormatException(f + ": holds " + len + " " + t + " values, the network has " + n + " "
                        + type.name());
            }
            long expected = 4 + 4 + 2 + t.length() + 8 + n * width;
            if (Files.size(f) != expected) {
                throw new DataFormatException(f + ": " + Files.size(f) + " bytes, expected " + expected);
            }
            INDArray a = Nd4j.create(type, n);
            FlatBuffer b = FlatBuffer.of(a);
            double[] chunk = new double[(int) Math.min(1 << 14, n)];
            for (int from = 0; from < n; from += chunk.length) {
                int len2 = (int) Math.min(chunk.length, n - from);
                double[] c = len2 == chunk.length ? chunk : new double[len2];
                for (int i = 0; i < len2; i++) {
                    c[i] = type == DataType.FLOAT ? d.readFloat() : d.readDouble();
                }
                b.set(from, c);
            }
            return a.reshape(like.shape());
        } catch (java.io.EOFException e) {
            throw new DataFormatException(f + ": truncated parameter vector");
        }
    }

    /**
     * The row-sparse optimizer state ({@value #OPTIMIZER}) for a layer of row blocks {@code blocks}, or null if the
     * checkpoint has none.
     *
     * @throws DataFormatException naming the file if it is not a state for those blocks
     */
    public static OptimizerState optimizer(Path dir, List<RowBlock> blocks) throws IOException {
        Path f = dir.resolve(OPTIMIZER);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try (var in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            return OptimizerState.read(in, blocks);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            DataFormatException d = new DataFormatException(f + ": " + e.getMessage());
            d.initCause(e);
            throw d;
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
