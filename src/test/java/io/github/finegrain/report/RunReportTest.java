package io.github.finegrain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.grid.GridSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    static RunReport report(List<RunReport.Figure> figures) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("test log loss", 0.381234);
        metrics.put("test ROC AUC", 0.7);
        metrics.put("rank <K>", 10);
        metrics.put("note", "a & b");
        metrics.put("missing", Double.NaN);
        Map<String, Object> s0 = new LinkedHashMap<>();
        s0.put("kind", "full-rank");
        s0.put("grids", "4x5 / 6x6");
        s0.put("iterations", 120);
        s0.put("seconds", 2.4567);
        s0.put("end reason", "rule:window");
        Map<String, Object> s1 = new LinkedHashMap<>(s0);
        s1.put("kind", "cp");
        s1.put("end reason", "max-steps");
        s1.put("hand-off fit", 0.93);
        return new RunReport("Run <1> \"test\"", metrics, List.of(s0, s1), figures);
    }

    @Test
    void writesTheTablesEscaped() {
        String html = report(List.of()).html();
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<title>Run &lt;1&gt; &quot;test&quot;</title>")
                .contains("<tr><td>test log loss</td><td class=\"num\">0.3812</td></tr>")
                .contains("<tr><td>test ROC AUC</td><td class=\"num\">0.7</td></tr>")
                .contains("<tr><td>rank &lt;K&gt;</td><td class=\"num\">10</td></tr>")
                .contains("<tr><td>note</td><td>a &amp; b</td></tr>")
                .contains("<tr><td>missing</td><td class=\"num\">–</td></tr>")
                .contains("<tr><th>kind</th><th>grids</th><th>iterations</th><th>seconds</th><th>end reason</th>"
                        + "<th>hand-off fit</th></tr>")
                .contains("<tr><td>full-rank</td><td>4x5 / 6x6</td><td class=\"num\">120</td>"
                        + "<td class=\"num\">2.457</td><td>rule:window</td><td></td></tr>")
                .contains("<tr><td>cp</td><td>4x5 / 6x6</td><td class=\"num\">120</td>"
                        + "<td class=\"num\">2.457</td><td>max-steps</td><td class=\"num\">0.93</td></tr>")
                .doesNotContain("<figure>").doesNotContain("http");
        // metrics keep the caller's order
        assertThat(html.indexOf("test log loss")).isLessThan(html.indexOf("test ROC AUC"));
    }

    @Test
    void formatsNumbers() {
        assertThat(RunReport.format(1234.5678)).isEqualTo("1235");
        assertThat(RunReport.format(0.000012345)).isEqualTo("1.235e-05");
        assertThat(RunReport.format(2.0f)).isEqualTo("2");
        assertThat(RunReport.format(Double.POSITIVE_INFINITY)).isEqualTo("∞");
        assertThat(RunReport.format(7L)).isEqualTo("7");
        assertThat(RunReport.format(null)).isEmpty();
        assertThat(RunReport.escape("<a href='x'>&</a>")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
    }

    @Test
    void writesThePageNextToItsFigures(@TempDir Path dir) throws Exception {
        GridSpec g = GridSpec.court(4, 5);
        double[] v = new double[20];
        v[7] = 1;
        new CourtHeatmap(g, HeatmapOptions.titled("court")).write(v, dir.resolve("court_k0.png"));
        new DefenderBoxHeatmap(GridSpec.defenderBox(6, 6), HeatmapOptions.titled("box"))
                .write(new double[36], dir.resolve("box_k0.png"));
        Path page = report(List.of(new RunReport.Figure("court_k0.png", "Court factor <k=0>"),
                new RunReport.Figure("box_k0.png", "Defender factor"))).write(dir);
        assertThat(page).isEqualTo(dir.resolve(RunReport.FILE_NAME));
        String html = Files.readString(page);
        assertThat(html)
                .contains("<figure><img src=\"court_k0.png\" alt=\"Court factor &lt;k=0&gt;\">"
                        + "<figcaption>Court factor &lt;k=0&gt;</figcaption></figure>")
                .contains("<img src=\"box_k0.png\"");
        assertThat(html.indexOf("court_k0.png")).isLessThan(html.indexOf("box_k0.png"));
    }

    @Test
    void failsFastOnMissingOrUnsafeFigures(@TempDir Path dir) {
        assertThatThrownBy(() -> report(List.of(new RunReport.Figure("nope.png", "x"))).write(dir))
                .isInstanceOf(IOException.class).hasMessageContaining("nope.png").hasMessageContaining("not found");
        assertThat(dir.resolve(RunReport.FILE_NAME)).doesNotExist();
        assertThatThrownBy(() -> new RunReport.Figure("../x.png", "x")).hasMessageContaining("'../x.png'");
        assertThatThrownBy(() -> new RunReport.Figure("a\"b.png", "x")).hasMessageContaining("plain PNG file name");
        assertThatThrownBy(() -> new RunReport.Figure("x.svg", "x")).hasMessageContaining("'x.svg'");
    }

    @Test
    void writesSectionsWithRowsPanelsAndTablesAndChecksTheirFigures(@TempDir Path dir) throws Exception {
        RunReport r = RunReport.ofSections("t", List.of(
                new RunReport.Section("first", "First <one>", List.of(new RunReport.Text("a & b"),
                        new RunReport.Row(List.of(new RunReport.Figure("a.png", "A"), new RunReport.Figure("b.png",
                                "B")), "both"))),
                new RunReport.Section("second", "Second", List.of(new RunReport.Panel("P", List.of(
                        new RunReport.Table(List.of("x", "y"), List.of(List.of("k", 0.123456))),
                        new RunReport.Figure("c.png", "C")))))));
        String html = r.html();
        assertThat(html).contains("<section id=\"first\">\n<h2>First &lt;one&gt;</h2>")
                .contains("<p>a &amp; b</p>").contains("<a href=\"#second\">Second</a>")
                .contains("<div class=\"panel\">\n<h3>P</h3>").contains("<td class=\"num\">0.1235</td>");
        assertThat(html.indexOf("src=\"a.png\"")).isLessThan(html.indexOf("src=\"b.png\""));
        assertThat(r.allFigures()).extracting(RunReport.Figure::file).containsExactly("a.png", "b.png", "c.png");
        Files.write(dir.resolve("a.png"), new byte[] {1});
        Files.write(dir.resolve("b.png"), new byte[] {1});
        assertThatThrownBy(() -> r.write(dir)).hasMessageContaining("c.png");
        assertThatThrownBy(() -> new RunReport.Section("1x", "h", List.of())).hasMessageContaining("section id");
        assertThatThrownBy(() -> new RunReport.Table(List.of("x"), List.of(List.of(1, 2))))
                .hasMessageContaining("2 values for 1 columns");
    }
}
