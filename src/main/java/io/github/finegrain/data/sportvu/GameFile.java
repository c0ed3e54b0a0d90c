package io.github.finegrain.data.sportvu;

import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;

/**
 * One SportVU game file: a {@code .json} game log, or a {@code .7z} archive holding exactly one {@code .json}
 * entry (the public 2015-16 logs: LZMA, one ~100 MB JSON per game). Archives are decoded as a stream by
 * commons-compress and xz: nothing is extracted to disk.
 *
 * <p>Archive names follow {@code MM.DD.YYYY.AWY.at.HOM.7z}; some public copies carry a folder name glued in
 * front ({@code 2016.NBA.Raw.SportVU.Game.Logs01.01.2016.CHA.at.TOR.7z}). The name is parsed from its end, so
 * the prefix is ignored ({@link ArchiveName#prefix()}); the game itself is identified by the JSON's
 * {@code gameid}, and the importer compares the name's date and teams with the JSON's.
 */
public final class GameFile {
    /** Largest LZMA dictionary accepted, KiB (7-Zip's largest preset uses 64 MiB). */
    public static final int MAX_DICTIONARY_KIB = 128 * 1024;

    private static final Pattern NAME = Pattern.compile(
            "^(.*?)(\\d{2})\\.(\\d{2})\\.(\\d{4})\\.([A-Za-z]{2,4})\\.at\\.([A-Za-z]{2,4})\\.7z$");

    /** The kind of file. */
    public enum Kind {
        /** A game log as plain JSON. */
        JSON,
        /** A 7z archive with one JSON game log. */
        SEVEN_Z
    }

    /**
     * What an archive's name says.
     *
     * @param date    game date, YYYY-MM-DD
     * @param visitor visiting team abbreviation
     * @param home    home team abbreviation
     * @param prefix  text glued in front of the standard name ("" if none)
     */
    public record ArchiveName(String date, String visitor, String home, String prefix) {
    }

    /** Reads the game log from a stream. */
    @FunctionalInterface
    public interface Reading<T> {
        /**
         * @param in     the JSON game log (closed by the caller)
         * @param source names the file (and the archive entry) in messages
         */
        T read(InputStream in, String source) throws IOException;
    }

    private final Path path;
    private final Kind kind;
    private final ArchiveName name;

    private GameFile(Path path, Kind kind, ArchiveName name) {
        this.path = path;
        this.kind = kind;
        this.name = name;
    }

    /**
     * The game file at {@code path}, by its extension.
     *
     * @throws DataFormatException if it is neither {@code .json} nor {@code .7z}
     */
    public static GameFile of(Path path) throws DataFormatException {
        String n = path.getFileName().toString();
        String lower = n.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
            return new GameFile(path, Kind.JSON, null);
        }
        if (lower.endsWith(".7z")) {
            return new GameFile(path, Kind.SEVEN_Z, parseName(n));
        }
        throw new DataFormatException(path + ": not a game file (expected .7z or .json)");
    }

    /** What {@code fileName} says as an archive name, or null if it is not in the standard form. */
    public static ArchiveName parseName(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        return new ArchiveName(m.group(4) + "-" + m.group(2) + "-" + m.group(3), m.group(5).toUpperCase(Locale.ROOT),
                m.group(6).toUpperCase(Locale.ROOT), m.group(1));
    }

    /**
     * The game files named by {@code inputs}: each a game file, or a directory whose {@code .7z} and {@code .json}
     * files (not its subdirectories) are taken; sorted by path, so an import is deterministic.
     *
     * @throws NoSuchFileException if an input does not exist
     * @throws DataFormatException if a file is not a game file or a directory holds none
     */
    public static List<GameFile> find(List<Path> inputs) throws IOException {
        TreeSet<Path> found = new TreeSet<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                int before = found.size();
                try (Stream<Path> s = Files.list(in)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        String lower = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        if (Files.isRegularFile(p) && (lower.endsWith(".7z") || lower.endsWith(".json"))) {
                            found.add(p);
                        }
                    }
                }
                if (found.size() == before) {
                    throw new DataFormatException(in + ": no game files (*.7z, *.json) in this directory");
                }
            } else if (Files.exists(in)) {
                of(in);
                found.add(in);
            } else {
                throw new NoSuchFileException(in.toString());
            }
        }
        List<GameFile> files = new ArrayList<>();
        for (Path p : found) {
            files.add(of(p));
        }
        return files;
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** Its kind. */
    public Kind kind() {
        return kind;
    }

    /** What the archive's name says, or null (a {@code .json}, or a non-standard name). */
    public ArchiveName archiveName() {
        return name;
    }

    /**
     * Opens the game log and hands it to {@code reading}; for an archive, reads the rest of the entry afterwards so
     * that its CRC is checked.
     *
     * @throws DataFormatException if the archive is unreadable, truncated, corrupt, or does not hold exactly one
     *                             {@code .json} entry (the message names the file)
     */
    public <T> T read(Reading<T> reading) throws IOException {
        if (kind == Kind.JSON) {
            try (InputStream in = Files.newInputStream(path)) {
                return reading.read(in, path.toString());
            }
        }
        SevenZFile archive;
        try {
            archive = SevenZFile.builder().setPath(path).setMaxMemoryLimitKiB(MAX_DICTIONARY_KIB).get();
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(path + ": not a readable 7z archive (" + message(e) + ")");
        }
        try (SevenZFile f = archive) {
            SevenZArchiveEntry json = null;
            int count = 0;
            for (SevenZArchiveEntry e : f.getEntries()) {
                if (!e.isDirectory() && e.getName().toLowerCase(Locale.ROOT).endsWith(".json")) {
                    json = e;
                    count++;
                }
            }
            if (count != 1) {
                throw new DataFormatException(path + ": expected one .json entry in the archive, found " + count);
            }
            String source = path + " [" + json.getName() + "]";
            SevenZArchiveEntry e;
            while ((e = nextEntry(f)) != null && e != json) {
                // skip to the JSON entry (commons-compress skips the others lazily)
            }
            if (e == null) {
                throw new DataFormatException(source + ": the entry listed in the archive is missing");
            }
            T result;
            try (InputStream in = f.getInputStream(e)) {
                result = reading.read(in, source);
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException | RuntimeException x) {
                    throw new DataFormatException(source + ": corrupt archive data after the game log (" + message(x)
                            + ")");
                }
            }
            return result;
        } catch (RuntimeException e) {
            throw new DataFormatException(path + ": corrupt 7z archive (" + message(e) + ")");
        }
    }

    private SevenZArchiveEntry nextEntry(SevenZFile f) throws DataFormatException {
        try {
            return f.getNextEntry();
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(path + ": corrupt 7z archive (" + message(e) + ")");
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
