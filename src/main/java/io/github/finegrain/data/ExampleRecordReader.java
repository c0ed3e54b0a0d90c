package io.github.finegrain.data;

import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.model.InputRow;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataIndex;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.DoubleWritable;
import org.datavec.api.writable.Writable;

/**
 * The shared part of finegrain's DataVec record readers: each record is the {@link InputRow} of an example (13
 * columns: the task index from a {@link TaskIndex}, then the 12 features in feet) followed by its label (1 column,
 * 0 or 1), all as {@link DoubleWritable}s. Feed it to {@code new RecordReaderDataSetIterator(reader, batchSize,
 * LABEL_INDEX, LABEL_INDEX, true)} for features {@code [batch, 13]} and labels {@code [batch, 1]}.
 */
public abstract class ExampleRecordReader extends BaseRecordReader {
    /** Column of the label in a record (after the 13 input-row columns). */
    public static final int LABEL_INDEX = InputRow.WIDTH;
    /** Columns per record. */
    public static final int COLUMNS = InputRow.WIDTH + 1;

    private final TaskIndex tasks;
    private final TaskRows taskRows;
    private Configuration conf;

    // the current example, and whether its league row is still due (TRAINING)
    private final double[] features = new double[ExampleSet.FEATURES];
    private double label;
    private boolean leaguePending;
    private long recordIndex;

    /**
     * @param tasks    maps task keys (player ids or names) to task indexes; unseen keys go to the league task
     * @param taskRows which rows each example becomes
     */
    protected ExampleRecordReader(TaskIndex tasks, TaskRows taskRows) {
        if (tasks == null || taskRows == null) {
            throw new IllegalArgumentException("a task index and a TaskRows mode are required");
        }
        this.tasks = tasks;
        this.taskRows = taskRows;
    }

    /** Whether another example follows. */
    protected abstract boolean hasNextExample();

    /**
     * Reads the next example: its 12 features into {@code out} (Modified) and returns its task key; the label is
     * set with {@link #label}.
     */
    protected abstract String nextExample(double[] out) throws IOException;

    /** Rewinds to the first example. */
    protected abstract void rewind() throws IOException;

    /** Where the records come from (for metadata). */
    protected abstract URI location();

    /** Sets the label of the example being read. */
    protected final void label(double value) {
        this.label = value;
    }

    @Override
    public boolean hasNext() {
        return leaguePending || hasNextExample();
    }

    @Override
    public List<Writable> next() {
        if (leaguePending) {
            leaguePending = false;
            return row(TaskIndex.LEAGUE_INDEX);
        }
        if (!hasNextExample()) {
            throw new java.util.NoSuchElementException("no more examples");
        }
        String key;
        try {
            key = nextExample(features);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        int own = tasks.indexOf(key);
        if (taskRows == TaskRows.SCORING) {
            return row(own < 0 ? TaskIndex.LEAGUE_INDEX : own);
        }
        if (own > TaskIndex.LEAGUE_INDEX) {
            leaguePending = true; // the league row of the same example comes next
            return row(own);
        }
        return row(TaskIndex.LEAGUE_INDEX);
    }

    private List<Writable> row(int task) {
        List<Writable> r = new ArrayList<>(COLUMNS);
        r.add(new DoubleWritable(task));
        for (double f : features) {
            r.add(new DoubleWritable(f));
        }
        r.add(new DoubleWritable(label));
        recordIndex++;
        invokeListeners(r);
        return r;
    }

    @Override
    public Record nextRecord() {
        long index = recordIndex;
        List<Writable> r = next();
        return new org.datavec.api.records.impl.Record(r, new RecordMetaDataIndex(index, location(), getClass()));
    }

    @Override
    public void reset() {
        try {
            rewind();
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        leaguePending = false;
        recordIndex = 0;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public List<String> getLabels() {
        return null; // a single 0/1 column: a regression-style label for a sigmoid output
    }

    @Override
    public void initialize(Configuration conf, InputSplit split) throws IOException, InterruptedException {
        this.conf = conf;
        initialize(split);
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("records come from the example source, not from single streams");
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) {
        throw new UnsupportedOperationException("loading single records by metadata is not supported");
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) {
        throw new UnsupportedOperationException("loading single records by metadata is not supported");
    }

    @Override
    public void setConf(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Configuration getConf() {
        return conf;
    }

    /** The task index used to map keys. */
    public TaskIndex tasks() {
        return tasks;
    }

    /** The rows mode. */
    public TaskRows taskRows() {
        return taskRows;
    }

    static List<URI> locations(InputSplit split) {
        if (split == null) {
            return Collections.emptyList();
        }
        URI[] l = split.locations();
        return l == null ? Collections.emptyList() : List.of(l);
    }
}
