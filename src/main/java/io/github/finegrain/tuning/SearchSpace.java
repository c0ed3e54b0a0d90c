package io.github.finegrain.tuning;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A search space file (JSON, kept under {@code tuning/}): which hyperparameters a {@code tune} run searches, over
 * which ranges, and how. Format version 1:
 *
 * <pre>{@code
 * {
 *   "formatVersion": 1,
 *   "name": "rank-delta",                 optional; default: the file name without .json; default --out: tune-<name>-<time>
 *   "search": "random",                   random (Arbiter RandomSearchGenerator) or grid (GridSearchCandidateGenerator)
 *   "candidates": 4,                      how many candidates to train (a grid stops early when it has fewer)
 *   "seed": 12345,                        seed of the candidate generator
 *   "gridPoints": 3,                      grid only, optional (default 3): values per continuous parameter; an
 *                                         integer parameter gets min(max - min + 1, gridPoints) values
 *   "parameters": {
 *     "rank":           {"min": 5, "max": 40},                     CP rank K, integer, uniform
 *     "delta":          {"min": 1e-4, "max": 5e-2, "scale": "log"},  Δ of the fine-graining rule
 *     "learningRate":   {"min": 0.005, "max": 0.05},                optional: step size of the full-rank stages
 *     "cpLearningRate": 0.002                                      optional: step size of the CP stages
 *   }
 * }
 * }</pre>
 *
 * <p>A parameter is a range {@code {"min", "max", "scale"}} ({@code scale}: {@code log}, the default for the
 * continuous ones, or {@code linear}, the only one for {@code rank}) or a single number (a fixed value). A parameter
 * that is absent keeps the value of the base options (the {@code train} defaults). Unknown fields are errors.
 *
 * @param name           the search's name (letters, digits, '.', '_', '-')
 * @param search         random or grid search
 * @param candidates     candidates to train, {@code >= 1}
 * @param seed           seed of the candidate generator
 * @param gridPoints     grid search: values per continuous parameter, {@code >= 2}
 * @param rank           CP rank range (integer bounds), or null to keep the base rank
 * @param delta          Δ range ({@code >= 0}), or null to keep the base Δ
 * @param learningRate   full-rank learning rate range ({@code > 0}), or null to keep the base value
 * @param cpLearningRate CP learning rate range ({@code > 0}), or null to keep the base value
 */
