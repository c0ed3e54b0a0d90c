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
 * <p>Sections: after the tables and figures above, the page has one {@code <section id=…>} per {@link Section}
 * in order, each with its heading and its blocks: paragraphs of text, figures, rows of figures shown side by side,
 * tables, and panels (a framed group of blocks under a small heading). A list of links to the sections opens the
 * page.
 *
 * @param title    page title and heading
 * @param metrics  metric name to value (e.g. {@code "test log loss" -> 0.2871}); copied, order kept
 * @param stages   one map per stage (e.g. kind, court, defender, iterations, seconds, end reason); copied
 * @param figures  the pictures in page order; copied
 * @param sections the page's sections in order; copied
 */
public record RunReport(String title, Map<String, Object> metrics, List<Map<String, Object>> stages,
        List<Figure> figures, List<Section> sections) {

    /** A page without sections. */
    public RunReport(String title, Map<String, Object> metrics, List<Map<String, Object>> stages,
            List<Figure> figures) {
        this(title, metrics, stages, figures, List.of());
    }

    /** A page of sections only. */
    public static RunReport ofSections(String title, List<Section> sections) {
        return new RunReport(title, Map.of(), List.of(), List.of(), sections);
    }

    /** One block of a section. */
    public sealed interface Block permits Text, Figure, Row, Table, Panel {
    }

    /** A paragraph of plain text (escaped). */
    public record Text(String text) implements Block {
        /** Validates. */
        public Text {
            if (text == null) {
                throw new IllegalArgumentException("report text must not be null");
            }
        }
    }

    /**
     * Figures side by side (they wrap on a narrow screen), with one caption under them.
     *
     * @param figures at least one
     * @param caption may be empty
     */
    public record Row(List<Figure> figures, String caption) implements Block {
        /** Validates and copies. */
        public Row {
            if (figures == null || figures.isEmpty()) {
                throw new IllegalArgumentException("a report row needs at least one figure");
            }
            figures = List.copyOf(figures);
            caption = caption == null ? "" : caption;
        }
    }

    /**
     * A table; values are written as in the metrics table.
     *
     * @param header column names
     * @param rows   one list per row, each as long as the header
     */
    public record Table(List<String> header, List<List<Object>> rows) implements Block {
        /** Validates and copies. */
        public Table {
            header = List.copyOf(header);
            List<List<Object>> r = new ArrayList<>();
            for (List<Object> row : rows) {
                if (row.size() != header.size()) {
                    throw new IllegalArgumentException("report table row has " + row.size() + " values for "
                            + header.size() + " columns");
                }
                r.add(Collections.unmodifiableList(new ArrayList<>(row)));
            }
            rows = Collections.unmodifiableList(r);
        }
    }

    /** A framed group of blocks under a small heading (e.g. one CP component). */
    public record Panel(String heading, List<Block> blocks) implements Block {
        /** Validates and copies. */
        public Panel {
            if (heading == null) {
                throw new IllegalArgumentException("report panel heading must not be null");
            }
            blocks = List.copyOf(blocks);
        }
    }

    /**
     * A section of the page.
     *
     * @param id      the HTML id: letters, digits and '-', starting with a letter
     * @param heading the section's heading
     * @param blocks  its content in order
     */
    public record Section(String id, String heading, List<Block> blocks) {
        /** Validates and copies. */
        public Section {
            if (id == null || !id.matches("[A-Za-z][A-Za-z0-9-]*")) {
                throw new IllegalArgumentException("report section id: expected letters, digits and '-', found '"
                        + id + "'");
            }
            if (heading == null) {
                throw new IllegalArgumentException("report section heading must not be null");
            }
            blocks = List.copyOf(blocks);
        }
    }

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
    public record Figure(String file, String caption) implements Block {
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
        sections = List.copyOf(sections);
    }

    /** Every figure of the page: the top-level ones, then those in the sections, in page order. */
    public List<Figure> allFigures() {
        List<Figure> all = new ArrayList<>(figures);
        for (Section s : sections) {
            collect(s.blocks(), all);
        }
        return all;
    }

    private static void collect(List<Block> blocks, List<Figure> into) {
        for (Block b : blocks) {
            if (b instanceof Figure f) {
                into.add(f);
            } else if (b instanceof Row r) {
                into.addAll(r.figures());
            } else if (b instanceof Panel p) {
                collect(p.blocks(), into);
            }
        }
    }

    /** The page. */
    public String html() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:1200px;color:#1a1a1a;padding:0 1em}\n")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}\n")
                .append("th,td{border:1px solid #ccc;padding:0.25em 0.7em;text-align:left}\n")
                .append("td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("th{background:#f2f2f2}\nfigure{margin:1.5em 0}\n")
                .append("img{max-width:100%;border:1px solid #eee}\nfigcaption{color:#444;margin-top:0.3em}\n")
                .append("p{line-height:1.45}\n.row{display:flex;flex-wrap:wrap;gap:0.8em;align-items:flex-start}\n")
                .append(".row img{max-width:100%}\n.panel{border:1px solid #ccc;border-radius:6px;padding:0.3em 1em;")
                .append("margin:1.2em 0;background:#fcfcfc}\n.panel h3{margin:0.4em 0}\nnav ol{columns:2}\n")
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
        if (!sections.isEmpty()) {
            b.append("<nav><ol>\n");
            for (Section sec : sections) {
                b.append("<li><a href=\"#").append(sec.id()).append("\">").append(escape(sec.heading()))
                        .append("</a></li>\n");
            }
            b.append("</ol></nav>\n");
        }
        if (!figures.isEmpty()) {
            b.append("<h2>Figures</h2>\n");
            for (Figure f : figures) {
                b.append("<figure><img src=\"").append(escape(f.file())).append("\" alt=\"")
                        .append(escape(f.caption())).append("\"><figcaption>").append(escape(f.caption()))
                        .append("</figcaption></figure>\n");
            }
        }
        for (Section sec : sections) {
            b.append("<section id=\"").append(sec.id()).append("\">\n<h2>").append(escape(sec.heading()))
                    .append("</h2>\n");
            blocks(b, sec.blocks());
            b.append("</section>\n");
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
        for (Figure f : allFigures()) {
            if (!Files.isRegularFile(folder.resolve(f.file()))) {
                throw new IOException("report: expected the figure " + f.file() + " in " + folder
                        + " (next to " + FILE_NAME + "), not found");
            }
        }
        Path page = folder.resolve(FILE_NAME);
        Files.writeString(page, html(), StandardCharsets.UTF_8);
        return page;
    }

    private static void blocks(StringBuilder b, List<Block> blocks) {
        for (Block block : blocks) {
            if (block instanceof Text t) {
                b.append("<p>").append(escape(t.text())).append("</p>\n");
            } else if (block instanceof Figure f) {
                figure(b, f);
            } else if (block instanceof Row r) {
                b.append("<figure><div class=\"row\">");
                for (Figure f : r.figures()) {
                    b.append("<img src=\"").append(escape(f.file())).append("\" alt=\"").append(escape(f.caption()))
                            .append("\">");
                }
                b.append("</div><figcaption>").append(escape(r.caption())).append("</figcaption></figure>\n");
            } else if (block instanceof Table t) {
                b.append("<table>\n<tr>");
                for (String h : t.header()) {
                    b.append("<th>").append(escape(h)).append("</th>");
                }
                b.append("</tr>\n");
                for (List<Object> row : t.rows()) {
                    b.append("<tr>");
                    for (Object v : row) {
                        b.append(cell(v));
                    }
                    b.append("</tr>\n");
                }
                b.append("</table>\n");
            } else if (block instanceof Panel p) {
                b.append("<div class=\"panel\">\n<h3>").append(escape(p.heading())).append("</h3>\n");
                blocks(b, p.blocks());
                b.append("</div>\n");
            }
        }
    }

    private static void figure(StringBuilder b, Figure f) {
        b.append("<figure><img src=\"").append(escape(f.file())).append("\" alt=\"").append(escape(f.caption()))
                .append("\"><figcaption>").append(escape(f.caption())).append("</figcaption></figure>\n");
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
