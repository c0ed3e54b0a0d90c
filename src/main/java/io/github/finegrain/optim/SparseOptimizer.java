package io.github.finegrain.optim;

import java.util.Locale;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Hyperparameters of a row-sparse optimizer (see {@link OptimizerState} for the update of one row).
 *
 * <p>With ĝ = (Σ_minibatch ∂L/∂w) / batch + l2 · w for a weight row (bias rows: no L2), per touched row:
 * <ul>
 *   <li>{@link Kind#SGD}: {@code w -= lr · ĝ};</li>
 *   <li>{@link Kind#ADAGRAD}: {@code h += ĝ²; w -= lr · ĝ / (√h + ε)} (h starts at ε, as DL4J's);</li>
 *   <li>{@link Kind#LAZY_ADAM}: with t the row's own step count (incremented when the row is touched),
 *   {@code m = β1 m + (1 − β1) ĝ; v = β2 v + (1 − β2) ĝ²; w -= lr · √(1 − β2^t) / (1 − β1^t) · m / (√v + ε)}
 *   (the scheme of lazy Adam / PyTorch's {@code SparseAdam}, with the bias correction of DL4J's Adam).</li>
 * </ul>
 * When every row is touched at every step these are exactly DL4J's {@link Sgd}, {@link AdaGrad} and {@link Adam}
 * with L2 {@code l2} ({@link #denseEquivalent()}).
 *
 * <p><b>L2 on the rows touched.</b> DL4J's dense L2 adds {@code l2 · w} to the gradient of <i>every</i> weight at
 * every step, so a weight no example touches still decays (SGD: by the factor 1 − lr · l2 per step) and, with Adam,
 * feeds its moments. Here the L2 gradient is added only to the rows the minibatch touches, in the same step as their
 * data gradient; an untouched row does not change at all. Over a run this is L2 weighted by how often each row is
 * visited (a row seen in a fraction q of the minibatches is regularized about q times as strongly per step as under
 * dense L2), which is the usual behaviour of sparse optimizers and leaves rarely seen cells free of drift. The score
 * reported by the step includes {@code l2 / 2 · Σ w²} over all weights, as DL4J's.
 *
 * @param kind         the update rule
 * @param learningRate lr, &gt; 0
 * @param l2           L2 coefficient on the weights (bias excluded), &ge; 0
 * @param beta1        β1 of lazy Adam, in [0, 1)
 * @param beta2        β2 of lazy Adam, in [0, 1)
 * @param epsilon      ε of Adagrad and lazy Adam, &gt; 0
 */
public record SparseOptimizer(Kind kind, double learningRate, double l2, double beta1, double beta2, double epsilon) {

    /** The update rules. */
    public enum Kind {
        /** Plain SGD: no state. */
        SGD("sgd"),
        /** Adagrad: one accumulated square per entry. */
        ADAGRAD("adagrad"),
        /** Lazy Adam: two moments per entry and one step count per row. */
        LAZY_ADAM("lazy-adam");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The command-line name: {@code sgd}, {@code adagrad}, {@code lazy-adam}. */
        public String label() {
            return label;
        }

        /**
         * The kind named {@code name} (its {@link #label()}, case-insensitive).
         *
         * @throws IllegalArgumentException for another name
         */
        public static Kind fromLabel(String name) {
            for (Kind k : values()) {
                if (k.label.equalsIgnoreCase(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown row-sparse optimizer '" + name
                    + "', expected sgd, adagrad or lazy-adam");
        }
    }

    /** DL4J's Adam defaults: β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public static final double ADAM_BETA1 = 0.9;
    /** See {@link #ADAM_BETA1}. */
    public static final double ADAM_BETA2 = 0.999;
    /** See {@link #ADAM_BETA1}. */
    public static final double ADAM_EPSILON = 1e-8;
    /** DL4J's Adagrad ε. */
    public static final double ADAGRAD_EPSILON = 1e-6;

    /** Validates the hyperparameters. */
    public SparseOptimizer {
        if (kind == null) {
            throw new IllegalArgumentException("an optimizer kind is required");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be > 0, found " + learningRate);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0, found " + l2);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), found " + beta1 + " and " + beta2);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be > 0, found " + epsilon);
        }
    }

    /** Row-sparse SGD. */
    public static SparseOptimizer sgd(double learningRate, double l2) {
        return new SparseOptimizer(Kind.SGD, learningRate, l2, ADAM_BETA1, ADAM_BETA2, ADAGRAD_EPSILON);
    }

    /** Row-sparse Adagrad with DL4J's ε = 1e-6. */
    public static SparseOptimizer adagrad(double learningRate, double l2) {
        return new SparseOptimizer(Kind.ADAGRAD, learningRate, l2, ADAM_BETA1, ADAM_BETA2, ADAGRAD_EPSILON);
    }

    /** Lazy Adam with DL4J's Adam defaults (β1 0.9, β2 0.999, ε 1e-8). */
    public static SparseOptimizer lazyAdam(double learningRate, double l2) {
        return new SparseOptimizer(Kind.LAZY_ADAM, learningRate, l2, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
    }

    /**
     * The optimizer named {@code name} ({@code sgd}, {@code adagrad}, {@code lazy-adam}) with its default β and ε.
     *
     * @throws IllegalArgumentException for another name or invalid values
     */
    public static SparseOptimizer named(String name, double learningRate, double l2) {
        return switch (Kind.fromLabel(name)) {
            case SGD -> sgd(learningRate, l2);
            case ADAGRAD -> adagrad(learningRate, l2);
            case LAZY_ADAM -> lazyAdam(learningRate, l2);
        };
    }

    /** The same optimizer with learning rate {@code lr}. */
    public SparseOptimizer withLearningRate(double lr) {
        return new SparseOptimizer(kind, lr, l2, beta1, beta2, epsilon);
    }

    /** The DL4J updater with the same rule and hyperparameters (its L2 is set on the network, not here). */
    public IUpdater denseEquivalent() {
        return switch (kind) {
            case SGD -> new Sgd(learningRate);
            case ADAGRAD -> new AdaGrad(learningRate, epsilon);
            case LAZY_ADAM -> new Adam(learningRate, beta1, beta2, epsilon);
        };
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(lr=%g, l2=%g%s)", kind.label(), learningRate, l2,
                kind == Kind.SGD ? "" : kind == Kind.ADAGRAD ? ", eps=" + epsilon
                        : ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + epsilon);
    }
}
