package io.github.finegrain.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A one-page HTML report of a run, {@code report.html}: a metrics table, a stage table and figures (PNG files in the
 * same folder, referenced by name) with captions. The page has no external references (inline CSS, relative image
 * names); every text taken from the caller is HTML-escaped.
 *
 * <p>Tables: the metrics table has one row per entry, in the map's iteration order (pass a {@link LinkedHashMap}
 * for a chosen order). The stage table has one row per map and one column per key, the columns in order of first
 * appearance over the rows; a missing key is an empty cell. Values: floating-point numbers are written with 4
 * significant digits (NaN as "–"), other values with {@link String#valueOf}, null as an empty cell.
 *
 * @param title   page title and heading
 * @param metrics metric name to value (e.g. {@code "test log loss" -> 0.2871}); copied, order kept
 * @param stages  one map per stage (e.g. kind, court, defender, iterations, seconds, end reason); copied
 * @param figures the pictures in page order; copied
 */
public record RunReport(String title, Map<String, Object> metrics, List<Map<String, Object>> stages,
        List<Figure> figures) {

    /** Name of the page written by {@link #write}. */
    public static final String FILE_NAME = "report.html";

    private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.png");

    /**
     * A picture of the page.
     *
     * @param file    the PNG's file name in the report's folder: letters, digits, '.', '_' or '-', ending in
     *                {@code .png} (no folders)
     * @param caption the text under the picture
     */
    public record Figure(String file, String caption) {
        /** Validates the name. */
        public Figure {
            if (file == null || !SIMPLE_NAME.matcher(file).matches()) {
                throw new IllegalArgumentException("report figure: expected a plain PNG file name such as "
                        + "'court_k0.png', found '" + file + "'");
            }
            caption = caption == null ? "" : caption;
        }
    }

    /** Validates and copies. */
    public RunReport {
        if (title == null) {
            throw new IllegalArgumentException("report title must not be null");
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        List<Map<String, Object>> s = new ArrayList<>();
        for (Map<String, Object> m : stages) {
            s.add(Collections.unmodifiableMap(new LinkedHashMap<>(m)));
        }
        stages = Collections.unmodifiableList(s);
        figures = List.copyOf(figures);
    }

    /** The page. */
    public String html() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:1000px;color:#1a1a1a;padding:0 1em}\n")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}\n")
                .append("th,td{border:1px solid #ccc;padding:0.25em 0.7em;text-align:left}\n")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("th{background:#f2f2f2}\nfigure{margin:1.5em 0}\n")
                .append("img{max-width:100%;border:1px solid #eee}\nfigcaption{color:#444;margin-top:0.3em}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
        if (!metrics.isEmpty()) {
            b.append("<h2>Metrics</h2>\n<table class=\"metrics\">\n<tr><th>metric</th><th>value</th></tr>\n");
            for (Map.Entry<String, Object> e : metrics.entrySet()) {
                b.append("<tr><td>").append(escape(e.getKey())).append("</td>").append(cell(e.getValue()))
                        .append("</tr>\n");
            }
            b.append("</table>\n");
        }
        if (!stages.isEmpty()) {
            Set<String> cols = new LinkedHashSet<>();
            stages.forEach(m -> cols.addAll(m.keySet()));
            b.append("<h2>Stages</h2>\n<table class=\"stages\">\n<tr>");
            for (String c : cols) {
                b.append("<th>").append(escape(c)).append("</th>");
            }
            b.append("</tr>\n");
            for (Map<String, Object> m : stages) {
                b.append("<tr>");
                for (String c : cols) {
                    b.append(cell(m.get(c)));
                }
                b.append("</tr>\n");
            }
            b.append("</table>\n");
        }
        if (!figures.isEmpty()) {
            b.append("<h2>Figures</h2>\n");
            for (Figure f : figures) {
                b.append("<figure><img src=\"").append(escape(f.file())).append("\" alt=\"")
                        .append(escape(f.caption())).append("\"><figcaption>").append(escape(f.caption()))
                        .append("</figcaption></figure>\n");
            }
        }
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    /**
     * Writes {@link #html} to {@code folder/report.html} (folder created), after checking that every figure is a
     * file in {@code folder}.
     *
     * @return the page's path
     * @throws IOException if a figure's PNG is not in the folder, or the page cannot be written
     */
    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (Figure f : figures) {
            if (!Files.isRegularFile(folder.resolve(f.file()))) {
                throw new IOException("report: expected the figure " + f.file() + " in " + folder
                        + " (next to " + FILE_NAME + "), not found");
            }
        }
        Path page = folder.resolve(FILE_NAME);
        Files.writeString(page, html(), StandardCharsets.UTF_8);
        return page;
    }

    private static String cell(Object v) {
        boolean num = v instanceof Number;
        return (num ? "<td class=\"num\">" : "<td>") + escape(format(v)) + "</td>";
    }

    /** How a table value is written (see the class documentation). */
    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return "–";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "∞" : "−∞";
            }
            if (d == 0) {
                return "0";
            }
            double a = Math.abs(d);
            if (a >= 1e6 || a < 1e-4) {
                return String.format(Locale.ROOT, "%.3e", d);
            }
            return new BigDecimal(d).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }

    /** HTML-escapes {@code & < > " '}. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
