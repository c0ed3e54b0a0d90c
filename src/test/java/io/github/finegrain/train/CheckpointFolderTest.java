package io.github.finegrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The atomic checkpoint protocol: a folder sealed by a manifest, made current by renames, recovered after a crash. */
class CheckpointFolderTest {
    static final Set<String> ALLOWED = RunCheckpoint.FILES;

    @TempDir
    Path root;

    private static Map<String, CheckpointFolder.FileWriter> files(String network, String trace, String state) {
        Map<String, CheckpointFolder.FileWriter> m = new LinkedHashMap<>();
        m.put(RunCheckpoint.NETWORK, f -> Files.writeString(f, network));
        m.put(RunCheckpoint.TRACE, f -> Files.writeString(f, trace));
        m.put(RunCheckpoint.STATE, f -> Files.writeString(f, state));
        return m;
    }

    @Test
    void aWrittenCheckpointVerifiesAndListsEveryFileWithSizeAndHash() throws IOException {
        Path dir = root.resolve("checkpoint");
        CheckpointFolder.write(dir, ALLOWED, files("net-1", "[1]", "{\"s\":1}"));
        assertThat(CheckpointFolder.verify(dir, ALLOWED)).containsExactly(Map.entry(RunCheckpoint.NETWORK, 5L),
                Map.entry(RunCheckpoint.STATE, 7L), Map.entry(RunCheckpoint.TRACE, 3L));
        String manifest = Files.readString(dir.resolve(CheckpointFolder.MANIFEST));
        assertThat(manifest).contains("\"formatVersion\" : 2")
                // SHA-256 of "net-1"
                .contains(CheckpointFolder.sha256(dir.resolve(RunCheckpoint.NETWORK), 5));
        assertThat(CheckpointFolder.fresh(dir)).doesNotExist();
        assertThat(CheckpointFolder.previous(dir)).doesNotExist();

        // a second write replaces the first completely
        CheckpointFolder.write(dir, ALLOWED, files("net-2", "[1,2]", "{\"s\":2}"));
        assertThat(Files.readString(dir.resolve(RunCheckpoint.NETWORK))).isEqualTo("net-2");
        assertThat(CheckpointFolder.previous(dir)).doesNotExist();
    }

    @Test
    void aFileFromAnotherCheckpointATruncatedFileAndAnExtraFileAreRefusedNamingTheFile() throws IOException {
        Path a = root.resolve("a");
        Path b = root.resolve("b");
        CheckpointFolder.write(a, ALLOWED, files("network of run a", "[1,2,3]", "{\"s\":1}"));
        CheckpointFolder.write(b, ALLOWED, files("network of run b", "[4,5,6]", "{\"s\":2}"));

        // same size, other content: the hash names it
        Files.copy(b.resolve(RunCheckpoint.NETWORK), a.resolve(RunCheckpoint.NETWORK),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> CheckpointFolder.verify(a, ALLOWED))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(a.resolve(RunCheckpoint.NETWORK) + ": SHA-256 ")
                .hasMessageContaining("comes from another checkpoint");
        Files.writeString(a.resolve(RunCheckpoint.NETWORK), "network of run a");
        assertThat(CheckpointFolder.verify(a, ALLOWED)).hasSize(3);

        Files.writeString(a.resolve(RunCheckpoint.TRACE), "[1,");
        assertThatThrownBy(() -> CheckpointFolder.verify(a, ALLOWED))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(a.resolve(RunCheckpoint.TRACE) + ": 3 bytes, the checkpoint's manifest says 7 (the file is "
                        + "truncated, or from another checkpoint)");
        Files.writeString(a.resolve(RunCheckpoint.TRACE), "[1,2,3]");

        Files.writeString(a.resolve(RunCheckpoint.BEST), "stray");
        assertThatThrownBy(() -> CheckpointFolder.verify(a, ALLOWED))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(a.resolve(RunCheckpoint.BEST) + ": not in the checkpoint's manifest");
        Files.delete(a.resolve(RunCheckpoint.BEST));

        Files.delete(a.resolve(RunCheckpoint.STATE));
        assertThatThrownBy(() -> CheckpointFolder.verify(a, ALLOWED))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(a.resolve(RunCheckpoint.STATE) + ": missing; the checkpoint's manifest lists it (7 bytes)");
        Files.createSymbolicLink(a.resolve(RunCheckpoint.STATE), b.resolve(RunCheckpoint.STATE));
        assertThatThrownBy(() -> CheckpointFolder.verify(a, ALLOWED))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(a.resolve(RunCheckpoint.STATE) + ": not a regular file");

        // a manifest listing a name a checkpoint never holds
        Path c = root.resolve("c");
        Files.createDirectories(c);
        Files.writeString(c.resolve("preprocessor.bin"), "x");
        CheckpointFolder.seal(c);
        assertThatThrownBy(() -> CheckpointFolder.verify(c, ALLOWED))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(c.resolve(CheckpointFolder.MANIFEST) + ": bad checkpoint manifest: files[0] "
                        + "names 'preprocessor.bin', not a file a checkpoint holds");

        // the layout of format 1: no manifest
        Path legacy = root.resolve("legacy");
        Files.createDirectories(legacy);
        Files.writeString(legacy.resolve(RunCheckpoint.STATE), "{}");
        assertThatThrownBy(() -> CheckpointFolder.verify(legacy, ALLOWED))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("written by an older finegrain (format 1, no manifest)");
    }

