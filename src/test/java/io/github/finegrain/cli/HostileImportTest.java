package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.finegrain.bench.SyntheticGame;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading past the data: the import stops at the end of a game's JSON document (issue 14 items 13 and 18). */
class HostileImportTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aGameFollowedByMegabytesOfSpacesIsRefusedAtOnceAndNotReportedDone() throws Exception {
        SyntheticGame g = SyntheticGame.generate(SyntheticGame.Options.small(41, 1, 160));
        Path game = g.writeJson(dir.resolve("games"));
        g.writePlayByPlay(dir.resolve("pbp"));
        try (OutputStream o = Files.newOutputStream(game, StandardOpenOption.APPEND)) {
            byte[] spaces = " ".repeat(1 << 16).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < 16; i++) {
                o.write(spaces); // 1 MiB here; the reader stops after 64 KiB whatever follows
            }
        }
        Path fgex = dir.resolve("out/ex.fgex");
        int code = CliRuns.run(out, err, new String[] {"import-sportvu", game.toString(), "--pbp",
            dir.resolve("pbp").toString(), "--out", fgex.toString()});
        assertThat(code).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(game.toString())
                .contains("more than 65536 bytes after the end of the game object; stopped reading");
        assertThat(out.toString()).doesNotContain("game file 1/1 done");
        assertThat(dir.resolve("out")).doesNotExist(); // the output folder it created was empty: removed
    }
}
