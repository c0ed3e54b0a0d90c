package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextFilesTest {
    static List<String> lines(byte[] b, int maxChars) throws IOException {
        return TextFiles.readLines(new ByteArrayInputStream(b), "in.csv", "a test file", maxChars, 1 << 20);
    }

    @Test
    void splitsOnLfCrLfAndCrAndKeepsEmptyLines() throws IOException {
        byte[] b = "a,b\r\nc\n\nd\re\u00e9".getBytes(StandardCharsets.UTF_8);
        assertThat(lines(b, 100)).containsExactly("a,b", "c", "", "d", "e\u00e9");
    }

    @Test
    void aLongLineOrBytesThatAreNotUtf8NameTheLine() {
        byte[] longLine = ("ok\n" + "x".repeat(5000) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> lines(longLine, 1000)).isInstanceOf(DataFormatException.class)
                .hasMessage("in.csv line 2: longer than the 1000 characters allowed in a test file");
        byte[] endless = "y".repeat(300_000).getBytes(StandardCharsets.UTF_8); // no line end at all
        assertThatThrownBy(() -> lines(endless, 1000)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("in.csv line 1: longer than");
        byte[] latin1 = "ok\nfine\nJos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> lines(latin1, 1000)).isInstanceOf(DataFormatException.class)
                .hasMessage("in.csv line 3: a test file is not UTF-8 text");
        byte[] big = new byte[(1 << 20) + 1];
        java.util.Arrays.fill(big, (byte) '\n');
        assertThatThrownBy(() -> lines(big, 1000)).isInstanceOf(DataFormatException.class)
                .hasMessage("in.csv: a test file is larger than the 1048576 bytes allowed");
    }
}
