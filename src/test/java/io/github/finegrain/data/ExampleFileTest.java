package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleFileTest {
    @TempDir
    Path dir;

    /** Writes 3 planted games (2 train rows, 0 val rows, 1 test row) with 2 tasks. */
    private Path planted() throws IOException {
        Path out = dir.resolve("p.fgex");
        try (ExampleFile.Writer w = new ExampleFile.Writer(out)) {
            double[] f = new double[12];
            for (int k = 0; k < 12; k++) {
                f[k] = k + 0.5;
            }
            w.row(0, 0, 10, 700.25, 1, true, f);
            f[11] = Double.NaN; // an absent defender
            w.row(0, 1, 11, 699.5, 2, false, f);
            w.row(2, 1, 5, 12.0, 4, true, f);
            w.finish("{\"producer\":\"test\"}", List.of(
                    new ExampleFile.Game("g1", "2099-01-01", "SYH", "SYV", "g1.json", Split.TRAIN, 0, 2, 1),
                    new ExampleFile.Game("g2", "2099-01-02", "SYH", "SYV", "g2.json", Split.VAL, 2, 0, 0),
                    new ExampleFile.Game("g3", "2099-01-03", "SYH", "SYV", "g3.7z", Split.TEST, 2, 1, 1)),
                    List.of(new ExampleFile.Task("101", "Synthetic H01", new int[] {1, 0, 0}),
                            new ExampleFile.Task("202", "Nom Accentué", new int[] {1, 0, 1})));
            assertThat(w.finished()).isTrue();
        }
        return out;
    }

    @Test
    void roundTripsGamesTasksAndRows() throws IOException {
        Path p = planted();
        assertThat(p).exists();
        ExampleFile f = ExampleFile.open(p);
        f.verifyChecksum();
        assertThat(f.metadata()).isEqualTo("{\"producer\":\"test\"}");
        assertThat(f.rows()).isEqualTo(3);
        assertThat(f.games()).extracting(ExampleFile.Game::gameId).containsExactly("g1", "g2", "g3");
        assertThat(f.games().get(2).split()).isEqualTo(Split.TEST);
        assertThat(f.tasks().get(1).name()).isEqualTo("Nom Accentué");
        assertThat(f.taskCounts(Split.TRAIN)).containsExactly(java.util.Map.entry("101", 1), java.util.Map.entry("202", 1));
        ExampleSet train = f.read(Split.TRAIN);
        assertThat(train.taskKeys()).containsExactly("101", "202");
        assertThat(train.labels()).containsExactly(1, 0);
        assertThat(train.frames()).containsExactly(10, 11);
        assertThat(train.feature(0, 0)).isEqualTo(0.5);
        assertThat(train.feature(0, 11)).isEqualTo(11.5);
        assertThat(train.feature(1, 11)).isNaN();
        assertThat(f.read(Split.VAL).size()).isZero();
        ExampleSet test = f.read(Split.TEST);
        assertThat(test.games()).containsExactly(2);
        ExampleFile.Row row = new ExampleFile.Row();
        try (ExampleFile.Cursor c = f.cursor(null)) {
            c.next(row);
            assertThat(row.gameClock).isEqualTo(700.25f);
            assertThat(row.period).isEqualTo(1);
            c.next(row);
            c.next(row);
            assertThat(row.period).isEqualTo(4);
            assertThat(c.hasNext()).isFalse();
        }
        // the layout documented in the class: 40 fixed bytes, tables, 66-byte rows, 12-byte trailer
        assertThat(ExampleFile.ROW_BYTES).isEqualTo(66);
        byte[] b = Files.readAllBytes(p);
        assertThat(Arrays.copyOf(b, 8)).containsExactly(0x89, 'F', 'G', 'E', 'X', '\r', '\n', 0x1A);
        assertThat(b[8]).isEqualTo((byte) 1);
        int header = (b[12] & 0xff) | (b[13] & 0xff) << 8 | (b[14] & 0xff) << 16;
        assertThat(b.length).isEqualTo(header + 3 * 66 + 12);
    }

    @Test
    void refusesFilesThatAreIncompleteDamagedOrOfAnotherVersion() throws IOException {
        Path p = planted();
        byte[] good = Files.readAllBytes(p);

        Path cut = dir.resolve("cut.fgex");
        Files.write(cut, Arrays.copyOf(good, good.length - 30));
        assertThatThrownBy(() -> ExampleFile.open(cut)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining(cut.toString()).hasMessageContaining("truncated or not completely written");

        byte[] v2 = good.clone();
        v2[8] = 2;
        Path newer = Files.write(dir.resolve("v2.fgex"), v2);
        assertThatThrownBy(() -> ExampleFile.open(newer))
                .hasMessageContaining("format version 2 is not supported (this finegrain reads version 1)");

        byte[] text = good.clone();
        text[0] = 'F';
        Path magic = Files.write(dir.resolve("m.fgex"), text);
        assertThatThrownBy(() -> ExampleFile.open(magic)).hasMessageContaining("not a finegrain example file");

        Path flipped = Files.write(dir.resolve("f.fgex"), good);
        try (RandomAccessFile raf = new RandomAccessFile(flipped.toFile(), "rw")) {
            raf.seek(good.length - 12 - 66 + 20); // a feature byte of the last row
            raf.write(good[good.length - 12 - 66 + 20] ^ 0x40);
        }
        ExampleFile opened = ExampleFile.open(flipped);
        assertThatThrownBy(opened::verifyChecksum).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("checksum mismatch");

        byte[] label = good.clone();
        label[good.length - 12 - 66 + 17] = 7; // the label byte of the last row
        Path badLabel = Files.write(dir.resolve("l.fgex"), label);
        assertThatThrownBy(() -> ExampleFile.open(badLabel).read(Split.TEST))
                .hasMessageContaining("row 2: label 7, expected 0 or 1");
    }

    @Test
    void aWriterClosedWithoutFinishingLeavesNothing() throws IOException {
        Path out = dir.resolve("never.fgex");
        try (ExampleFile.Writer w = new ExampleFile.Writer(out)) {
            w.row(0, 0, 0, 1.0, 1, false, new double[12]);
        }
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
        }
        // games that do not tile the rows are refused before anything is moved into place
        try (ExampleFile.Writer w = new ExampleFile.Writer(out)) {
            w.row(0, 0, 0, 1.0, 1, false, new double[12]);
            assertThatThrownBy(() -> w.finish("{}", List.of(), List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the games hold 0 rows, 1");
        }
        assertThat(Files.exists(out)).isFalse();
    }
}
