package io.github.finegrain.cli;

import io.github.finegrain.bench.ImportBenchmark;
import io.github.finegrain.bench.SyntheticGame;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Hidden {@code finegrain synth-sportvu}: writes <b>synthetic</b> games in the exact SportVU schema with matching
 * play-by-play ({@link SyntheticGame}), for scale and fault tests only; with {@code --bench}, runs the import
 * benchmark ({@link ImportBenchmark}) instead.
 */
@Command(name = "synth-sportvu", hidden = true, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Write SYNTHETIC SportVU games and play-by-play (scale and fault tests only), or run the import "
                + "benchmark.")
public final class SynthSportvuCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "output directory: games in DIR/games, play-by-play in DIR/play-by-play")
    Path out;

    @Option(names = "--games", defaultValue = "1", description = "number of games (default: ${DEFAULT-VALUE})")
    int games;

    @Option(names = "--seconds", defaultValue = "2800",
            description = "running clock per game, s (default: ${DEFAULT-VALUE}, a full-size game of ~100 MB)")
    double seconds;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--format", defaultValue = "7z", description = "7z or json (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--prefix", defaultValue = "", description = "text glued in front of archive names")
    String prefix;

    @Option(names = "--bench", description = "run the import benchmark in --out instead")
    boolean bench;

    @Option(names = "--repeats", defaultValue = "3", description = "benchmark repeats (default: ${DEFAULT-VALUE})")
    int repeats;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (bench) {
            ImportBenchmark.run(out, repeats, o);
            return 0;
        }
        if (!"7z".equals(format) && !"json".equals(format)) {
            throw new IllegalArgumentException("--format must be 7z or json, found '" + format + "'");
        }
        if (games < 1) {
            throw new IllegalArgumentException("--games must be >= 1, found " + games);
        }
        CliFiles.outputFolder(out, "the synthetic games");
        for (int i = 1; i <= games; i++) {
            SyntheticGame g = SyntheticGame.generate(new SyntheticGame.Options(seed, i, seconds, 4, 6.0));
            Path f = "7z".equals(format) ? g.write7z(out.resolve("games"), prefix, false)
                    : g.writeJson(out.resolve("games"));
            g.writePlayByPlay(out.resolve("play-by-play"));
            SyntheticGame.Truth t = g.truth();
            o.printf(Locale.ROOT, "%s: SYNTHETIC game %s, %d moments, %d FGA; a 5 Hz import finds %d examples, %d "
                    + "positive%n", f, g.gameId(), t.uniqueMoments(), t.fieldGoalAttempts(), t.examples(),
                    t.positives());
        }
        o.flush();
        return 0;
    }
}
