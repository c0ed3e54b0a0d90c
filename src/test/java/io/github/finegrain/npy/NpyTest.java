package io.github.finegrain.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .npy} files are untrusted input: sizes in the header are checked against the data before allocating. */
class NpyTest {
    @TempDir
    Path dir;

    /** A version 1.0 file with {@code shape} in the header and {@code dataBytes} zero bytes of data. */
    static byte[] npy(String descr, String shape, int dataBytes) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.write(header.length() & 0xff);
        b.write(header.length() >>> 8);
        b.write(header.getBytes(StandardCharsets.ISO_8859_1));
        b.write(new byte[dataBytes]);
        return b.toByteArray();
    }

    @Test
    void roundTrip() throws IOException {
        Path f = dir.resolve("a.npy");
        Npy.writeDoubles(f, new NpyArray(new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6e300}));
        NpyArray a = Npy.read(f);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.data()).containsExactly(1, 2, 3, 4, 5, 6e300);
    }

    @Test
    void aSmallFileClaimingABillionValuesIsRefusedBeforeAllocating() throws IOException {
        Path f = Files.write(dir.resolve("claims.npy"), npy("<f8", "(1000, 1000, 1000)", 800));
        assertThat(Files.size(f)).isLessThan(1024);
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(NpyFormatException.class)
                .hasMessage(f + ": the header's shape [1000, 1000, 1000] of <f8 needs 8000000128 bytes but the file "
                        + "has 928");
        // from a stream (no length known): fails at the end of the data actually there
        byte[] bytes = npy("<f8", "(1000, 1000, 1000)", 800);
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(bytes), "stream"))
                .isInstanceOf(NpyFormatException.class)
                .hasMessageStartingWith("stream: file ends inside the data (value 0 of 1000000000)");
    }

    @Test
    void negativeOverflowingOrTooManyDimensionsAreRefused() throws IOException {
        Path neg = Files.write(dir.resolve("neg.npy"), npy("<f8", "(-1, -8)", 64));
        assertThatThrownBy(() -> Npy.read(neg)).isInstanceOf(NpyFormatException.class)
                .hasMessage(neg + ": shape entry -1 in header is negative");
        Path big = Files.write(dir.resolve("big.npy"), npy("<f4", "(65536, 65536)", 16));
        assertThatThrownBy(() -> Npy.read(big)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("holds more than the 2147483639 values");
        Path huge = Files.write(dir.resolve("huge.npy"), npy("<f4", "(99999999999999999999,)", 16));
        assertThatThrownBy(() -> Npy.read(huge)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("bad shape entry '99999999999999999999'");
        Path deep = Files.write(dir.resolve("deep.npy"), npy("<f4", "(" + "1, ".repeat(100) + ")", 4));
        assertThatThrownBy(() -> Npy.read(deep)).isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("more than 64 dimensions");
    }
}
