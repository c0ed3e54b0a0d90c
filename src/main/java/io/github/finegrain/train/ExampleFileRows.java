package io.github.finegrain.train;

import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.data.Split;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.InputRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The training rows of one split of an {@link ExampleFile}, streamed from the file instead of held in memory: the
 * same rows as {@link ExampleRows#training} of {@code file.read(split)} (each example gives its ball handler's row
 * when he has a task, then the league row), read block by block by a {@link BlockShuffledStream}.
 *
 * <p>{@link #scan} reads the split once (validating every row) to count, per player, the examples and positives;
 * that is what the task map, the epoch length and the initial bias need. The heap holds only those counts.
 */
public final class ExampleFileRows {
    /** Default examples per block: 16,384 (at most 32,768 training rows, 1 MiB of the file). */
    public static final int DEFAULT_BLOCK_EXAMPLES = 1 << 14;

    private final ExampleFile file;
    private final Split split;
    private final long examples;
    private final long[] taskExamples; // per file task index
    private final long[] taskPositives;

    private ExampleFileRows(ExampleFile file, Split split, long examples, long[] taskExamples, long[] taskPositives) {
        this.file = file;
        this.split = split;
        this.examples = examples;
        this.taskExamples = taskExamples;
        this.taskPositives = taskPositives;
    }

    /**
     * Reads the first {@code limit} examples of {@code split} once, counting them per player.
     *
     * @param limit at most this many examples of the split are used ({@code Long.MAX_VALUE}: all)
     * @throws DataFormatException if a row breaks the format, or the split has no examples
     */
    public static ExampleFileRows scan(ExampleFile file, Split split, long limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("the example limit must be >= 1, found " + limit);
        }
        long n = Math.min(file.rows(split), limit);
        if (n == 0) {
            throw new DataFormatException(file.path() + ": the " + split.key() + " split has no examples");
        }
        long[] count = new long[file.tasks().size()];
        long[] pos = new long[count.length];
        ExampleFile.Row row = new ExampleFile.Row();
        try (ExampleFile.Cursor c = file.cursor(split)) {
            for (long i = 0; i < n; i++) {
                c.next(row);
                count[row.task]++;
                pos[row.task] += row.label;
            }
        }
        return new ExampleFileRows(file, split, n, count, pos);
    }

    /** The file. */
    public ExampleFile file() {
        return file;
    }

    /** Examples used (the split's, up to the limit). */
    public long examples() {
        return examples;
    }

    /** Task key → examples used, for keys with at least one (task-table order); for {@link TaskIndex#fromCounts}. */
    public Map<String, Integer> taskCounts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int t = 0; t < taskExamples.length; t++) {
            if (taskExamples[t] > 0) {
                m.merge(file.tasks().get(t).key(), (int) Math.min(Integer.MAX_VALUE, taskExamples[t]), Integer::sum);
            }
        }
        return m;
    }

    /** Positive examples used. */
    public long positives() {
        long p = 0;
        for (long v : taskPositives) {
            p += v;
        }
        return p;
    }

    /** Training rows of one epoch under {@code tasks}: one per example, two when its player has a task. */
    public long trainingRows(TaskIndex tasks) {
        return weighted(taskExamples, tasks);
    }

    /** Share of positive training rows under {@code tasks} (league copies counted), for the initial bias. */
    public double positiveRate(TaskIndex tasks) {
        return (double) weighted(taskPositives, tasks) / weighted(taskExamples, tasks);
    }

    private long weighted(long[] v, TaskIndex tasks) {
        int[] map = taskMap(tasks);
        long s = 0;
        for (int t = 0; t < v.length; t++) {
            s += v[t] * (map[t] > TaskIndex.LEAGUE_INDEX ? 2 : 1);
        }
        return s;
    }

    /**
     * Reads block {@code block} of a split's examples (examples {@code [block·blockExamples, (block+1)·blockExamples)}
     * of the split's {@code examples}, in file order) as training rows: per example the ball handler's task row when
     * {@code map} gives him a task, then the league row, as {@link ExampleRows#training}. Used by the streamed
     * trainer's block source and by the Spark executors, which open the file themselves.
     *
     * @param map    file task index → the run's task index ({@link #taskMap})
     * @param x      features [rows, {@link InputRow#WIDTH}], written from row {@code offset} on (room for 2 rows an
     *               example)
     * @param y      labels [rows], written from row {@code offset} on
     * @return the rows written
     * @throws IOException from the file
     */
    public static int readBlock(ExampleFile file, Split split, long examples, int blockExamples, int block, int[] map,
            float[] x, float[] y, int offset) throws IOException {
        long first = (long) block * blockExamples;
        int n = (int) Math.min(blockExamples, examples - first);
        int r = offset;
        ExampleFile.Row row = new ExampleFile.Row();
        try (ExampleFile.Cursor c = file.cursor(split)) {
            c.skip(first);
            for (int i = 0; i < n; i++) {
                c.next(row);
                int a = map[row.task];
                if (a > TaskIndex.LEAGUE_INDEX) {
                    put(x, y, r++, a, row);
                }
                put(x, y, r++, TaskIndex.LEAGUE_INDEX, row);
            }
        }
        return r - offset;
    }

    private static void put(float[] x, float[] y, int r, int task, ExampleFile.Row row) {
        int base = r * InputRow.WIDTH;
        x[base + InputRow.TASK] = task;
        for (int k = 0; k < ExampleSet.FEATURES; k++) {
            x[base + 1 + k] = (float) row.features[k];
        }
        y[r] = row.label;
    }

    /** File task index → the index {@code tasks} gives the task's key (the league's for an unknown one). */
    public int[] taskMap(TaskIndex tasks) {
        int[] map = new int[file.tasks().size()];
        for (int t = 0; t < map.length; t++) {
            map[t] = tasks.indexOf(file.tasks().get(t).key());
        }
        return map;
    }

    /**
     * SHA-256 (hex) of what identifies these rows without reading them again: the file's header and tables, its
     * stored CRC-32C of every row, the split and the number of examples used. Checkpoints use it to refuse other
     * data.
     */
    public String fingerprint() throws IOException {
        try (FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            read(ch, h, 0);
            int header = h.getInt(12);
            long size = ch.size();
            if (header < 16 || header > size - 12) {
                throw new DataFormatException(file.path() + ": corrupt header length " + header);
            }
            ByteBuffer all = ByteBuffer.allocate(header);
            read(ch, all, 0);
            ByteBuffer trailer = ByteBuffer.allocate(12);
            read(ch, trailer, size - 12);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(all.array());
            md.update(trailer.array());
            md.update((split.key() + ":" + examples).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void read(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new java.io.EOFException("unexpected end of file at byte " + (pos + b.position()));
            }
        }
    }

    /**
     * The block source of these rows under {@code tasks}: block i holds the training rows of examples
     * {@code [i·blockExamples, (i+1)·blockExamples)} of the split, in file order.
     */
    public BlockShuffledStream.Blocks blocks(TaskIndex tasks, int blockExamples) {
        if (blockExamples < 1 || blockExamples > (1 << 24)) {
            throw new IllegalArgumentException("examples per block must be in 1..2^24, found " + blockExamples);
        }
        return new FileBlocks(taskMap(tasks), trainingRows(tasks), blockExamples);
    }

    /**
     * A block-shuffled stream of these rows with the default block size and buffer
     * ({@link #DEFAULT_BLOCK_EXAMPLES}, {@link BlockShuffledStream#DEFAULT_BUFFER_ROWS}).
     */
    public BlockShuffledStream stream(TaskIndex tasks, int batchSize, long seed, DataType type, int epoch,
            int position) {
        return BlockShuffledStream.withDefaultBuffer(blocks(tasks, DEFAULT_BLOCK_EXAMPLES), batchSize, seed, type,
                epoch, position);
    }

    private final class FileBlocks implements BlockShuffledStream.Blocks {
        private final int[] map;
        private final long rows;
        private final int blockExamples;

        FileBlocks(int[] map, long rows, int blockExamples) {
            this.map = map;
            this.rows = rows;
            this.blockExamples = blockExamples;
        }

        @Override
        public int count() {
            return (int) ((examples + blockExamples - 1) / blockExamples);
        }

        @Override
        public int maxRows() {
            return 2 * blockExamples;
        }

        @Override
        public long rows() {
            return rows;
        }

        @Override
        public int read(int block, float[] x, float[] y, int offset) throws IOException {
            return readBlock(file, split, examples, blockExamples, block, map, x, y, offset);
        }

        @Override
        public void close() {
        }
    }
}
