package io.github.finegrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The reading limits of {@link JsonFiles} (checked by {@link LimitedJsonFactory} on Jackson 2.13). */
class JsonLimitsTest {
    @Test
    void documentsAtTheLimitsAreRead() throws DataFormatException {
        String deepest = "[".repeat(JsonFiles.MAX_NESTING) + "]".repeat(JsonFiles.MAX_NESTING);
        assertThat(JsonFiles.parse("{\"a\": " + deepest.substring(1, deepest.length() - 1) + "}", "t", "x")
                .get("a").isArray()).isTrue();
        String digits = "9".repeat(JsonFiles.MAX_NUMBER_CHARS);
        JsonNode n = JsonFiles.parse("{\"n\": " + digits + ", \"s\": \"" + "a".repeat(1000) + "\"}", "t", "x");
        assertThat(n.get("n").bigIntegerValue().toString()).isEqualTo(digits);
        assertThat(n.get("s").textValue()).hasSize(1000);
    }

    @Test
    void eachLimitIsEnforcedWithItsNameAndTheSource() {
        int depth = JsonFiles.MAX_NESTING + 1;
        assertThatThrownBy(() -> JsonFiles.parse("[".repeat(depth) + "]".repeat(depth), "f.json", "thing"))
                .isInstanceOf(DataFormatException.class).hasMessageStartingWith("f.json: bad thing (line 1, column")
                .hasMessageContaining("Document nesting depth (65) exceeds the maximum allowed (64)");
        assertThatThrownBy(() -> JsonFiles.parse("{\"n\": " + "1".repeat(JsonFiles.MAX_NUMBER_CHARS + 1) + "}",
                "f.json", "thing")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("Number value length (101) exceeds the maximum allowed (100)");
        assertThatThrownBy(() -> JsonFiles.parse("{\"s\": \"" + "a".repeat(JsonFiles.MAX_STRING_CHARS + 1) + "\"}",
                "f.json", "thing")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("String value length (" + (JsonFiles.MAX_STRING_CHARS + 1) + ")");
        assertThatThrownBy(() -> JsonFiles.parse("{\"" + "k".repeat(JsonFiles.MAX_STRING_CHARS + 1) + "\": 1}",
                "f.json", "thing")).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("Name length (" + (JsonFiles.MAX_STRING_CHARS + 1) + ")");
        assertThatThrownBy(() -> JsonFiles.parse("{\"a\": 1, \"a\": 2}", "f.json", "thing"))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void theLimitsHoldForValuesBoundToRecordsAndForCopiesOfTheMapper() throws Exception {
        String deep = "{\"a\": " + "[".repeat(100) + "]".repeat(100) + "}";
        assertThatThrownBy(() -> JsonFiles.mapper().readValue(deep, java.util.Map.class))
                .hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> JsonFiles.mapper().copy().readTree(deep)).hasMessageContaining("nesting depth");
    }
}
