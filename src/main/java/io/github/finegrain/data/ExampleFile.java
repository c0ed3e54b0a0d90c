package io.github.finegrain.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * finegrain's own example file ({@code .fgex}): the examples of an import (e.g. {@code import-sportvu}), their
 * games with each game's split assignment, and the task key table, in a compact versioned binary format that
 * {@code train --examples} and {@link ExampleFileRecordReader} read.
 *
 * <h2>Format version {@value #FORMAT_VERSION}</h2>
 * All integers and floats little-endian; a <i>string</i> is an int32 byte count followed by that many bytes of
 * UTF-8 (at most {@value #MAX_STRING_BYTES}).
 * <pre>
 * offset  size  field
 * 0       8     magic 89 46 47 45 58 0D 0A 1A  ("\x89FGEX\r\n\x1A": detects text-mode and 7-bit damage)
 * 8       4     format version (int32) = 1
 * 12      4     header bytes H (int32): offset of the first row
 * 16      4     row bytes (int32) = 66
 * 20      4     feature columns per row (int32) = 12
 * 24      4     games G (int32)
 * 28      4     tasks K (int32)
 * 32      8     rows N (int64)
 * 40      ...   metadata: string, a JSON object (what made the file: settings, split rule, seed, sources)
 *         ...   G game records:  string gameId, string date (YYYY-MM-DD), string home, string visitor,
 *                                string source file, int8 split (0 train, 1 val, 2 test), int64 first row,
 *                                int32 rows, int32 positive rows
 *         ...   K task records:  string key (the player id), string name, int32 rows in train, val, test
 * H       66·N  rows, grouped by game in game-table order:
 *                 int32 game index, int32 task index, int32 moment (index in the game's de-duplicated
 *                 timeline), float32 game clock (s left in the period), int8 period, int8 label (0/1),
 *                 float32 × 12 features (the InputRow columns 1..12: ball handler x, y in the court frame;
 *                 5 defenders dx, dy in the box frame; feet)
 * H+66·N  4     CRC-32C of every byte before it (int32)
 *         8     the magic again
 * </pre>
 * The writer writes everything to a temporary file next to the destination and moves it into place atomically,
 * so an interrupted import never leaves a file under the destination name; the reader checks the magic, version,
 * exact length, trailer, table consistency, and (when it reads rows) every row and the checksum.
 */
public final class ExampleFile {
    /** The format version this class writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Bytes per row. */
    public static final int ROW_BYTES = 4 + 4 + 4 + 4 + 1 + 1 + 4 * ExampleSet.FEATURES;
    /** The 8 magic bytes at the start and the end. */
    static final byte[] MAGIC = {(byte) 0x89, 'F', 'G', 'E', 'X', '\r', '\n', 0x1A};
    /** Longest string, bytes. */
    public static final int MAX_STRING_BYTES = 1 << 20;
    private static final int FIXED_HEADER = 40;
    private static final int TRAILER = 12;
    /** Smallest game record: five empty strings, split, first row, rows, positives. */
    private static final int MIN_GAME_BYTES = 5 * 4 + 1 + 8 + 4 + 4;
    /** Smallest task record: two empty strings and three counts. */
    private static final int MIN_TASK_BYTES = 2 * 4 + 3 * 4;
    private static final int BUFFER = 1 << 16;

    /**
     * One game of the file.
     *
     * @param gameId    the game's id (e.g. {@code 0021500492})
     * @param date      game date, YYYY-MM-DD
     * @param home      home team abbreviation
     * @param visitor   visiting team abbreviation
     * @param source    file the game was read from (its name)
     * @param split     the split the game belongs to
     * @param firstRow  index of its first row
     * @param rows      number of its rows
     * @param positives number of its positive rows
     */
    public record Game(String gameId, String date, String home, String visitor, String source, Split split,
            long firstRow, int rows, int positives) {
    }

    /**
     * One task key (player) of the file.
     *
     * @param key  the task key: the player id in decimal
     * @param name the player's name from the rosters ("" if unknown)
     * @param rows rows of this player in train, val, test (index = {@link Split#ordinal()}); not modified
     */
    public record Task(String key, String name, int[] rows) {
        /** Copies the counts. */
        public Task {
            if (rows.length != 3) {
                throw new IllegalArgumentException("expected 3 row counts (train, val, test), found " + rows.length);
            }
            rows = rows.clone();
        }

        /** Rows of this player in {@code split}. */
        public int rows(Split split) {
            return rows[split.ordinal()];
        }

        @Override
        public int[] rows() {
            return rows.clone();
        }
    }

    private final Path path;
    private final String metadata;
    private final List<Game> games;
    private final List<Task> tasks;
    private final long rowCount;
    private final long headerBytes;

    private ExampleFile(Path path, String metadata, List<Game> games, List<Task> tasks, long rowCount,
            long headerBytes) {
        this.path = path;
        this.metadata = metadata;
        this.games = Collections.unmodifiableList(games);
        this.tasks = Collections.unmodifiableList(tasks);
        this.rowCount = rowCount;
        this.headerBytes = headerBytes;
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** The metadata JSON object (what made the file). */
    public String metadata() {
        return metadata;
    }

    /** The games, in row order (unmodifiable). */
    public List<Game> games() {
        return games;
    }

    /** The task keys, index = task index in the rows (unmodifiable). */
    public List<Task> tasks() {
        return tasks;
    }

    /** Number of rows. */
    public long rows() {
        return rowCount;
    }

    /** Rows of the games in {@code split}. */
    public long rows(Split split) {
        long n = 0;
        for (Game g : games) {
            if (g.split() == split) {
                n += g.rows();
            }
        }
        return n;
    }

    /** Task key → number of rows in {@code split}, for keys with at least one (in task-table order). */
    public Map<String, Integer> taskCounts(Split split) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Task t : tasks) {
            if (t.rows(split) > 0) {
                m.put(t.key(), t.rows(split));
            }
        }
        return m;
    }

    /**
     * Opens {@code file} and reads its header and tables (not its rows).
     *
     * @throws NoSuchFileException if it does not exist
     * @throws DataFormatException if it is not a complete example file of a known version
     */
    public static ExampleFile open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < FIXED_HEADER + TRAILER) {
                throw bad(file, "expected at least " + (FIXED_HEADER + TRAILER) + " bytes, found " + size);
            }
            ByteBuffer fixed = read(ch, 0, FIXED_HEADER);
            byte[] magic = new byte[8];
            fixed.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw bad(file, "not a finegrain example file (wrong magic bytes)");
            }
            int version = fixed.getInt();
            if (version != FORMAT_VERSION) {
                throw bad(file, "format version " + version + " is not supported (this finegrain reads version "
                        + FORMAT_VERSION + ")");
            }
            int header = fixed.getInt();
            int rowBytes = fixed.getInt();
            int features = fixed.getInt();
            int g = fixed.getInt();
            int k = fixed.getInt();
            long n = fixed.getLong();
            if (rowBytes != ROW_BYTES || features != ExampleSet.FEATURES) {
                throw bad(file, "expected rows of " + ROW_BYTES + " bytes with " + ExampleSet.FEATURES
                        + " features, found " + rowBytes + " bytes with " + features);
            }
            if (g < 0 || k < 0 || n < 0 || header < FIXED_HEADER || header > size) {
                throw bad(file, "corrupt header: " + g + " games, " + k + " tasks, " + n + " rows, header of "
                        + header + " bytes");
            }
            long expected = header + n * ROW_BYTES + TRAILER;
            if (n > (Long.MAX_VALUE - header) / ROW_BYTES || size != expected) {
                throw bad(file, "expected " + expected + " bytes for " + n + " rows, found " + size
                        + " (truncated or not completely written)");
            }
            ByteBuffer trailer = read(ch, size - 8, 8);
            byte[] end = new byte[8];
            trailer.get(end);
            if (!Arrays.equals(end, MAGIC)) {
                throw bad(file, "the closing magic bytes are missing (not completely written)");
            }
            // every game record takes at least 37 bytes and every task record 20: counts the header cannot hold
            // (e.g. 2^31 - 1 games in a small file) are refused before any table is allocated
            long minimum = 4 + (long) g * MIN_GAME_BYTES + (long) k * MIN_TASK_BYTES;
            if (minimum > header - FIXED_HEADER) {
                throw bad(file, "corrupt header: " + g + " games and " + k + " tasks need at least " + minimum
                        + " bytes of tables, the header has " + (header - FIXED_HEADER));
            }
            ByteBuffer tables = read(ch, FIXED_HEADER, header - FIXED_HEADER);
            try {
                String meta = string(tables, file);
                JsonNode metaTree = JsonFiles.parse(meta, file.toString(), "example-file metadata");
                if (!metaTree.isObject()) {
                    throw bad(file, "the metadata is not a JSON object");
                }
                List<Game> games = new ArrayList<>(g);
                long next = 0;
                for (int i = 0; i < g; i++) {
                    String id = string(tables, file);
                    String date = string(tables, file);
                    String home = string(tables, file);
                    String visitor = string(tables, file);
                    String source = string(tables, file);
                    int split = tables.get();
                    long first = tables.getLong();
                    int rows = tables.getInt();
                    int pos = tables.getInt();
                    if (split < 0 || split > 2) {
                        throw bad(file, "game " + i + " (" + id + "): split code " + split + ", expected 0-2");
                    }
                    if (first != next || rows < 0 || pos < 0 || pos > rows) {
                        throw bad(file, "game " + i + " (" + id + "): rows " + first + "+" + rows + " (" + pos
                                + " positive), expected them to start at row " + next);
                    }
                    next = first + rows;
                    games.add(new Game(id, date, home, visitor, source, Split.values()[split], first, rows, pos));
                }
                if (next != n) {
                    throw bad(file, "the games hold " + next + " rows, the header says " + n);
                }
                List<Task> tasks = new ArrayList<>(k);
                for (int i = 0; i < k; i++) {
                    String key = string(tables, file);
                    String name = string(tables, file);
                    int[] counts = {tables.getInt(), tables.getInt(), tables.getInt()};
                    tasks.add(new Task(key, name, counts));
                }
                if (tables.hasRemaining()) {
                    throw bad(file, tables.remaining() + " unexplained bytes at the end of the header");
                }
                return new ExampleFile(file, meta, games, tasks, n, header);
            } catch (java.nio.BufferUnderflowException e) {
                throw bad(file, "the header ends inside its game or task table (corrupt header)");
            }
        }
    }

    /** One row as read; reused by {@link Cursor}. */
    public static final class Row {
        /** Game index. */
        public int game;
        /** Task index. */
        public int task;
        /** Moment index in the game's timeline. */
        public int moment;
        /** Game clock left in the period, s. */
        public float gameClock;
        /** Period. */
        public int period;
        /** Label 0/1. */
        public int label;
        /** The 12 feature columns (feet). */
        public final double[] features = new double[ExampleSet.FEATURES];
    }

    /** Reads the rows of some games in file order. Not thread-safe. */
    public final class Cursor implements Closeable {
        private final FileChannel ch;
        private final int[] gameIdx;
        private int gi = -1;
        private long left;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER - BUFFER % ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private long rowIndex;

        private Cursor(int[] gameIdx) throws IOException {
            this.ch = FileChannel.open(path, StandardOpenOption.READ);
            this.gameIdx = gameIdx;
            buf.limit(0);
        }

        /** Whether another row follows. */
        public boolean hasNext() {
            while (left == 0 && gi + 1 < gameIdx.length) {
                gi++;
                Game g = games.get(gameIdx[gi]);
                left = g.rows();
                rowIndex = g.firstRow();
                buf.limit(0);
            }
            return left > 0;
        }

        /**
         * Reads the next row into {@code row} (Modified).
         *
         * @throws DataFormatException if the row breaks the format
         */
        public void next(Row row) throws IOException {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException("no more rows");
            }
            if (!buf.hasRemaining()) {
                buf.clear();
                long want = Math.min((long) buf.capacity(), left * ROW_BYTES);
                buf.limit((int) want);
                long pos = headerBytes + rowIndex * ROW_BYTES;
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos + buf.position());
                    if (r < 0) {
                        throw bad(path, "unexpected end of file at row " + rowIndex);
                    }
                }
                buf.flip();
            }
            decode(buf, row, gameIdx[gi], rowIndex);
            rowIndex++;
            left--;
        }

        /**
         * Moves over the next {@code n} rows without reading them (to start a block in the middle of a split).
         *
         * @throws java.util.NoSuchElementException if fewer than {@code n} rows follow
         */
        public void skip(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("cannot skip " + n + " rows");
            }
            while (n > 0) {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException("fewer rows than the " + n + " to skip");
                }
                long k = Math.min(n, left);
                left -= k;
                rowIndex += k;
                n -= k;
            }
            buf.limit(0);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /** A cursor over the rows of the games in {@code split} (all games if null). */
    public Cursor cursor(Split split) throws IOException {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < games.size(); i++) {
            if (split == null || games.get(i).split() == split) {
                idx.add(i);
            }
        }
        return new Cursor(idx.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The examples of {@code split} in memory: task keys = player ids, frames = moment indexes, games = game indexes
     * of this file.
     */
    public ExampleSet read(Split split) throws IOException {
        long n = rows(split);
        if (n > Integer.MAX_VALUE / ExampleSet.FEATURES) {
            throw new DataFormatException(path + ": " + n + " " + split.key() + " rows do not fit in memory at once;"
                    + " stream them with cursor() or ExampleFileRecordReader");
        }
        int m = (int) n;
        String[] keys = new String[m];
        double[] f = new double[m * ExampleSet.FEATURES];
        byte[] labels = new byte[m];
        int[] frames = new int[m];
        int[] gamesOf = new int[m];
        Row row = new Row();
        try (Cursor c = cursor(split)) {
            for (int i = 0; i < m; i++) {
                c.next(row);
                keys[i] = tasks.get(row.task).key();
                System.arraycopy(row.features, 0, f, i * ExampleSet.FEATURES, ExampleSet.FEATURES);
                labels[i] = (byte) row.label;
                frames[i] = row.moment;
                gamesOf[i] = row.game;
            }
        }
        return new ExampleSet(keys, f, labels, frames, gamesOf);
    }

    /**
     * Checks the CRC-32C of the whole file.
     *
     * @throws DataFormatException if it does not match
     */
    public void verifyChecksum() throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long end = ch.size() - TRAILER;
            CRC32C crc = new CRC32C();
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            long pos = 0;
            while (pos < end) {
                b.clear();
                b.limit((int) Math.min(b.capacity(), end - pos));
                int r = ch.read(b, pos);
                if (r < 0) {
                    throw bad(path, "unexpected end of file at byte " + pos);
                }
                b.flip();
                crc.update(b);
                pos += r;
            }
            int stored = read(ch, end, 4).getInt();
            if (stored != (int) crc.getValue()) {
                throw bad(path, String.format("checksum mismatch: stored %08x, computed %08x (the file is damaged)",
                        stored, (int) crc.getValue()));
            }
        }
    }

    private void decode(ByteBuffer b, Row r, int expectedGame, long index) throws DataFormatException {
        r.game = b.getInt();
        r.task = b.getInt();
        r.moment = b.getInt();
        r.gameClock = b.getFloat();
        r.period = b.get();
        r.label = b.get();
        for (int k = 0; k < ExampleSet.FEATURES; k++) {
            r.features[k] = b.getFloat();
        }
        if (r.game != expectedGame) {
            throw bad(path, "row " + index + ": game index " + r.game + ", expected " + expectedGame
                    + " from the game table");
        }
        if (r.task < 0 || r.task >= tasks.size()) {
            throw bad(path, "row " + index + ": task index " + r.task + " outside [0, " + tasks.size() + ")");
        }
        if (r.label != 0 && r.label != 1) {
            throw bad(path, "row " + index + ": label " + r.label + ", expected 0 or 1");
        }
        if (r.period < 1 || r.moment < 0) {
            throw bad(path, "row " + index + ": period " + r.period + ", moment " + r.moment);
        }
        if (!Double.isFinite(r.features[0]) || !Double.isFinite(r.features[1])) {
            throw bad(path, "row " + index + ": non-finite ball-handler position");
        }
        for (int k = 2; k < ExampleSet.FEATURES; k++) {
            if (Double.isInfinite(r.features[k])) {
                throw bad(path, "row " + index + ": infinite defender coordinate in column " + (k + 1));
            }
        }
    }

    private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new DataFormatException("unexpected end of file at byte " + (pos + b.position()));
            }
        }
        b.flip();
        return b;
    }

    private static String string(ByteBuffer b, Path file) throws DataFormatException {
        int len = b.getInt();
        if (len < 0 || len > MAX_STRING_BYTES || len > b.remaining()) {
            throw bad(file, "corrupt string length " + len + " in the header");
        }
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static DataFormatException bad(Path file, String what) {
        return new DataFormatException(file + ": " + what);
    }

    /**
     * Writes an example file: rows are appended to a temporary rows file as they come; {@link #finish} writes the
     * header and tables, copies the rows behind them, adds the checksum and moves the result into place
     * atomically. {@link #close()} without {@code finish} deletes every temporary file. Not thread-safe.
     */
    public static final class Writer implements Closeable {
        private final Path out;
        private final Path rowsFile;
        private final FileChannel rows;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER - BUFFER % ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private long count;
        private boolean finished;

        /** Starts writing {@code out} (nothing appears under that name before {@link #finish}). */
        public Writer(Path out) throws IOException {
            this.out = out.toAbsolutePath();
            Path dir = this.out.getParent();
            Files.createDirectories(dir);
            this.rowsFile = PartialFiles.create(dir, this.out.getFileName().toString() + ".", ".rows.partial");
            this.rows = FileChannel.open(rowsFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }

        /** Rows written so far. */
        public long rows() {
            return count;
        }

        /**
         * Appends a row.
         *
         * @param features the 12 feature columns (not modified)
         */
        public void row(int game, int task, int moment, double gameClock, int period, boolean label,
                double[] features) throws IOException {
            if (period < 1 || period > Byte.MAX_VALUE) {
                throw new IllegalArgumentException("period must be in 1..127, found " + period);
            }
            if (buf.remaining() < ROW_BYTES) {
                drain();
            }
            buf.putInt(game).putInt(task).putInt(moment).putFloat((float) gameClock).put((byte) period)
                    .put((byte) (label ? 1 : 0));
            for (int k = 0; k < ExampleSet.FEATURES; k++) {
                buf.putFloat((float) features[k]);
            }
            count++;
        }

        /** Drops every row after the first {@code keep} (to undo a game that failed half-way). */
        public void truncate(long keep) throws IOException {
            if (keep > count || keep < 0) {
                throw new IllegalArgumentException("cannot keep " + keep + " of " + count + " rows");
            }
            drain();
            rows.truncate(keep * ROW_BYTES);
            rows.position(keep * ROW_BYTES);
            count = keep;
        }

        private void drain() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                rows.write(buf);
            }
            buf.clear();
        }

        /**
         * Writes the file and moves it into place.
         *
         * @param metadata a JSON object describing what made the file
         * @param games    the games, whose row ranges must tile the rows written, in order
         * @param tasks    the task table; every task index written must be inside it
         */
        public void finish(String metadata, List<Game> games, List<Task> tasks) throws IOException {
            drain();
            long next = 0;
            for (Game g : games) {
                if (g.firstRow() != next) {
                    throw new IllegalArgumentException("game " + g.gameId() + " starts at row " + g.firstRow()
                            + ", expected " + next);
                }
                next += g.rows();
            }
            if (next != count) {
                throw new IllegalArgumentException("the games hold " + next + " rows, " + count + " were written");
            }
            ByteBuffer tables = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            tables = putString(tables, metadata);
            for (Game g : games) {
                tables = putString(tables, g.gameId());
                tables = putString(tables, g.date());
                tables = putString(tables, g.home());
                tables = putString(tables, g.visitor());
                tables = putString(tables, g.source());
                tables = ensure(tables, 1 + 8 + 4 + 4);
                tables.put((byte) g.split().ordinal()).putLong(g.firstRow()).putInt(g.rows()).putInt(g.positives());
            }
            for (Task t : tasks) {
                tables = putString(tables, t.key());
                tables = putString(tables, t.name());
                tables = ensure(tables, 12);
                tables.putInt(t.rows(Split.TRAIN)).putInt(t.rows(Split.VAL)).putInt(t.rows(Split.TEST));
            }
            tables.flip();
            int header = FIXED_HEADER + tables.remaining();
            ByteBuffer fixed = ByteBuffer.allocate(FIXED_HEADER).order(ByteOrder.LITTLE_ENDIAN);
            fixed.put(MAGIC).putInt(FORMAT_VERSION).putInt(header).putInt(ROW_BYTES).putInt(ExampleSet.FEATURES)
                    .putInt(games.size()).putInt(tasks.size()).putLong(count);
            fixed.flip();
            Path tmp = PartialFiles.create(out.getParent(), out.getFileName().toString() + ".", ".partial");
            boolean moved = false;
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    CRC32C crc = new CRC32C();
                    crc.update(fixed.duplicate());
                    crc.update(tables.duplicate());
                    writeFully(ch, fixed);
                    writeFully(ch, tables);
                    ByteBuffer copy = ByteBuffer.allocateDirect(1 << 20);
                    long pos = 0;
                    long total = count * ROW_BYTES;
                    while (pos < total) {
                        copy.clear();
                        copy.limit((int) Math.min(copy.capacity(), total - pos));
                        int r = rows.read(copy, pos);
                        if (r < 0) {
                            throw new IOException(rowsFile + ": ended after " + pos + " of " + total + " bytes");
                        }
                        copy.flip();
                        crc.update(copy.duplicate());
                        writeFully(ch, copy);
                        pos += r;
                    }
                    ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
                    trailer.putInt((int) crc.getValue()).put(MAGIC).flip();
                    writeFully(ch, trailer);
                    ch.force(true);
                }
                try {
                    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
                }
                moved = true;
                finished = true;
            } finally {
                if (!moved) {
                    Files.deleteIfExists(tmp);
                }
            }
        }

        /** Deletes the temporary rows file (and, unless finished, leaves nothing under the destination name). */
        @Override
        public void close() throws IOException {
            rows.close();
            Files.deleteIfExists(rowsFile);
        }

        /** Whether {@link #finish} completed. */
        public boolean finished() {
            return finished;
        }

        private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        private static ByteBuffer putString(ByteBuffer b, String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_STRING_BYTES) {
                throw new IllegalArgumentException("string of " + bytes.length + " bytes is longer than "
                        + MAX_STRING_BYTES);
            }
            b = ensure(b, 4 + bytes.length);
            b.putInt(bytes.length).put(bytes);
            return b;
        }

        private static ByteBuffer ensure(ByteBuffer b, int n) {
            if (b.remaining() >= n) {
                return b;
            }
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.flip();
            bigger.put(b);
            return bigger;
        }
    }
}
