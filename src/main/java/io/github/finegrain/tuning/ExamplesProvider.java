package io.github.finegrain.tuning;

import io.github.finegrain.data.ExampleSet;
import java.util.Map;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;

/**
 * The data of a search, handed to every candidate: the training examples ({@link #trainData}) and the validation
 * examples that score it ({@link #testData}; the test games are never seen by a search). The sets are shared, not
 * copied; nobody modifies them. Arbiter's {@code DataProvider} is deprecated in favour of a {@code DataSource}
 * class built by reflection from {@code Properties}, which cannot carry examples already in memory.
 */
@SuppressWarnings("deprecation")
final class ExamplesProvider implements DataProvider {
    private final transient ExampleSet train;
    private final transient ExampleSet validation;

    ExamplesProvider(ExampleSet train, ExampleSet validation) {
        this.train = train;
        this.validation = validation;
    }

    /** The training examples (data parameters are ignored). */
    @Override
    public ExampleSet trainData(Map<String, Object> dataParameters) {
        return train;
    }

    /** The validation examples (data parameters are ignored). */
    @Override
    public ExampleSet testData(Map<String, Object> dataParameters) {
        return validation;
    }

    @Override
    public Class<?> getDataType() {
        return ExampleSet.class;
    }
}
