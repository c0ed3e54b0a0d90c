package io.github.finegrain.tuning;

import io.github.finegrain.data.ExampleSet;
import io.github.finegrain.eval.BinaryMetrics;
import io.github.finegrain.train.TrainedModel;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;

/**
 * The score of a candidate: the mean binary log loss (nats per example, {@link BinaryMetrics#logLoss()}) of its
 * {@link TrainedModel} on the validation examples of the {@link ExamplesProvider}; minimized. Every validation
 * example is scored on its ball handler's task if he has one, else on the league task.
 *
 * <p>The multi-resolution trainer keeps each stage's best-validation parameters, so this score has seen the
 * validation games during training (model selection, as early stopping does); compare candidates with it, and report
 * the chosen model on the test games.
 */
@SuppressWarnings("deprecation")
public final class ValidationLogLoss implements ScoreFunction {

    @Override
    public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        if (!(model instanceof TrainedModel m)) {
            throw new IllegalArgumentException("expected a TrainedModel, found " + model);
        }
        if (!(dataProvider.testData(dataParameters) instanceof ExampleSet val)) {
            throw new IllegalArgumentException("expected ExampleSet validation data from " + dataProvider);
        }
        return of(m, val).logLoss();
    }

    /** Not supported: the search passes its examples through an {@link ExamplesProvider}. */
    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        throw new UnsupportedOperationException("ValidationLogLoss scores from an ExamplesProvider, not a DataSource");
    }

    /**
     * Every metric of {@code model} on {@code validation} (F1 at threshold 0.5; the score uses the log loss only).
     */
    public static BinaryMetrics of(TrainedModel model, ExampleSet validation) {
        return BinaryMetrics.of(model.predict(validation), validation.labels(), 0.5);
    }

    @Override
    public boolean minimize() {
        return true;
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of(TrainedModel.class);
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return List.of(ExampleSet.class);
    }

    @Override
    public String toString() {
        return "ValidationLogLoss";
    }
}
