package io.github.finegrain.train;

import io.github.finegrain.model.InputRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Training rows of a {@link DataSetIterator} copied once, minibatch by minibatch, to a temporary file (the rows as
 * float32, {@code InputRow.WIDTH} columns and the label, 56 bytes a row, native byte order), so that they can be
 * {@link BlockShuffledStream block-shuffled} every epoch without holding them in memory. A DataSetIterator cannot
 * be read in a random order, and a shuffle buffer over it alone would keep rows near their neighbours. The file is
 * a scratch file of this process, not a saved format: it is deleted by {@link Blocks#close()}.
 */
public final class SpilledRows {
    /** Rows per block: 32,768 (1.75 MiB of the spill file). */
    public static final int BLOCK_ROWS = 1 << 15;
    private static final int ROW_BYTES = BlockShuffledStream.STORED * Float.BYTES;

    private final Path file;
    private final long rows;
    private final long positives;
    private final String fingerprint;

    private SpilledRows(Path file, long rows, long positives, String fingerprint) {
        this.file = file;
        this.rows = rows;
        this.positives = positives;
        this.fingerprint = fingerprint;
    }

    /**
     * Resets {@code it} and copies all its rows to a temporary file in {@code dir} (the system's temporary folder if
     * null).
     *
     * @throws IllegalArgumentException if a minibatch is not {@code [rows, InputRow.WIDTH]} features with
     *                                  {@code [rows, 1]} labels, or the iterator gives no rows
     */
    public static SpilledRows spill(DataSetIterator it, Path dir) throws IOException {
        Path f = dir == null ? Files.createTempFile("finegrain-rows-", ".spill")
                : Files.createTempFile(dir, "finegrain-rows-", ".spill");
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(ROW_BYTES * 4096).order(ByteOrder.nativeOrder());
            long n = 0;
            double pos = 0;
            it.reset();
            while (it.hasNext()) {
                DataSet d = it.next();
                INDArray fx = d.getFeatures();
                INDArray fy = d.getLabels();
                if (fx.rank() != 2 || fx.columns() != InputRow.WIDTH || fy.rank() != 2 || fy.columns() != 1
                        || fy.rows() != fx.rows()) {
                    throw new IllegalArgumentException("minibatch " + n + "+: expected features [rows, "
                            + InputRow.WIDTH + "] and labels [rows, 1], found " + java.util.Arrays.toString(fx.shape())
                            + " and " + java.util.Arrays.toString(fy.shape()));
                }
                float[][] xs = fx.toFloatMatrix();
                float[] ys = fy.reshape(fy.rows()).toFloatVector();
                for (int i = 0; i < xs.length; i++) {
                    if (buf.remaining() < ROW_BYTES) {
                        drain(buf, ch, md);
                    }
                    for (float v : xs[i]) {
                        buf.putFloat(v);
                    }
                    buf.putFloat(ys[i]);
                    pos += ys[i];
                    n++;
                }
            }
            drain(buf, ch, md);
            if (n == 0) {
                throw new IllegalArgumentException("the iterator gave no rows");
            }
            ok = true;
            return new SpilledRows(f, n, Math.round(pos), HexFormat.of().formatHex(md.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } finally {
            if (!ok) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static void drain(ByteBuffer buf, FileChannel ch, MessageDigest md) throws IOException {
        buf.flip();
        md.update(buf.duplicate());
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    /** Rows copied. */
    public long rows() {
        return rows;
    }

    /** Share of rows with label 1. */
    public double positiveRate() {
        return (double) positives / rows;
    }

    /** SHA-256 (hex) of the rows as copied. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The spill file (deleted when the blocks are closed). */
    public Path file() {
        return file;
    }

    /** Blocks of {@link #BLOCK_ROWS} consecutive rows; closing them deletes the spill file. */
    public BlockShuffledStream.Blocks blocks() {
        return new BlockShuffledStream.Blocks() {
            private FileChannel ch;
            private final ByteBuffer buf = ByteBuffer.allocate(ROW_BYTES * BLOCK_ROWS).order(ByteOrder.nativeOrder());

            @Override
            public int count() {
                return (int) ((rows + BLOCK_ROWS - 1) / BLOCK_ROWS);
            }

            @Override
            public int maxRows() {
                return BLOCK_ROWS;
            }

            @Override
            public long rows() {
                return rows;
            }

            @Override
            public int read(int block, float[] x, float[] y, int offset) throws IOException {
                if (ch == null) {
                    ch = FileChannel.open(file, StandardOpenOption.READ);
                }
                long first = (long) block * BLOCK_ROWS;
                int n = (int) Math.min(BLOCK_ROWS, rows - first);
                buf.clear();
                buf.limit(n * ROW_BYTES);
                while (buf.hasRemaining()) {
                    if (ch.read(buf, first * ROW_BYTES + buf.position()) < 0) {
                        throw new java.io.EOFException(file + ": ended inside block " + block);
                    }
                }
                buf.flip();
                for (int i = 0; i < n; i++) {
                    int base = (offset + i) * InputRow.WIDTH;
                    for (int k = 0; k < InputRow.WIDTH; k++) {
                        x[base + k] = buf.getFloat();
                    }
                    y[offset + i] = buf.getFloat();
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                if (ch != null) {
                    ch.close();
                }
                Files.deleteIfExists(file);
            }
        };
    }
}
