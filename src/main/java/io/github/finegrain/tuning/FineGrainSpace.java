package io.github.finegrain.tuning;

import io.github.finegrain.train.MultiResolutionOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.deeplearning4j.arbiter.util.LeafUtils;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The Arbiter parameter space of a {@link SearchSpace}: four leaves (rank, Δ, learning rate, CP learning rate), each
 * an {@link IntegerParameterSpace} (rank, uniform), a {@link ContinuousParameterSpace} (uniform or
 * {@link LogUniformDistribution}) or, when the file fixes it or leaves it out, a {@link FixedValue} (no parameter).
 *
 * <p>Arbiter's contract, which this class keeps: {@link #numParameters()} is the sum over the distinct leaves that
 * {@link #collectLeaves()} returns (Arbiter gives each leaf its indices into the value vector by that order), and
 * {@link #getValue(double[])} reads a vector of exactly that length, each value in [0, 1]. When the contract is
 * broken, every candidate fails to generate and the random search generator would retry forever: see
 * {@link BoundedCandidateGenerator}.
 *
 * <p>JSON: Arbiter's own mapper ({@code org.deeplearning4j.arbiter.optimize.serde.jackson.JsonMapper}, fields only,
 * {@code @class} type ids) writes the four leaves as {@code rank}, {@code delta}, {@code learningRate} and
 * {@code cpLearningRate}, and reads them back through the {@link JsonCreator} constructor, so a saved search
 * configuration round-trips (Arbiter re-indexes the leaves of the copy when a generator is built on it).
 */
public final class FineGrainSpace implements ParameterSpace<TuningPoint> {
    @JsonProperty("rank")
    private final ParameterSpace<Integer> rank;
    @JsonProperty("delta")
    private final ParameterSpace<Double> delta;
    @JsonProperty("learningRate")
    private final ParameterSpace<Double> learningRate;
    @JsonProperty("cpLearningRate")
    private final ParameterSpace<Double> cpLearningRate;

    /**
     * The space with the given leaves (Arbiter's JSON creator).
     *
     * @throws IllegalArgumentException if a leaf is missing
     */
    @JsonCreator
    FineGrainSpace(@JsonProperty("rank") ParameterSpace<Integer> rank,
            @JsonProperty("delta") ParameterSpace<Double> delta,
            @JsonProperty("learningRate") ParameterSpace<Double> learningRate,
            @JsonProperty("cpLearningRate") ParameterSpace<Double> cpLearningRate) {
        if (rank == null || delta == null || learningRate == null || cpLearningRate == null) {
            throw new IllegalArgumentException("a FineGrainSpace needs the four leaves rank, delta, learningRate and "
                    + "cpLearningRate, found " + rank + ", " + delta + ", " + learningRate + ", " + cpLearningRate);
        }
        this.rank = rank;
        this.delta = delta;
        this.learningRate = learningRate;
        this.cpLearningRate = cpLearningRate;
    }

    /**
     * @param space the ranges (absent ones keep the base values)
     * @param base  the options whose rank, Δ and learning rates fill the parameters the space leaves out
     */
    public FineGrainSpace(SearchSpace space, MultiResolutionOptions base) {
        this.rank = space.rank() == null ? new FixedValue<>(base.rank())
                : space.rank().isFixed() ? new FixedValue<>((int) space.rank().min())
                : new IntegerParameterSpace((int) space.rank().min(), (int) space.rank().max());
        this.delta = continuous(space.delta(), base.rules().delta());
        this.learningRate = continuous(space.learningRate(), base.learningRate());
        this.cpLearningRate = continuous(space.cpLearningRate(), base.cpLearningRate());
    }

    private static ParameterSpace<Double> continuous(Range r, double baseValue) {
        if (r == null) {
            return new FixedValue<>(baseValue);
        }
        if (r.isFixed()) {
            return new FixedValue<>(r.min());
        }
        return r.scale() == Range.Scale.LOG ? new ContinuousParameterSpace(new LogUniformDistribution(r.min(), r.max()))
                : new ContinuousParameterSpace(r.min(), r.max());
    }

    /**
     * The candidate for {@code parameterValues}.
     *
     * @param parameterValues one value in [0, 1] per parameter ({@link #numParameters()} of them; not modified)
     * @throws IllegalArgumentException if the vector has the wrong length or a value outside [0, 1]
     */
    @Override
    public TuningPoint getValue(double[] parameterValues) {
        int n = numParameters();
        if (parameterValues == null || parameterValues.length != n) {
            throw new IllegalArgumentException("expected " + n + " parameter values, found "
                    + (parameterValues == null ? "none" : parameterValues.length));
        }
        for (int i = 0; i < n; i++) {
            if (!(parameterValues[i] >= 0 && parameterValues[i] <= 1)) {
                throw new IllegalArgumentException("parameter value " + i + " is " + parameterValues[i]
                        + ", outside [0, 1]");
            }
        }
        return new TuningPoint(rank.getValue(parameterValues), delta.getValue(parameterValues),
                learningRate.getValue(parameterValues), cpLearningRate.getValue(parameterValues));
    }

    @Override
    public int numParameters() {
        int n = 0;
        for (ParameterSpace<?> p : LeafUtils.getUniqueObjects(collectLeaves())) {
            n += p.numParameters();
        }
        return n;
    }

    @Override
    @SuppressWarnings("rawtypes") // Arbiter's signature
    public List<ParameterSpace> collectLeaves() {
        List<ParameterSpace> leaves = new ArrayList<>();
        for (ParameterSpace<?> p : getNestedSpaces().values()) {
            leaves.addAll(p.collectLeaves());
        }
        return leaves;
    }

    @Override
    @SuppressWarnings("rawtypes") // Arbiter's signature
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> m = new LinkedHashMap<>();
        m.put("rank", rank);
        m.put("delta", delta);
        m.put("learningRate", learningRate);
        m.put("cpLearningRate", cpLearningRate);
        return m;
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        throw new UnsupportedOperationException("FineGrainSpace is not a leaf: Arbiter indexes its leaves");
    }

    @Override
    public String toString() {
        return "FineGrainSpace(rank=" + rank + ", delta=" + delta + ", learningRate=" + learningRate
                + ", cpLearningRate=" + cpLearningRate + ")";
    }
}
