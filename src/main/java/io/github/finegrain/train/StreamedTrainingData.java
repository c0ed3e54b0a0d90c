package io.github.finegrain.train;

import io.github.finegrain.model.TaskIndex;
import java.io.IOException;
import java.util.Objects;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What {@link MultiResolutionTrainer} needs to train from a {@link MinibatchStream} instead of rows in memory.
 *
 * @param tasks        the task map the rows' task indexes refer to (its size is the layer's task count)
 * @param train        opens the training stream at an (epoch, position): (0, 0) for a fresh run, a checkpoint's
 *                     for a resumed one; the trainer closes what it opens
 * @param trainingRows the rows of one epoch ({@link MinibatchStream#rowsPerEpoch()} of the streams it opens)
 * @param positiveRate share of positive training rows (league copies included), in (0, 1): the initial bias is
 *                     its logit (clamped to [1e-4, 1 - 1e-4])
 * @param fingerprint  identifies the training rows; a checkpoint of other rows is refused
 * @param validation   scoring rows ({@link ExampleRows#scoring}): features {@code [rows, InputRow.WIDTH]}, labels
 *                     {@code [rows, 1]} of 0/1, held in memory; not modified
 */
public record StreamedTrainingData(TaskIndex tasks, Opener train, long trainingRows, double positiveRate,
        String fingerprint, DataSet validation) {
    /** Opens a training stream at a given state. */
    @FunctionalInterface
    public interface Opener {
        /**
         * @param epoch    epoch to continue (0 for a fresh stream)
         * @param position minibatches already taken in that epoch
         */
        MinibatchStream open(int epoch, int position) throws IOException;
    }

    /** Checks the arguments. */
    public StreamedTrainingData {
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (validation == null || validation.numExamples() == 0) {
            throw new IllegalArgumentException("need validation rows");
        }
        if (trainingRows < 1) {
            throw new IllegalArgumentException("need training rows, found " + trainingRows);
        }
        if (!(positiveRate >= 0 && positiveRate <= 1)) {
            throw new IllegalArgumentException("positive rate must be in [0, 1], found " + positiveRate);
        }
    }
}
