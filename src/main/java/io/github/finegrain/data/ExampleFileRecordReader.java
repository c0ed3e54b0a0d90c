package io.github.finegrain.data;

import io.github.finegrain.model.TaskIndex;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.datavec.api.split.InputSplit;

/**
 * A DataVec record reader over the examples of one split of an {@link ExampleFile}, streamed from disk (memory
 * does not grow with the file). Records: see {@link ExampleRecordReader}. {@link #initialize} checks the header,
 * the tables and the CRC-32C of the whole file (one sequential read) before the first record; each row is checked
 * as it is read.
 *
 * <pre>{@code
 * ExampleFile file = ExampleFile.open(path);
 * TaskIndex tasks = TaskIndex.fromCounts(file.taskCounts(Split.TRAIN), 1000);
 * RecordReader rr = new ExampleFileRecordReader(Split.TRAIN, tasks, TaskRows.TRAINING);
 * rr.initialize(new FileSplit(path.toFile()));
 * DataSetIterator it = new RecordReaderDataSetIterator(rr, 1024, ExampleRecordReader.LABEL_INDEX,
 *         ExampleRecordReader.LABEL_INDEX, true);
 * }</pre>
 */
public final class ExampleFileRecordReader extends ExampleRecordReader {
    private static final long serialVersionUID = 1L;

    private final Split split;
    private transient ExampleFile file;
    private transient ExampleFile.Cursor cursor;
    private transient ExampleFile.Row row;
    private URI uri;

    /**
     * @param split    the split whose games are read
     * @param tasks    maps player ids to task indexes
     * @param taskRows which rows each example becomes
     */
    public ExampleFileRecordReader(Split split, TaskIndex tasks, TaskRows taskRows) {
        super(tasks, taskRows);
        if (split == null) {
            throw new IllegalArgumentException("a split is required");
        }
        this.split = split;
    }

    /**
     * Opens the example file named by {@code inputSplit} (exactly one location, e.g. a {@code FileSplit} of the
     * file).
     *
     * @throws DataFormatException if it is not a complete example file or its checksum does not match
     */
    @Override
    public void initialize(InputSplit inputSplit) throws IOException {
        List<URI> l = locations(inputSplit);
        if (l.size() != 1) {
            throw new IllegalArgumentException("expected one example file in the input split, found " + l.size());
        }
        close();
        this.inputSplit = inputSplit;
        uri = l.get(0);
        ExampleFile opened = ExampleFile.open(Path.of(uri));
        opened.verifyChecksum(); // as the file format promises: a damaged file is refused, not read as data
        file = opened;
        rewind();
    }

    /** The open file (after {@link #initialize}). */
    public ExampleFile file() {
        return file;
    }

    @Override
    protected boolean hasNextExample() {
        if (cursor == null) {
            throw new IllegalStateException("initialize the reader with the example file first");
        }
        return cursor.hasNext();
    }

    @Override
    protected String nextExample(double[] out) throws IOException {
        cursor.next(row);
        System.arraycopy(row.features, 0, out, 0, ExampleSet.FEATURES);
        label(row.label);
        return file.tasks().get(row.task).key();
    }

    @Override
    protected void rewind() throws IOException {
        if (cursor != null) {
            cursor.close();
        }
        cursor = file.cursor(split);
        row = new ExampleFile.Row();
    }

    @Override
    protected URI location() {
        return uri;
    }

    @Override
    public void close() throws IOException {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
    }
}
