package io.github.finegrain.bench;

import io.github.finegrain.data.sportvu.GameFile;
import io.github.finegrain.data.sportvu.SplitRule;
import io.github.finegrain.data.sportvu.SportvuImport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The import benchmark (prints numbers; not a test): generates one full-size <b>synthetic</b> game
 * ({@link SyntheticGame.Options#fullSize}: 2,800 s at 25 Hz, about 100 MB of JSON) as {@code .json} and as
 * {@code .7z} (LZMA, 16 MiB dictionary like the public archives), then imports each on the calling thread and
 * reports the JSON throughput (MB = 10^6 bytes of uncompressed JSON per second of import wall time), the peak heap
 * (the sum of the heap pools' peak usage since a reset after a full GC), and, for the archive, the speed of LZMA
 * decoding alone (reading the entry to nowhere), which bounds it. Run it under the memory limit it claims, on one
 * core: {@code java -Xmx256m -XX:ActiveProcessorCount=1 -jar target/finegrain.jar bench-import}.
 */
public final class ImportBenchmark {
    private ImportBenchmark() {
    }

    /** Runs the benchmark in {@code dir} (created; the generated files stay there), printing to {@code out}. */
    public static void run(Path dir, int repeats, PrintWriter out) throws IOException {
        Files.createDirectories(dir);
        long g0 = System.nanoTime();
        SyntheticGame game = SyntheticGame.generate(SyntheticGame.Options.fullSize(1, 1));
        Path games = dir.resolve("games");
        Path json = game.writeJson(games.resolve("json"));
        Path sevenZ = game.write7z(games.resolve("7z"), "", false);
        Path pbp = dir.resolve("play-by-play");
        game.writePlayByPlay(pbp);
        SyntheticGame.Truth truth = game.truth();
        out.printf(Locale.ROOT, "synthetic full-size game %s: %d unique moments (%.0f s at 25 Hz), %d copies in %d "
                        + "events; %.1f MB JSON, %.1f MB 7z; generated in %.1f s%n", game.gameId(),
                truth.uniqueMoments(), truth.uniqueMoments() * 0.04, truth.momentCopies(), game.events().size(),
                Files.size(json) / 1e6, Files.size(sevenZ) / 1e6, (System.nanoTime() - g0) / 1e9);
        out.printf(Locale.ROOT, "truth: %d FGA, %d ball-handler frames at 5 Hz, %d examples, %d positives%n",
                truth.fieldGoalAttempts(), truth.handlerFrames(), truth.examples(), truth.positives());
        game = null; // let the generator's model go before measuring
        out.printf(Locale.ROOT, "JVM: max heap %d MB, %d available processor(s), %s %s%n",
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        out.flush();
        SportvuImport.Options options = new SportvuImport.Options(pbp, 5.0, SplitRule.Seeded.DEFAULT, false);
        for (Path input : List.of(json, sevenZ)) {
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < repeats; i++) {
                resetPeaks();
                SportvuImport.Result r = SportvuImport.run(List.of(input), dir.resolve("bench.fgex"), null, options);
                long peak = peakHeap();
                rates.add(r.megabytesPerSecond());
                out.printf(Locale.ROOT, "import %-5s run %d: %.1f MB JSON in %.2f s = %6.1f MB/s, peak heap %5.1f MB; "
                                + "%d examples (%d positive) %s%n", input.getFileName().toString().endsWith(".7z")
                                ? ".7z" : ".json", i + 1, r.jsonBytes() / 1e6, r.seconds(), r.megabytesPerSecond(),
                        peak / 1e6, r.rows(), r.positives(),
                        r.rows() == truth.examples() && r.positives() == truth.positives() ? "= truth" : "!= truth");
                out.flush();
            }
            out.printf(Locale.ROOT, "import %-5s best %.1f MB/s%n", input.toString().endsWith(".7z") ? ".7z" : ".json",
                    rates.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
        for (int i = 0; i < repeats; i++) {
            resetPeaks();
            long t0 = System.nanoTime();
            long n = GameFile.of(sevenZ).read((in, source) -> in.transferTo(OutputStream.nullOutputStream()));
            double s = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "LZMA decoding alone run %d: %.1f MB in %.2f s = %6.1f MB/s, peak heap %5.1f MB%n",
                    i + 1, n / 1e6, s, n / 1e6 / s, peakHeap() / 1e6);
            out.flush();
        }
        Files.deleteIfExists(dir.resolve("bench.fgex"));
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** {@code java ... ImportBenchmark [DIR [REPEATS]]}. */
    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("finegrain-bench");
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        run(dir, repeats, new PrintWriter(System.out, true));
    }
}
