package io.github.finegrain.spark;

import io.github.finegrain.data.ExampleFile;
import io.github.finegrain.data.Split;
import io.github.finegrain.model.InputRow;
import io.github.finegrain.model.TaskIndex;
import io.github.finegrain.train.ExampleFileRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training minibatches of one split of an {@code .fgex} example file, read by the executors: the driver sends
 * only block numbers and the task map; each task opens the file, reads its blocks of examples (block i: examples
 * {@code [i·blockExamples, (i+1)·blockExamples)} of the split, the layout of {@link ExampleFileRows#blocks}),
 * turns each example into its training rows (the ball handler's task row when he has a task, then the league row,
 * as {@link io.github.finegrain.train.ExampleRows#training}), shuffles the rows of the block (seeded by the seed and
 * the block) and cuts them into minibatches. The file must be readable at the same path on every executor (a
 * shared file system; any path in {@code local[N]}).
 */
public final class SparkExampleFiles {
    private SparkExampleFiles() {
    }

    /**
     * The split's training minibatches as an RDD (not cached; nothing is read until it is used).
     *
     * @param rows          the driver's scan of the split (counts only; {@link ExampleFileRows#scan})
     * @param tasks         the task map of the run
     * @param batchSize     rows per minibatch (the last of each block may be smaller)
     * @param blockExamples examples per block (e.g. {@link ExampleFileRows#DEFAULT_BLOCK_EXAMPLES})
     * @param partitions    RDD partitions (at most one per block)
     */
    public static JavaRDD<DataSet> minibatches(JavaSparkContext sc, ExampleFileRows rows, Split split,
            TaskIndex tasks, int batchSize, DataType type, long seed, int blockExamples, int partitions) {
        ExampleFile file = rows.file();
        int[] map = rows.taskMap(tasks);
        long examples = rows.examples();
        int blocks = (int) ((examples + blockExamples - 1) / blockExamples);
        String path = file.path().toAbsolutePath().toString();
        List<Integer> ids = IntStream.range(0, blocks).boxed().toList();
        return sc.parallelize(ids, Math.max(1, Math.min(blocks, partitions)))
                .flatMap(block -> read(path, split, map, examples, blockExamples, block, batchSize, type, seed)
                        .iterator());
    }

    /** Reads block {@code block} on an executor; see the class comment. */
    static List<DataSet> read(String path, Split split, int[] map, long examples, int blockExamples, int block,
            int batchSize, DataType type, long seed) throws java.io.IOException {
        ExampleFile file = ExampleFile.open(Path.of(path));
        int n = (int) Math.min(blockExamples, examples - (long) block * blockExamples);
        float[] x = new float[2 * n * InputRow.WIDTH];
        float[] y = new float[2 * n];
        int r = ExampleFileRows.readBlock(file, split, examples, blockExamples, block, map, x, y, 0);
        int[] order = IntStream.range(0, r).toArray();
        Random rnd = new Random(seed * 1_000_003L + block);
        for (int i = r - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<DataSet> out = new ArrayList<>();
        for (int from = 0; from < r; from += batchSize) {
            int m = Math.min(batchSize, r - from);
            float[] bx = new float[m * InputRow.WIDTH];
            float[] by = new float[m];
            for (int i = 0; i < m; i++) {
                int src = order[from + i];
                System.arraycopy(x, src * InputRow.WIDTH, bx, i * InputRow.WIDTH, InputRow.WIDTH);
                by[i] = y[src];
            }
            out.add(new DataSet(Nd4j.create(bx, new long[] {m, InputRow.WIDTH}, 'c').castTo(type),
                    Nd4j.create(by, new long[] {m, 1}, 'c').castTo(type)));
        }
        return out;
    }
}
