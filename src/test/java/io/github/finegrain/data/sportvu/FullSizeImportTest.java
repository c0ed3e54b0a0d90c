package io.github.finegrain.data.sportvu;

import io.github.finegrain.bench.SyntheticGame;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full-size synthetic game (2,800 s at 25 Hz, about 100 MB of JSON) imported from .json and .7z. */
@Tag("slow")
class FullSizeImportTest {
    @TempDir
    Path dir;

    @Test
    void aFullSizeGameImportsToItsTruthFromJsonAnd7z() throws IOException {
        SyntheticGame g = SyntheticGame.generate(SyntheticGame.Options.fullSize(1, 1));
        SyntheticGame.Truth t = g.truth();
        Path json = TestGames.writeJson(g, dir);
        Path sevenZ = TestGames.write7z(g, dir.resolve("z"), "");
        g = null;
        assertThat(t.uniqueMoments()).isEqualTo(70_000);
        assertThat(Files.size(json)).isBetween(90_000_000L, 115_000_000L);
        assertThat(t.fieldGoalAttempts()).isBetween(150, 260); // NBA games: about 170 attempts
        SportvuImport.Result r = TestGames.importInto(dir, List.of(json));
        assertThat(r.rows()).isEqualTo(t.examples());
        assertThat(r.positives()).isEqualTo(t.positives());
        assertThat(r.jsonBytes()).isEqualTo(Files.size(json));
        @SuppressWarnings("unchecked")
        Map<String, Object> game = ((List<Map<String, Object>>) r.report().get("games")).get(0);
        assertThat(game.get("momentsRead")).isEqualTo(t.momentCopies());
        assertThat(game.get("momentsKept")).isEqualTo(70_000L);
        assertThat(game.get("shotsLabelled")).isEqualTo(t.fieldGoalAttempts());
        assertThat(TestGames.openChecked(dir.resolve("out.fgex")).rows()).isEqualTo(t.examples());

        Path z = dir.resolve("z");
        SportvuImport.Result rz = TestGames.importInto(z, List.of(sevenZ));
        assertThat(rz.rows()).isEqualTo(t.examples());
        assertThat(rz.jsonBytes()).isEqualTo(Files.size(json));
        ExampleFile a = ExampleFile.open(dir.resolve("out.fgex"));
        ExampleFile b = ExampleFile.open(z.resolve("out.fgex"));
        ExampleSet x = a.read(Split.TRAIN);
        ExampleSet y = b.read(Split.TRAIN);
        assertThat(y.features()).containsExactly(x.features());
        assertThat(y.labels()).containsExactly(x.labels());
    }
}