    @Test
    void aCrashWhileWritingLeavesTheOldCheckpointCurrent() throws IOException {
        Path dir = root.resolve("checkpoint");
        CheckpointFolder.write(dir, ALLOWED, files("old", "[]", "{}"));
        Map<String, CheckpointFolder.FileWriter> crashing = files("new", "[]", "{}");
        crashing.put(RunCheckpoint.STATE, f -> {
            throw new IOException("disk full");
        });
        assertThatThrownBy(() -> CheckpointFolder.write(dir, ALLOWED, crashing)).hasMessage("disk full");
        assertThat(CheckpointFolder.fresh(dir).resolve(CheckpointFolder.MANIFEST)).doesNotExist();
        assertThat(CheckpointFolder.recover(dir, ALLOWED)).isFalse();
        assertThat(CheckpointFolder.verify(dir, ALLOWED)).hasSize(3);
        assertThat(Files.readString(dir.resolve(RunCheckpoint.NETWORK))).isEqualTo("old");
        // the next write replaces the unfinished one
        CheckpointFolder.write(dir, ALLOWED, files("newer", "[]", "{}"));
        assertThat(Files.readString(dir.resolve(RunCheckpoint.NETWORK))).isEqualTo("newer");
        assertThat(CheckpointFolder.fresh(dir)).doesNotExist();
    }

    @Test
    void aCrashBetweenTheRenamesIsRecoveredFromTheNewOrElseTheOldFolder() throws IOException {
        Path dir = root.resolve("checkpoint");
        // the state after step 3 of the protocol: checkpoint -> checkpoint.old done, checkpoint.new complete
        CheckpointFolder.write(dir, ALLOWED, files("old", "[]", "{}"));
        Files.move(dir, CheckpointFolder.previous(dir));
        Path fresh = CheckpointFolder.fresh(dir);
        CheckpointFolder.write(fresh, ALLOWED, files("new", "[]", "{}"));
        assertThat(dir).doesNotExist();
        assertThat(CheckpointFolder.recover(dir, ALLOWED)).isTrue();
        assertThat(Files.readString(dir.resolve(RunCheckpoint.NETWORK))).isEqualTo("new");
        assertThat(CheckpointFolder.verify(dir, ALLOWED)).hasSize(3);
        assertThat(CheckpointFolder.previous(dir)).doesNotExist();
        assertThat(fresh).doesNotExist();

        // an incomplete checkpoint.new (no manifest): the old one is recovered
        Files.move(dir, CheckpointFolder.previous(dir));
        Files.createDirectories(fresh);
        Files.writeString(fresh.resolve(RunCheckpoint.NETWORK), "half");
        assertThat(CheckpointFolder.recover(dir, ALLOWED)).isTrue();
        assertThat(Files.readString(dir.resolve(RunCheckpoint.NETWORK))).isEqualTo("new");

        Path none = root.resolve("none");
        assertThatThrownBy(() -> CheckpointFolder.recover(none, ALLOWED))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(none + ": no checkpoint state");
    }

    @Test
    void aFolderOfOtherFilesIsNeverReplaced() throws IOException {
        Path notMine = root.resolve("results");
        Files.createDirectories(notMine);
        Files.writeString(notMine.resolve("results.csv"), "precious");
        assertThatThrownBy(() -> CheckpointFolder.write(notMine, ALLOWED, files("n", "[]", "{}")))
                .isInstanceOf(IOException.class)
                .hasMessage(notMine + ": not a checkpoint folder (it holds results.csv); refusing to replace it: give a "
                        + "folder of its own for checkpoints");
        assertThat(Files.readString(notMine.resolve("results.csv"))).isEqualTo("precious");
        assertThat(CheckpointFolder.fresh(notMine)).doesNotExist();
    }
}
