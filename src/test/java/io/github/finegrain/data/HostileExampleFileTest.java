package io.github.finegrain.data;

import io.github.finegrain.model.TaskIndex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.datavec.api.split.FileSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile {@code .fgex} files: counts the file cannot hold, bad metadata, a wrong checksum (issue 14 item 18). */
class HostileExampleFileTest {
    @TempDir
    Path dir;

    private Path written(String metadata) throws IOException {
        Path out = dir.resolve("p.fgex");
        Files.deleteIfExists(out);
        try (ExampleFile.Writer w = new ExampleFile.Writer(out)) {
            double[] f = new double[12];
            w.row(0, 0, 10, 700.25, 1, true, f);
            w.row(0, 0, 11, 699.5, 1, false, f);
            w.finish(metadata, List.of(new ExampleFile.Game("g1", "2099-01-01", "SYH", "SYV", "g1.json", Split.TRAIN,
                    0, 2, 1)), List.of(new ExampleFile.Task("101", "Synthetic H01", new int[] {2, 0, 0})));
        }
        return out;
    }

    /** Overwrites the int32 at {@code offset} and fixes the checksum, so only the field is wrong. */
    private static void patchInt(Path file, int offset, int value) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 12);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 12, (int) crc.getValue());
        Files.write(file, b);
    }

    @Test
    void aHeaderClaimingTwoBillionGamesOrTasksIsRefusedBeforeAllocating() throws IOException {
        Path games = written("{}");
        patchInt(games, 24, Integer.MAX_VALUE);
        assertThatThrownBy(() -> ExampleFile.open(games))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(games + ": corrupt header: 2147483647 games and 1 tasks need at least ");
        Path tasks = written("{}");
        patchInt(tasks, 28, Integer.MAX_VALUE);
        assertThatThrownBy(() -> ExampleFile.open(tasks))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(tasks + ": corrupt header: 1 games and 2147483647 tasks need at least ");
    }

    @Test
    void metadataThatIsNotAJsonObjectOrTooDeepIsNamed() throws IOException {
        Path deep = written("{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}");
        assertThatThrownBy(() -> ExampleFile.open(deep))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(deep + ": bad example-file metadata")
                .hasMessageContaining("nesting depth");
        Path array = written("[1, 2]");
        assertThatThrownBy(() -> ExampleFile.open(array))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(array + ": the metadata is not a JSON object");
    }

    @Test
    void theDataVecReaderRefusesAFileWithAWrongChecksum() throws Exception {
        Path good = written("{}");
        ExampleFileRecordReader rr = new ExampleFileRecordReader(Split.TRAIN,
                TaskIndex.fromCounts(ExampleFile.open(good).taskCounts(Split.TRAIN), 1), TaskRows.TRAINING);
        rr.initialize(new FileSplit(good.toFile()));
        assertThat(rr.hasNext()).isTrue();
        rr.close();
        try (RandomAccessFile raf = new RandomAccessFile(good.toFile(), "rw")) {
            long featureByte = raf.length() - 12 - 66 + 20; // a feature of the last row: still a valid float
            raf.seek(featureByte);
            int b = raf.read();
            raf.seek(featureByte);
            raf.write(b ^ 0x01);
        }
        assertThatThrownBy(() -> rr.initialize(new FileSplit(good.toFile())))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(good + ": checksum mismatch");
    }
}
