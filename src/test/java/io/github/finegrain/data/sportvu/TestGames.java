package io.github.finegrain.data.sportvu;

import io.github.finegrain.bench.SyntheticGame;
import io.github.finegrain.data.ExampleFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small synthetic games for tests, and the real excerpts in ../shared/data when present. */
public final class TestGames {
    /** Seconds of clock of a small test game (4 periods of 30 s: about 3,000 moments, 4 MB of JSON). */
    public static final double SMALL_SECONDS = 120;

    /** The shared real-data folder, resolved against the working directory (the project root under Maven). */
    public static final Path SHARED = Path.of("..", "shared", "data");

    private TestGames() {
    }

    /** A small game with seed {@code seed} and number {@code number}. */
    public static SyntheticGame small(long seed, int number) {
        return SyntheticGame.generate(SyntheticGame.Options.small(seed, number, SMALL_SECONDS));
    }

    /** Writes {@code game} as JSON into {@code dir/games} and its play-by-play into {@code dir/pbp}. */
    public static Path writeJson(SyntheticGame game, Path dir) throws IOException {
        game.writePlayByPlay(dir.resolve("pbp"));
        return game.writeJson(dir.resolve("games"));
    }

    /** Writes {@code game} as a fast-compressed 7z into {@code dir/games} and its play-by-play into {@code dir/pbp}. */
    public static Path write7z(SyntheticGame game, Path dir, String prefix) throws IOException {
        game.writePlayByPlay(dir.resolve("pbp"));
        return game.write7z(dir.resolve("games"), prefix, true);
    }

    /** Imports {@code inputs} with the default options and play-by-play in {@code dir/pbp}. */
    public static SportvuImport.Result importInto(Path dir, List<Path> inputs) throws IOException {
        return SportvuImport.run(inputs, dir.resolve("out.fgex"), dir.resolve("out.report.json"),
                SportvuImport.Options.defaults(dir.resolve("pbp")));
    }

    /** "event E, moment M" of the first copy of timeline moment {@code i} of {@code g}. */
    public static String whereFirstCopy(SyntheticGame g, int i) {
        for (SyntheticGame.SynthEvent e : g.events()) {
            if (e.from() <= i && i < e.to()) {
                return "event " + e.eventId() + ", moment " + (i - e.from());
            }
        }
        throw new IllegalArgumentException("moment " + i + " is in no event");
    }

    /** Files in {@code dir} whose names end with {@code .partial}. */
    public static List<Path> partials(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
        }
    }

    /** Opens and fully checks an example file. */
    public static ExampleFile openChecked(Path file) throws IOException {
        ExampleFile f = ExampleFile.open(file);
        f.verifyChecksum();
        return f;
    }
}
