package io.github.finegrain.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading search space files: the shipped default, and one malformed field at a time. */
class SearchSpaceTest {
    @TempDir
    Path dir;

    private static final String VALID = """
            {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 7,
             "parameters": {"rank": {"min": 5, "max": 40}, "delta": {"min": 1e-4, "max": 5e-2, "scale": "log"}}}
            """;

    private Path write(String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    @Test
    void theDefaultSpaceOfTheTuneCommandSearchesRankAndDelta() throws IOException {
        SearchSpace s = SearchSpace.read(Path.of("tuning/rank-delta.json"));
        assertThat(s.name()).isEqualTo("rank-delta");
        assertThat(s.search()).isEqualTo(SearchSpace.Search.RANDOM);
        assertThat(s.candidates()).isEqualTo(4);
        assertThat(s.rank()).isEqualTo(new Range(5, 40, Range.Scale.LINEAR));
        assertThat(s.delta()).isEqualTo(new Range(1e-4, 5e-2, Range.Scale.LOG));
        assertThat(s.learningRate()).isNull();
        assertThat(s.cpLearningRate()).isNull();
        assertThat(s.describe()).isEqualTo("rank [5, 40], delta [0.0001, 0.05] log");
    }

    @Test
    void readsEveryFieldWithDefaultsForTheOptionalOnes() throws IOException {
        SearchSpace s = SearchSpace.read(write("my-space.json", """
                {"formatVersion": 1, "name": "lr_grid", "search": "grid", "candidates": 9, "seed": -3,
                 "gridPoints": 4, "parameters": {"rank": 12, "learningRate": {"min": 0.01, "max": 0.04},
                 "cpLearningRate": {"min": 0.001, "max": 0.003, "scale": "linear"}}}
                """));
        assertThat(s).isEqualTo(new SearchSpace("lr_grid", SearchSpace.Search.GRID, 9, -3, 4, Range.fixed(12), null,
                new Range(0.01, 0.04, Range.Scale.LOG), new Range(0.001, 0.003, Range.Scale.LINEAR)));
        SearchSpace named = SearchSpace.read(write("from-file.json", VALID));
        assertThat(named.name()).isEqualTo("from-file");
        assertThat(named.gridPoints()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing seed        | {"formatVersion": 1, "search": "random", "candidates": 4, "parameters": {}}                              | field 'seed': expected a value, found none (the field is missing)
            wrong version       | {"formatVersion": 2, "search": "random", "candidates": 4, "seed": 1, "parameters": {}}                   | field 'formatVersion': expected format version 1, found 2
            unknown search      | {"formatVersion": 1, "search": "bayes", "candidates": 4, "seed": 1, "parameters": {}}                    | field 'search': expected "random" or "grid", found "bayes"
            zero candidates     | {"formatVersion": 1, "search": "random", "candidates": 0, "seed": 1, "parameters": {}}                   | field 'candidates': expected an integer >= 1, found 0
            text candidates     | {"formatVersion": 1, "search": "random", "candidates": "4", "seed": 1, "parameters": {}}                 | field 'candidates': expected an integer, found "4"
            unknown field       | {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 1, "parameters": {}, "seeds": 2}       | unknown field 'seeds'; expected one of [candidates, formatVersion, gridPoints, name, parameters, search, seed]
            unknown parameter   | {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 1, "parameters": {"rnak": 5}}          | unknown field 'parameters.rnak'
            fractional rank     | {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 1, "parameters": {"rank": {"min": 2.5, "max": 9}}} | field 'parameters.rank.min': expected an integer >= 1, found 2.5
            log rank            | {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 1, "parameters": {"rank": {"min": 2, "max": 9, "scale": "log"}}} | field 'parameters.rank.scale': expected "linear" (an integer range has no log scale), found "log"
            reversed delta      | {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 1, "parameters": {"delta": {"min": 0.05, "max": 0.001}}} | field 'parameters.delta.max': expected a value >= min (0.05), found 0.001
            zero on a log scale | {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 1, "parameters": {"delta": {"min": 0, "max": 0.01}}} | field 'parameters.delta.min': expected a number > 0 on a log scale, found 0
            negative rate       | {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 1, "parameters": {"learningRate": -0.1}} | field 'parameters.learningRate': expected a number > 0, found -0.1
            missing max         | {"formatVersion": 1, "search": "random", "candidates": 4, "seed": 1, "parameters": {"delta": {"min": 0.001}}} | field 'parameters.delta.max': expected a value, found none (the field is missing)
            one grid point      | {"formatVersion": 1, "search": "grid", "candidates": 4, "seed": 1, "gridPoints": 1, "parameters": {}}    | field 'gridPoints': expected an integer >= 2, found 1
            bad name            | {"formatVersion": 1, "name": "../up", "search": "grid", "candidates": 4, "seed": 1, "parameters": {}}    | field 'name': expected a name of letters, digits, '.', '_' or '-', found "../up"
            dots name           | {"formatVersion": 1, "name": "..", "search": "grid", "candidates": 4, "seed": 1, "parameters": {}}      | field 'name': expected a name of letters, digits, '.', '_' or '-', found ".."
            dot name            | {"formatVersion": 1, "name": ".", "search": "grid", "candidates": 4, "seed": 1, "parameters": {}}       | field 'name': expected a name of letters, digits, '.', '_' or '-', found "."
            grid of 1e9 points  | {"formatVersion": 1, "search": "grid", "candidates": 4, "seed": 1, "gridPoints": 1000, "parameters": {"delta": {"min": 0.001, "max": 0.1}, "learningRate": {"min": 0.001, "max": 0.1}, "cpLearningRate": {"min": 0.001, "max": 0.1}}} | field 'gridPoints': expected a grid of at most 100000 points (Arbiter enumerates the whole grid in memory), found 1000 values per parameter, 1.00e+09 points
            grid of 2^31-1      | {"formatVersion": 1, "search": "grid", "candidates": 4, "seed": 1, "gridPoints": 2147483647, "parameters": {"delta": {"min": 0.001, "max": 0.1}}} | found 2147483647 values per parameter, 2.15e+09 points
            array               | [1, 2]                                                                                                   | expected a JSON object, found array
            """)
    void aMalformedFieldIsADataFormatExceptionNamingTheFileAndTheField(String label, String json, String message)
            throws IOException {
        Path f = write("bad.json", json);
        assertThatThrownBy(() -> SearchSpace.read(f)).as(label).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(f + ": ").hasMessageContaining(message);
    }

    @Test
    void invalidJsonSaysWhere() throws IOException {
        Path f = write("broken.json", "{\"formatVersion\": 1,\n \"search\": random}");
        assertThatThrownBy(() -> SearchSpace.read(f)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(f + ": not valid JSON: ").hasMessageContaining("line 2");
        Path dup = write("dup.json", "{\"seed\": 1, \"seed\": 2}");
        assertThatThrownBy(() -> SearchSpace.read(dup)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("Duplicate field 'seed'");
    }

    @Test
    void deepNestingHugeStringsAndAFolderAreRefusedNamingTheFile() throws IOException {
        Path deep = write("deep.json", "{\"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        assertThatThrownBy(() -> SearchSpace.read(deep)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(deep + ": not valid JSON: ").hasMessageContaining("nesting depth");
        Path huge = write("huge.json", "{\"name\": \"" + "a".repeat(2 << 20) + "\"}");
        assertThatThrownBy(() -> SearchSpace.read(huge)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(huge + ": ").hasMessageContaining("bytes allowed");
        Path folder = Files.createDirectories(dir.resolve("folder.json"));
        assertThatThrownBy(() -> SearchSpace.read(folder)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(folder + ": not a regular file");
        Path dots = write("...json", "{\"formatVersion\": 1, \"search\": \"random\", \"candidates\": 4, "
                + "\"seed\": 1, \"parameters\": {}}");
        assertThatThrownBy(() -> SearchSpace.read(dots)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("field 'name'");
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        Path f = dir.resolve("absent.json");
        assertThatThrownBy(() -> SearchSpace.read(f)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(f.toString());
    }
}
