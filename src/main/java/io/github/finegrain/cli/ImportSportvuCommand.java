package io.github.finegrain.cli;

import io.github.finegrain.data.sportvu.SplitRule;
import io.github.finegrain.data.sportvu.SportvuImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code finegrain import-sportvu}: SportVU game logs ({@code .7z} or {@code .json}) and stats.nba.com play-by-play
 * in, an example file ({@link io.github.finegrain.data.ExampleFile}) and an import report out
 * ({@link SportvuImport} documents every rule). Exit codes: 0 ok; 2 usage error; 3 bad input data (nothing is
 * written then). With {@code --spark MASTER} the games are imported on Spark ({@link SparkImport}) into the same file.
 */
@Command(name = "import-sportvu", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Import SportVU game logs (.7z or .json) and their play-by-play into an example file for "
                + "'train --examples'.",
            "Labels come from the play-by-play field-goal attempts; games are split into train/val/test by game."})
public final class ImportSportvuCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "GAME", description = "game files (.7z, .json) or directories of them")
    List<Path> inputs;

    @Option(names = {"--play-by-play", "--pbp"}, required = true, paramLabel = "DIR",
            description = "directory of play-by-play CSV files named <gameid>.csv")
    Path playByPlay;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "example file to write (.fgex)")
    Path out;

    @Option(names = "--report", paramLabel = "FILE",
            description = "import report (JSON; default: FILE.report.json next to --out)")
    Path report;

    @Option(names = "--rate-hz", defaultValue = "5", paramLabel = "HZ",
            description = "rate at which ball-handler frames become examples, (0, 25] (default: ${DEFAULT-VALUE}, "
                    + "like the bundled data)")
    double rateHz;

    @Option(names = "--val-fraction", defaultValue = "0.2", paramLabel = "F",
            description = "share of games for validation in the seeded split (default: ${DEFAULT-VALUE})")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.2", paramLabel = "F",
            description = "share of games for test in the seeded split (default: ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--split-seed", defaultValue = "12345", paramLabel = "S",
            description = "seed of the split by game (default: ${DEFAULT-VALUE})")
    long splitSeed;

    @Option(names = "--train-games", split = ",", paramLabel = "ID",
            description = "explicit split: game ids for training (then --val-games and --test-games too)")
    List<String> trainGames;

    @Option(names = "--val-games", split = ",", paramLabel = "ID", description = "explicit split: validation games")
    List<String> valGames;

    @Option(names = "--test-games", split = ",", paramLabel = "ID", description = "explicit split: test games")
    List<String> testGames;

    @Option(names = "--replace",
            description = "replace an existing example file and report (without it an import refuses to overwrite)")
    boolean replace;

    @Option(names = "--skip-bad-games",
            description = "drop a game that cannot be read (listed in the report) instead of failing the import")
    boolean skipBadGames;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Import on Apache Spark at MASTER (e.g. local[2] or spark://host:7077), one task per game "
                    + "file; per-game shards go to a folder next to --out, which must be on a file system every "
                    + "executor can write. Needs a build with the spark profile (mvn -Pspark package).")
    String sparkMaster;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (sparkMaster != null) {
            SparkProfile.checkMaster(sparkMaster);
        }
        SparkImport sparkImport = sparkMaster == null ? null : SparkImport.load();
        SplitRule rule;
        if (trainGames != null || valGames != null || testGames != null) {
            rule = new SplitRule.Explicit(set(trainGames), set(valGames), set(testGames));
        } else {
            rule = new SplitRule.Seeded(valFraction, testFraction, splitSeed);
        }
        SportvuImport.Options options = new SportvuImport.Options(playByPlay, rateHz, rule, skipBadGames);
        Path rep = report != null ? report : out.resolveSibling(out.getFileName() + ".report.json");
        for (Path in : inputs) {
            if (!java.nio.file.Files.exists(in)) {
                throw new java.nio.file.NoSuchFileException(in.toString(), null, "missing game file or folder");
            }
        }
        CliFiles.inputFolder(playByPlay, "the play-by-play folder");
        CliFiles.outputFile(out, "the example file");
        CliFiles.outputFile(rep, "the import report");
        for (Path existing : new Path[] {out, rep}) {
            if (!replace && java.nio.file.Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(existing + " exists: an import never overwrites a file; choose "
                        + "another --out (or --report), delete it, or give --replace");
            }
        }
        SportvuImport.Result r;
        if (sparkImport != null) {
            r = sparkImport.run(sparkMaster, inputs, out, rep, options, (done, total, file) -> {
                o.printf(Locale.ROOT, "  game file %d/%d merged: %s%n", done, total, file.getFileName());
                o.flush();
            });
        } else if (System.console() != null) {
            try (me.tongfei.progressbar.ProgressBar bar = new me.tongfei.progressbar.ProgressBarBuilder()
                    .setTaskName("import").setInitialMax(1).setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII)
                    .build()) {
                r = SportvuImport.run(inputs, out, rep, options, (done, total, file) -> {
                    bar.maxHint(total);
                    bar.stepTo(done);
                    bar.setExtraMessage(" " + file.getFileName());
                });
            }
        } else {
            r = SportvuImport.run(inputs, out, rep, options, (done, total, file) -> {
                o.printf(Locale.ROOT, "  game file %d/%d done: %s%n", done, total, file.getFileName());
                o.flush();
            });
        }
        print(o, r, rep);
        return 0;
    }

    private static Set<String> set(List<String> ids) {
        return ids == null ? Set.of() : new LinkedHashSet<>(ids.stream().map(String::trim).toList());
    }

    @SuppressWarnings("unchecked")
    static void print(PrintWriter o, SportvuImport.Result r, Path rep) {
        Map<String, Object> report = r.report();
        List<Map<String, Object>> games = (List<Map<String, Object>>) report.get("games");
        o.printf(Locale.ROOT, "import-sportvu: %d game file(s) -> %s%n",
                ((Map<String, Object>) report.get("totals")).get("gameFiles"), r.output());
        List<String> stale = (List<String>) report.getOrDefault("staleFilesRemoved", List.of());
        if (!stale.isEmpty()) {
            o.println("  removed " + stale.size() + " stale partial file(s) of an interrupted import: "
                    + String.join(", ", stale));
        }
        o.printf(Locale.ROOT, "  %-10s %-10s %-9s %8s %7s %5s %11s %8s %9s %-5s%n", "game", "date", "teams", "moments",
                "dups", "FGA", "labelled", "examples", "positives", "split");
        for (Map<String, Object> g : games) {
            o.printf(Locale.ROOT, "  %-10s %-10s %-9s %8s %7s %5s %11s %8s %9s %-5s%n", g.get("gameId"), g.get("date"),
                    g.get("visitor") + "@" + g.get("home"), g.get("momentsKept"), g.get("duplicateMoments"),
                    g.get("fieldGoalAttempts"), g.get("shotsLabelled") + " (" + g.get("releasesFromFlight") + "f/"
                            + g.get("releasesFromClock") + "c)", g.get("examples"), g.get("positives"),
                    g.getOrDefault("split", "-"));
        }
        Map<String, Long> skipped = (Map<String, Long>) report.get("skipped");
        Map<String, Long> notes = (Map<String, Long>) report.get("notes");
        o.println("  skipped: " + (skipped.isEmpty() ? "nothing" : join(skipped)));
        if (!notes.isEmpty()) {
            o.println("  notes (kept): " + join(notes));
        }
        Map<String, Map<String, Long>> splits = (Map<String, Map<String, Long>>) report.get("splits");
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Map<String, Long>> e : splits.entrySet()) {
            s.append(s.length() > 0 ? ", " : "").append(e.getKey()).append(' ').append(e.getValue().get("games"))
                    .append(" games / ").append(e.getValue().get("rows")).append(" rows");
        }
        o.printf(Locale.ROOT, "  %d examples (%d positive) for %s; %s%n", r.rows(), r.positives(),
                ((Map<String, Object>) report.get("totals")).get("tasks") + " players", s);
        o.printf(Locale.ROOT, "  %.1f MB of JSON in %.2f s (%.1f MB/s)%n", r.jsonBytes() / 1e6, r.seconds(),
                r.megabytesPerSecond());
        if (r.rows() == 0) {
            o.println("  warning: no examples were produced; see the skip reasons above");
        }
        o.println("  report: " + rep);
        o.flush();
    }

    private static String join(Map<String, Long> m) {
        return String.join(", ", m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
    }
}
