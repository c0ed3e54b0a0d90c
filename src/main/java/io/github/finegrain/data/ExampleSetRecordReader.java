package io.github.finegrain.data;

import io.github.finegrain.model.TaskIndex;
import java.io.IOException;
import java.net.URI;
import org.datavec.api.split.InputSplit;

/**
 * A DataVec record reader over an {@link ExampleSet} in memory, e.g. a split of the bundled data
 * ({@link #bundled}). Records: see {@link ExampleRecordReader}. Needs no {@code initialize}.
 */
public final class ExampleSetRecordReader extends ExampleRecordReader {
    private static final long serialVersionUID = 1L;

    private final transient ExampleSet examples;
    private final URI uri;
    private int next;

    /**
     * @param examples the examples (not modified)
     * @param tasks    maps task keys to task indexes
     * @param taskRows which rows each example becomes
     * @param uri      names the source in record metadata
     */
    public ExampleSetRecordReader(ExampleSet examples, TaskIndex tasks, TaskRows taskRows, URI uri) {
        super(tasks, taskRows);
        this.examples = examples;
        this.uri = uri;
    }

    /** A reader over split {@code split} of the bundled data, built with {@link ExampleBuilder}'s rules. */
    public static ExampleSetRecordReader bundled(Split split, TaskIndex tasks, TaskRows taskRows) throws IOException {
        ExampleSet ex = ExampleBuilder.build(BundledData.load(split)).examples();
        return new ExampleSetRecordReader(ex, tasks, taskRows, URI.create("bundled:" + split.suffix()));
    }

    /** The examples read. */
    public ExampleSet examples() {
        return examples;
    }

    @Override
    public void initialize(InputSplit split) {
        this.inputSplit = split;
        next = 0;
    }

    @Override
    protected boolean hasNextExample() {
        return next < examples.size();
    }

    @Override
    protected String nextExample(double[] out) {
        System.arraycopy(examples.features(), next * ExampleSet.FEATURES, out, 0, ExampleSet.FEATURES);
        label(examples.labels()[next]);
        return examples.taskKeys()[next++];
    }

    @Override
    protected void rewind() {
        next = 0;
    }

    @Override
    protected URI location() {
        return uri;
    }

    @Override
    public void close() throws IOException {
        // nothing to release
    }
}
