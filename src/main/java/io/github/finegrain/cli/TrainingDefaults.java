package io.github.finegrain.cli;

import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.TrainingOptions;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * picocli's defaults of the training options, read from the one place they live:
 * {@link MultiResolutionOptions#defaults()} (and {@link TrainingOptions#defaults()} for {@code --schedule single}'s
 * epochs and patience), so {@code --help}'s "(default: …)" and the values used are the Java API's. Options of other
 * commands, and options with their own {@code defaultValue}, are not answered (null).
 */
public final class TrainingDefaults implements IDefaultValueProvider {
    private static final Map<String, String> TRAIN;
    private static final Map<String, String> TUNE;

    static {
        MultiResolutionOptions m = MultiResolutionOptions.defaults();
        TrainingOptions t = TrainingOptions.defaults();
        TRAIN = Map.ofEntries(
                Map.entry("--criterion", m.criterion().cliName()),
                Map.entry("--delta", String.valueOf(m.rules().delta())),
                Map.entry("--min-steps", String.valueOf(m.rules().minSteps())),
                Map.entry("--plateau-steps", String.valueOf(m.rules().plateauSteps())),
                Map.entry("--min-improvement", String.valueOf(m.rules().minImprovement())),
                Map.entry("--window", String.valueOf(m.window())),
                Map.entry("--rank", String.valueOf(m.rank())),
                Map.entry("--max-steps-per-stage", String.valueOf(m.maxStepsPerStage())),
                Map.entry("--max-minutes", number(m.maxMinutes())),
                Map.entry("--checkpoint-minutes", number(m.checkpointMinutes())),
                Map.entry("--validate-every", String.valueOf(m.validationEvery())),
                Map.entry("--epochs", String.valueOf(t.epochs())),
                Map.entry("--patience", String.valueOf(t.patience())),
                Map.entry("--batch", String.valueOf(m.batchSize())),
                Map.entry("--optimizer", m.optimizer()),
                Map.entry("--lr", String.valueOf(m.learningRate())),
                Map.entry("--cp-lr", String.valueOf(m.cpLearningRate())),
                Map.entry("--lr-decay", String.valueOf(m.learningRateDecay())),
                Map.entry("--l2", String.valueOf(m.l2())),
                Map.entry("--l2-prior", String.valueOf(m.l2Prior())),
                Map.entry("--positive-weight", String.valueOf(m.positiveWeight())),
                Map.entry("--seed", String.valueOf(m.seed())),
                Map.entry("--min-task-examples", String.valueOf(m.minTaskExamples())));
        TUNE = Map.of("--batch", String.valueOf(m.batchSize()));
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || arg.command() == null) {
            return null;
        }
        Map<String, String> m = switch (arg.command().name()) {
            case "train" -> TRAIN;
            case "tune" -> TUNE;
            default -> Map.of();
        };
        return m.get(o.longestName());
    }
}
