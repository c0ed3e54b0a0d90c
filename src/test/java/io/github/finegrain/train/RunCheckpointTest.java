package io.github.finegrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.grid.GridSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a checkpoint is reading untrusted input: every field of state.json, trace.json and network.zip checked. */
class RunCheckpointTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/bundle-v1/model.zip");
    static final String FINGERPRINT = "727e3399716fa193f6920254a6db3a52554b2a0b139c8034378929d12343e027";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    private ObjectNode state() {
        ObjectNode s = json.createObjectNode();
        s.put("formatVersion", RunCheckpoint.FORMAT_VERSION);
        s.put("nextStage", 0);
        s.put("iteration", 0);
        s.put("epoch", 0);
        s.put("position", 0);
        s.put("elapsedSeconds", 0.0);
        s.put("handOffFit", "NaN");
        s.put("dataFingerprint", FINGERPRINT);
        s.putArray("stages");
        s.putNull("midStage");
        s.put("finished", false);
        return s;
    }

    private Path withState(Consumer<ObjectNode> edit) throws IOException {
        Path d = Files.createTempDirectory(dir, "cp");
        ObjectNode s = state();
        edit.accept(s);
        Files.writeString(d.resolve(RunCheckpoint.STATE), json.writeValueAsString(s));
        Files.writeString(d.resolve(RunCheckpoint.NETWORK), "not read by RunCheckpoint.read");
        Files.writeString(d.resolve(RunCheckpoint.TRACE), "[]");
        CheckpointFolder.seal(d);
        return d;
    }

    @Test
    void aWellFormedStateIsRead() throws IOException {
        RunCheckpoint cp = RunCheckpoint.read(withState(s -> { }));
        assertThat(cp.nextStage()).isZero();
        assertThat(cp.dataFingerprint()).isEqualTo(FINGERPRINT);
        assertThat(cp.handOffFit()).isNaN();
    }

    @Test
    void missingNullOrOutOfRangeFieldsAreNamed() throws IOException {
        Map<String, Consumer<ObjectNode>> cases = new LinkedHashMap<>();
        cases.put("field dataFingerprint is missing or null", s -> s.remove("dataFingerprint"));
        cases.put("field stages is missing or null", s -> s.putNull("stages"));
        cases.put("field nextStage must be in 0..1000, found -1", s -> s.put("nextStage", -1));
        cases.put("field position must be >= 0, found -5", s -> s.put("position", -5));
        cases.put("field elapsedSeconds must be finite and >= 0, found Infinity",
                s -> s.put("elapsedSeconds", "Infinity"));
        cases.put("field dataFingerprint must be 64 hex digits", s -> s.put("dataFingerprint", "../../etc"));
        cases.put("field stages records 0 finished stages but nextStage is 2", s -> s.put("nextStage", 2));
        cases.put("field finished is missing or null", s -> s.remove("finished"));
        cases.put("field midStage.bestStep must be in 0..steps (3), found 4", s -> {
            s.put("iteration", 3);
            ObjectNode m = s.putObject("midStage");
            m.put("steps", 3).put("startLoss", 0.5).put("bestLoss", 0.4).put("bestStep", 4).put("stageSeconds", 1.0)
                    .put("stepSeconds", 0.5).put("validationSeconds", 0.2).putObject("rule");
        });
        for (var c : cases.entrySet()) {
            Path d = withState(c.getValue());
            assertThatThrownBy(() -> RunCheckpoint.read(d))
                    .as(c.getKey())
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageStartingWith(d.resolve(RunCheckpoint.STATE) + ": bad checkpoint state")
                    .hasMessageContaining(c.getKey());
        }
        Path wrongType = withState(s -> s.put("iteration", "many"));
        assertThatThrownBy(() -> RunCheckpoint.read(wrongType))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(wrongType.resolve(RunCheckpoint.STATE) + ": bad checkpoint state field "
                        + "iteration");
    }

    @Test
    void deeplyNestedStateAndAFifoTraceAreRefusedNamingTheFile() throws IOException, InterruptedException {
        Path d = Files.createTempDirectory(dir, "cp");
        Files.writeString(d.resolve(RunCheckpoint.STATE), "{\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}");
        Files.writeString(d.resolve(RunCheckpoint.NETWORK), "n");
        Files.writeString(d.resolve(RunCheckpoint.TRACE), "[]");
        CheckpointFolder.seal(d);
        assertThatThrownBy(() -> RunCheckpoint.read(d))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(d.resolve(RunCheckpoint.STATE) + ": bad checkpoint state")
                .hasMessageContaining("nesting depth");
        Path trace = d.resolve(RunCheckpoint.TRACE);
        if (new ProcessBuilder("mkfifo", trace.toString()).start().waitFor() == 0) {
            // must not block: a FIFO is not a regular file
            assertThatThrownBy(() -> RunCheckpoint.trace(d))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageStartingWith(trace + ": not a regular file");
        }
        Files.deleteIfExists(trace);
        Files.writeString(trace, "{\"not\": \"a list\"}");
        CheckpointFolder.seal(d);
        assertThatThrownBy(() -> RunCheckpoint.trace(d))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(trace + ": bad checkpoint trace: expected a JSON array of trace rows");
    }

    @Test
    void aNetworkThatIsNotAZipOrBelongsToAnotherRunIsRefused() throws IOException {
        Path d = Files.createTempDirectory(dir, "cp");
        Files.writeString(d.resolve(RunCheckpoint.NETWORK), "not a zip");
        assertThatThrownBy(() -> RunCheckpoint.network(d))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(d.resolve(RunCheckpoint.NETWORK) + ": not a zip file");

        Files.copy(GOLDEN, d.resolve(RunCheckpoint.NETWORK), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        MultiLayerNetwork net = RunCheckpoint.network(d);
        StageSpec same = new StageSpec(io.github.finegrain.model.ModelKind.CP, GridSpec.court(40, 50), GridSpec.defenderBox(12, 12));
        RunCheckpoint.checkNetwork(d, net, same, 2, 20); // the golden network: cp 40x50 / 12x12, 2 tasks, rank 20
        StageSpec coarser = new StageSpec(io.github.finegrain.model.ModelKind.FULL_RANK, GridSpec.court(8, 10), GridSpec.defenderBox(6, 6));
        assertThatThrownBy(() -> RunCheckpoint.checkNetwork(d, net, coarser, 2, 20))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(d.resolve(RunCheckpoint.NETWORK) + ": the checkpoint's network (cp 40x50 / 12x12, 2 tasks, "
                        + "rank 20) is not the one this run's stage starts from (full-rank 8x10 / 6x6, 2 tasks); it "
                        + "belongs to another run");
        assertThatThrownBy(() -> RunCheckpoint.checkNetwork(d, net, same, 7, 20))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("belongs to another run");
        assertThatThrownBy(() -> RunCheckpoint.checkNetwork(d, net, same, 2, 5))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("(cp 40x50 / 12x12, 2 tasks, rank 5)");
    }
}
