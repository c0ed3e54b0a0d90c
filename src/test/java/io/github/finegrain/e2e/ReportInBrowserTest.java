package io.github.finegrain.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.finegrain.cli.FinegrainCli;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The report as an analyst sees it: {@code plot} on the shipped model writes {@code report.html} and a comparison
 * page, headless Chromium opens each, takes a full-page screenshot (kept in {@code target/e2e/} to look at) and
 * reports, from inside the page, every image that failed to load and the sections present.
 *
 * <p>Runs only in the e2e profile ({@code mvn verify -Pe2e}); needs Chromium on the PATH (Debian:
 * {@code apt-get install chromium}) and fails with that message without it.
 */
@Tag("slow")
class ReportInBrowserTest {
    static final Path OUT = Path.of("target", "e2e");
    static final List<String> SECTIONS = List.of("reading", "predictions", "defender-effect", "components",
            "training", "metrics", "export");

    /** Appended to a copy of the page: writes what the browser saw into a {@code <pre id="e2e-result">}. */
    static final String PROBE = "<script>window.addEventListener('load', function () {"
            + "var imgs = document.images, bad = [];"
            + "for (var i = 0; i < imgs.length; i++) {"
            + "  if (!(imgs[i].complete && imgs[i].naturalWidth > 0)) { bad.push(imgs[i].getAttribute('src')); } }"
            + "var secs = [].map.call(document.querySelectorAll('section[id]'), function (s) { return s.id; });"
            + "var pre = document.createElement('pre'); pre.id = 'e2e-result';"
            + "pre.textContent = 'IMAGES=' + imgs.length + ';BROKEN=' + bad.join('|') + ';SECTIONS=' + secs.join(',')"
            + " + ';END';"
            + "document.body.appendChild(pre); });</script>";

    @Test
    void reportAndComparisonLoadEveryImageInChromium() throws Exception {
        String browser = chromium().orElseGet(() -> fail("headless Chromium was not found on the PATH (tried "
                + "chromium, chromium-browser, google-chrome). Install it, e.g. on Debian/Ubuntu: "
                + "'sudo apt-get update && sudo apt-get install -y chromium', then rerun 'mvn verify -Pe2e'."));
        Path dir = OUT.resolve("report");
        deleteTree(dir);
        StringWriter err = new StringWriter();
        CommandLine cl = FinegrainCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("plot", "--model", Path.of("models", "cle-starters-mmtse", "model.zip").toString(),
                "--out", dir.toString(), "--compare", "LeBron James,league");
        assertThat(code).as(err.toString()).isZero();

        Result page = open(browser, dir.resolve("report.html"), OUT.resolve("report-screenshot.png"));
        assertThat(page.images).isGreaterThanOrEqualTo(2 + 2 + 2 * 6 + 2); // probability, effects, 6 components, curves
        assertThat(page.broken).isEmpty();
        assertThat(page.sections).containsAll(SECTIONS);
        assertThat(imgTags(dir.resolve("report.html"))).isEqualTo(page.images);

        Result compare = open(browser, dir.resolve("compare_LeBron_James_vs_league.html"),
                OUT.resolve("compare-screenshot.png"));
        assertThat(compare.images).isEqualTo(4);
        assertThat(compare.broken).isEmpty();
        assertThat(compare.sections).containsExactly("comparison");
    }

    record Result(int images, List<String> broken, List<String> sections) {
    }

    /** Screenshots {@code page} into {@code screenshot} and returns what the probe saw in a copy of it. */
    static Result open(String browser, Path page, Path screenshot) throws Exception {
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        Files.deleteIfExists(screenshot);
        run(browser, "--screenshot=" + screenshot.toAbsolutePath(), "--window-size=1200,16000",
                page.toAbsolutePath().toUri().toString());
        assertThat(screenshot).as("Chromium's screenshot of " + page).exists();
        BufferedImage shot = ImageIO.read(screenshot.toFile());
        assertThat(shot.getWidth()).isEqualTo(1200);
        assertThat(distinctColours(shot)).as("the screenshot shows pictures, not a blank page").isGreaterThan(500);

        String html = Files.readString(page, StandardCharsets.UTF_8);
        Path probe = page.resolveSibling("e2e_probe_" + page.getFileName());
        Files.writeString(probe, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
        try {
            String dom = run(browser, "--dump-dom", "--virtual-time-budget=15000",
                    probe.toAbsolutePath().toUri().toString());
            Matcher m = Pattern.compile("IMAGES=(\\d+);BROKEN=([^;]*);SECTIONS=([^;]*);END").matcher(dom);
            assertThat(m.find()).as("the probe's result in the DOM Chromium dumped for " + page).isTrue();
            return new Result(Integer.parseInt(m.group(1)),
                    m.group(2).isEmpty() ? List.of() : List.of(m.group(2).split("\\|")),
                    m.group(3).isEmpty() ? List.of() : List.of(m.group(3).split(",")));
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    static int imgTags(Path page) throws IOException {
        Matcher m = Pattern.compile("<img ").matcher(Files.readString(page));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static String run(String browser, String... args) throws Exception {
        Path profile = Files.createTempDirectory("finegrain-chromium");
        List<String> cmd = new java.util.ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--no-first-run", "--allow-file-access-from-files",
                "--user-data-dir=" + profile.toAbsolutePath()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("finegrain-chromium", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("Chromium did not finish within 180 s: " + cmd);
            }
            assertThat(p.exitValue()).as("Chromium's exit status for " + cmd + "; its log: " + Files.readString(log))
                    .isZero();
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
            deleteTree(profile);
        }
    }

    static Optional<String> chromium() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : path.split(File.pathSeparator)) {
                Path f = Path.of(d, name);
                if (Files.isExecutable(f)) {
                    return Optional.of(f.toString());
                }
            }
        }
        return Optional.empty();
    }

    static int distinctColours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