public record SearchSpace(String name, Search search, int candidates, long seed, int gridPoints, Range rank,
        Range delta, Range learningRate, Range cpLearningRate) {

    /** The version of the file format this class reads. */
    public static final int FORMAT_VERSION = 1;

    /** A name of letters, digits, '.', '_' and '-' that is not only dots (so {@code tuning/<name>} stays inside). */
    private static final Pattern NAME = Pattern.compile("(?!\\.+$)[A-Za-z0-9._-]{1,100}");
    /** Largest search space file read, in bytes. */
    public static final long MAX_FILE_BYTES = 1L << 20;
    /** Most points a grid search may enumerate (Arbiter builds the whole grid in memory before the first one). */
    public static final long MAX_GRID_POINTS = 100_000;
    private static final Set<String> FIELDS = Set.of("formatVersion", "name", "search", "candidates", "seed",
            "gridPoints", "parameters");
    private static final List<String> PARAMETERS = List.of("rank", "delta", "learningRate", "cpLearningRate");
    private static final Set<String> RANGE_FIELDS = Set.of("min", "max", "scale");

    /** The candidate generators. */
    public enum Search {
        /** Arbiter's {@code RandomSearchGenerator}. */
        RANDOM,
        /** Arbiter's {@code GridSearchCandidateGenerator}, sequential order. */
        GRID;

        /** The name used in the file. */
        public String fileName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates every field. */
    public SearchSpace {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a search name needs letters, digits, '.', '_' or '-', found '" + name
                    + "'");
        }
        if (search == null) {
            throw new IllegalArgumentException("a search type is required");
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1, found " + candidates);
        }
        if (gridPoints < 2) {
            throw new IllegalArgumentException("gridPoints must be >= 2, found " + gridPoints);
        }
        if (search == Search.GRID && gridSize(gridPoints, rank, delta, learningRate, cpLearningRate) > MAX_GRID_POINTS) {
            throw new IllegalArgumentException("a grid of " + (long) gridSize(gridPoints, rank, delta, learningRate,
                    cpLearningRate) + " points is more than the " + MAX_GRID_POINTS + " allowed");
        }
        if (rank != null && (rank.min() < 1 || rank.min() != Math.rint(rank.min()) || rank.max() != Math.rint(
                rank.max()) || rank.max() > Integer.MAX_VALUE || rank.scale() != Range.Scale.LINEAR)) {
            throw new IllegalArgumentException("rank needs integer bounds >= 1 on a linear scale, found " + rank);
        }
        if (delta != null && delta.min() < 0) {
            throw new IllegalArgumentException("delta must be >= 0, found " + delta);
        }
        if ((learningRate != null && !(learningRate.min() > 0))
                || (cpLearningRate != null && !(cpLearningRate.min() > 0))) {
            throw new IllegalArgumentException("learning rates must be > 0, found " + learningRate + " and "
                    + cpLearningRate);
        }
    }

    /**
     * Reads and validates a search space file.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws DataFormatException if it is not JSON or a field is missing, unknown or invalid (the message names the
     *                             file and the field, and says what was expected and found)
     */
    public static SearchSpace read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file + " (no such search space file)");
        }
        io.github.finegrain.data.JsonFiles.checkRegularFile(file, MAX_FILE_BYTES, "a search space file");
        JsonNode root;
        try {
            root = io.github.finegrain.data.JsonFiles.mapper().readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            var where = e.getLocation();
            throw new DataFormatException(file + ": not valid JSON: " + e.getOriginalMessage()
                    + (where == null || where.getLineNr() < 1 ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr()));
        }
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(root, file.toString(), stem);
    }

    /**
     * Validates a parsed search space document.
     *
     * @param root        the JSON document
     * @param source      where it came from (for messages)
     * @param defaultName the name when the document has none
     * @throws DataFormatException naming {@code source} and the field
     */
    public static SearchSpace parse(JsonNode root, String source, String defaultName) throws DataFormatException {
        Fields f = new Fields(source);
        if (root == null || !root.isObject()) {
            throw new DataFormatException(source + ": expected a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        f.noUnknown(root, "", FIELDS);
        int version = f.integer(root, "formatVersion", null);
        if (version != FORMAT_VERSION) {
            throw f.error("formatVersion", "format version " + FORMAT_VERSION, Integer.toString(version));
        }
        String name = defaultName;
        if (root.has("name")) {
            JsonNode n = root.get("name");
            if (!n.isTextual() || !NAME.matcher(n.asText()).matches()) {
                throw f.error("name", "a name of letters, digits, '.', '_' or '-'", n.toString());
            }
            name = n.asText();
        } else if (!NAME.matcher(name).matches()) {
            throw f.error("name", "a name of letters, digits, '.', '_' or '-' (the file name '" + defaultName
                    + "' is not one)", "no name field");
        }
        JsonNode s = f.required(root, "search");
        Search search;
        if (s.isTextual() && s.asText().equals("random")) {
            search = Search.RANDOM;
        } else if (s.isTextual() && s.asText().equals("grid")) {
            search = Search.GRID;
        } else {
            throw f.error("search", "\"random\" or \"grid\"", s.toString());
        }
        int candidates = f.integer(root, "candidates", null);
        if (candidates < 1) {
            throw f.error("candidates", "an integer >= 1", Integer.toString(candidates));
        }
        JsonNode seedNode = f.required(root, "seed");
        if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
            throw f.error("seed", "an integer", seedNode.toString());
        }
        int gridPoints = f.integer(root, "gridPoints", 3);
        if (gridPoints < 2) {
            throw f.error("gridPoints", "an integer >= 2", Integer.toString(gridPoints));
        }
        JsonNode params = f.required(root, "parameters");
        if (!params.isObject()) {
            throw f.error("parameters", "an object", params.toString());
        }
        f.noUnknown(params, "parameters.", Set.copyOf(PARAMETERS));
        Range[] ranges = new Range[PARAMETERS.size()];
        for (int i = 0; i < ranges.length; i++) {
            String p = PARAMETERS.get(i);
            if (params.has(p)) {
                ranges[i] = f.range(params.get(p), "parameters." + p, p.equals("rank"), p.equals("delta") ? 0 : -1);
            }
        }
        double size = gridSize(gridPoints, ranges[0], ranges[1], ranges[2], ranges[3]);
        if (search == Search.GRID && size > MAX_GRID_POINTS) {
            throw f.error("gridPoints", "a grid of at most " + MAX_GRID_POINTS + " points (Arbiter enumerates the "
                    + "whole grid in memory)", gridPoints + " values per parameter, " + String.format(Locale.ROOT,
                    "%.3g", size) + " points");
        }
        return new SearchSpace(name, search, candidates, seedNode.asLong(), gridPoints, ranges[0], ranges[1],
                ranges[2], ranges[3]);
    }

    /**
     * Points of the grid Arbiter's {@code GridSearchCandidateGenerator} enumerates: the product over searched
     * parameters of {@code gridPoints} (a continuous range) or {@code min(max - min + 1, gridPoints)} (the integer
     * rank); a fixed value counts 1. A double, so that a hostile file cannot overflow it.
     */
    static double gridSize(int gridPoints, Range... ranges) {
        double size = 1;
        for (int i = 0; i < ranges.length; i++) {
            Range r = ranges[i];
            if (r == null || r.min() == r.max()) {
                continue;
            }
            size *= i == 0 ? Math.min(r.max() - r.min() + 1, gridPoints) : gridPoints;
        }
        return size;
    }

    /** The searched parameters and their ranges, for reports, e.g. {@code rank [5, 40], delta [1e-4, 0.05] log}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        Range[] r = {rank, delta, learningRate, cpLearningRate};
        for (int i = 0; i < r.length; i++) {
            if (r[i] != null) {
                if (b.length() > 0) {
                    b.append(", ");
                }
                b.append(PARAMETERS.get(i)).append(' ').append(r[i]);
            }
        }
        return b.length() == 0 ? "nothing searched" : b.toString();
    }

    /** Field readers that name the file and the field in every error. */
    private record Fields(String source) {

        DataFormatException error(String field, String expected, String found) {
            return new DataFormatException(source + ": field '" + field + "': expected " + expected + ", found "
                    + found);
        }

        void noUnknown(JsonNode object, String prefix, Set<String> known) throws DataFormatException {
            Iterator<String> names = object.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!known.contains(n)) {
                    throw new DataFormatException(source + ": unknown field '" + prefix + n + "'; expected one of "
                            + known.stream().sorted().toList());
                }
            }
        }

        JsonNode required(JsonNode object, String field) throws DataFormatException {
            JsonNode n = object.get(field);
            if (n == null || n.isNull()) {
                throw error(field, "a value", "none (the field is missing)");
            }
            return n;
        }

        int integer(JsonNode object, String field, Integer defaultValue) throws DataFormatException {
            if (defaultValue != null && !object.has(field)) {
                return defaultValue;
            }
            JsonNode n = required(object, field);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw error(field, "an integer", n.toString());
            }
            return n.asInt();
        }

        /**
         * A range or a fixed number.
         *
         * @param lowest the smallest allowed value: 0 for "{@code >= 0}", -1 for "{@code > 0}"
         */
        Range range(JsonNode n, String field, boolean integer, double lowest) throws DataFormatException {
            String bound = integer ? "an integer >= 1" : lowest == 0 ? "a number >= 0" : "a number > 0";
            if (n.isNumber()) {
                return Range.fixed(value(n, field, integer, lowest, bound));
            }
            if (!n.isObject()) {
                throw error(field, "a number or an object {\"min\", \"max\", \"scale\"}", n.toString());
            }
            noUnknown(n, field + ".", RANGE_FIELDS);
            double min = value(required(n, field + ".min", "min"), field + ".min", integer, lowest, bound);
            double max = value(required(n, field + ".max", "max"), field + ".max", integer, lowest, bound);
            Range.Scale scale = integer ? Range.Scale.LINEAR : Range.Scale.LOG;
            if (n.has("scale")) {
                JsonNode s = n.get("scale");
                if (s.isTextual() && s.asText().equals("log") && !integer) {
                    scale = Range.Scale.LOG;
                } else if (s.isTextual() && s.asText().equals("linear")) {
                    scale = Range.Scale.LINEAR;
                } else {
                    throw error(field + ".scale", integer ? "\"linear\" (an integer range has no log scale)"
                            : "\"log\" or \"linear\"", s.toString());
                }
            }
            if (min > max) {
                throw error(field + ".max", "a value >= min (" + n.get("min") + ")", n.get("max").toString());
            }
            if (scale == Range.Scale.LOG && min <= 0) {
                throw error(field + ".min", "a number > 0 on a log scale", n.get("min").toString());
            }
            return new Range(min, max, scale);
        }

        private JsonNode required(JsonNode object, String field, String key) throws DataFormatException {
            JsonNode n = object.get(key);
            if (n == null || n.isNull()) {
                throw error(field, "a value", "none (the field is missing)");
            }
            return n;
        }

        private double value(JsonNode n, String field, boolean integer, double lowest, String bound)
                throws DataFormatException {
            if (integer ? !n.isIntegralNumber() || !n.canConvertToInt() : !n.isNumber()) {
                throw error(field, bound, n.toString());
            }
            double v = n.asDouble();
            boolean ok = integer ? v >= 1 : lowest == 0 ? v >= 0 : v > 0;
            if (!ok || !Double.isFinite(v)) {
                throw error(field, bound, n.toString());
            }
            return v;
        }
    }
}
