package io.github.finegrain.data.sportvu;

import io.github.finegrain.bench.SyntheticGame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GameFileTest {
    @TempDir
    static Path shared;

    static SyntheticGame game;
    static Path archive;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeOneArchive() throws IOException {
        game = TestGames.small(31, 1);
        archive = TestGames.write7z(game, shared, "");
    }

    @Test
    void archiveNamesAreParsedFromTheirEndSoAGluedFolderPrefixIsIgnored() {
        assertThat(GameFile.parseName("01.23.2016.CHI.at.CLE.7z"))
                .isEqualTo(new GameFile.ArchiveName("2016-01-23", "CHI", "CLE", ""));
        assertThat(GameFile.parseName("2016.NBA.Raw.SportVU.Game.Logs01.01.2016.CHA.at.TOR.7z"))
                .isEqualTo(new GameFile.ArchiveName("2016-01-01", "CHA", "TOR", "2016.NBA.Raw.SportVU.Game.Logs"));
        assertThat(GameFile.parseName("data_12.25.2015.CLE.at.GSW.7z").prefix()).isEqualTo("data_");
        assertThat(GameFile.parseName("0021500659.7z")).isNull();
    }

    @Test
    void anArchiveWithAPrefixImportsLikeTheStandardOneAndItsNameIsCheckedAgainstTheContent() throws IOException {
        Path prefixed = Files.copy(archive, Files.createDirectories(dir.resolve("games"))
                .resolve("2099.NBA.Raw.SportVU.Game.Logs" + game.archiveName()));
        game.writePlayByPlay(dir.resolve("pbp"));
        SportvuImport.Result r = TestGames.importInto(dir, List.of(prefixed));
        assertThat(r.rows()).isEqualTo(game.truth().examples());
        @SuppressWarnings("unchecked")
        Map<String, Object> g = ((List<Map<String, Object>>) r.report().get("games")).get(0);
        assertThat(g.get("archiveNameMatchesContent")).isEqualTo(true);
        assertThat(g.get("archiveName")).isEqualTo(Map.of("date", "2099-01-01", "visitor", "SYV", "home", "SYH",
                "prefix", "2099.NBA.Raw.SportVU.Game.Logs"));
        // a name that says another game is kept but noted
        Path wrong = Files.move(prefixed, prefixed.resolveSibling("02.02.2099.SYV.at.SYH.7z"));
        SportvuImport.Result w = TestGames.importInto(dir, List.of(wrong));
        assertThat(w.tally().get(SportvuImport.NOTE_NAME_MISMATCH)).isEqualTo(1);
        assertThat(w.tally().firstOccurrence().get(SportvuImport.NOTE_NAME_MISMATCH)).contains(wrong.toString())
                .contains("2099-01-01");
        assertThat(w.rows()).isEqualTo(game.truth().examples());
    }

    @Test
    void aTruncatedArchiveIsAnErrorNamingTheFile() throws IOException {
        byte[] bytes = Files.readAllBytes(archive);
        game.writePlayByPlay(dir.resolve("pbp"));
        for (int keep : new int[] {bytes.length / 2, bytes.length - 10, 20}) {
            Path cut = Files.createDirectories(dir.resolve("cut" + keep)).resolve(game.archiveName());
            Files.write(cut, Arrays.copyOf(bytes, keep));
            assertThatThrownBy(() -> TestGames.importInto(dir, List.of(cut)))
                    .isInstanceOf(DataFormatException.class).hasMessageStartingWith(cut.toString());
        }
        assertThat(Files.exists(dir.resolve("out.fgex"))).isFalse();
    }

    @Test
    void corruptArchiveDataIsAnErrorNamingTheFileAndWhereTheLogBroke() throws IOException {
        byte[] bytes = Files.readAllBytes(archive);
        game.writePlayByPlay(dir.resolve("pbp"));
        // damage the LZMA stream in its middle (the 7z header is at the end, the stream starts after 32 bytes)
        for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) {
            bytes[i] ^= (byte) 0x5A;
        }
        Path bad = Files.createDirectories(dir.resolve("bad")).resolve(game.archiveName());
        Files.write(bad, bytes);
        assertThatThrownBy(() -> TestGames.importInto(dir, List.of(bad)))
                .isInstanceOf(DataFormatException.class).hasMessageStartingWith(bad.toString())
                .hasMessageContaining(game.gameId() + ".json");
        // not an archive at all
        Path text = Files.writeString(dir.resolve("bad").resolve("03.03.2099.SYV.at.SYH.7z"), "hello");
        assertThatThrownBy(() -> GameFile.of(text).read((in, s) -> in.read()))
                .isInstanceOf(DataFormatException.class).hasMessageStartingWith(text.toString())
                .hasMessageContaining("not a readable 7z archive");
    }

    @Test
    void inputsAreFilesOrDirectoriesOfGameFiles() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "not a game");
        assertThatThrownBy(() -> GameFile.find(List.of(empty))).isInstanceOf(DataFormatException.class)
                .hasMessage(empty + ": no game files (*.7z, *.json) in this directory");
        assertThatThrownBy(() -> GameFile.find(List.of(empty.resolve("notes.txt"))))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("not a game file");
        assertThatThrownBy(() -> GameFile.find(List.of(dir.resolve("missing.7z"))))
                .isInstanceOf(NoSuchFileException.class);
        Path games = Files.createDirectories(dir.resolve("g"));
        Files.writeString(games.resolve("b.json"), "{}");
        Files.writeString(games.resolve("a.7z"), "");
        Files.createDirectories(games.resolve("sub.json"));
        assertThat(GameFile.find(List.of(games))).extracting(f -> f.path().getFileName().toString())
                .containsExactly("a.7z", "b.json");
    }
}
