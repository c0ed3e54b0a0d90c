package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.data.sportvu.TestGames;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 11: import-sportvu removes the partial files of an interrupted import and says so. */
class ImportStalePartialsTest {
    @TempDir
    Path dir;

    @Test
    void theStalePartialFilesAreRemovedAndNamed() throws Exception {
        Path game = TestGames.writeJson(TestGames.small(41, 1), dir);
        Path stale = Files.writeString(dir.resolve("games.fgex.7777.rows.partial"), "killed import");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CliRuns.run(out, err, new String[] {"import-sportvu", game.toString(), "--play-by-play",
            dir.resolve("pbp").toString(), "--out", dir.resolve("games.fgex").toString()});
        assertThat(code).as(err.toString()).isZero();
        assertThat(stale).doesNotExist();
        assertThat(out.toString()).contains("removed 1 stale partial file(s) of an interrupted import: "
                + "games.fgex.7777.rows.partial");
        assertThat(TestGames.partials(dir)).isEmpty();
    }
}
