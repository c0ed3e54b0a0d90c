package io.github.finegrain.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that counts the bytes read through it (mark and reset restore the count), for readers that check
 * what a file holds against what it declares: the model reader's entry sizes, the SportVU reader's bytes per game.
 */
public final class CountingInputStream extends FilterInputStream {
    private long count;
    private long mark;

    /** Counts what is read from {@code in} (not closed by this class unless {@link #close} is called). */
    public CountingInputStream(InputStream in) {
        super(in);
    }

    /** Bytes read (or skipped) so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int r = super.read(b, off, len);
        if (r > 0) {
            count += r;
        }
        return r;
    }

    @Override
    public long skip(long n) throws IOException {
        long r = super.skip(n);
        count += r;
        return r;
    }

    @Override
    public synchronized void mark(int readlimit) {
        super.mark(readlimit);
        mark = count;
    }

    @Override
    public synchronized void reset() throws IOException {
        super.reset();
        count = mark;
    }
}
