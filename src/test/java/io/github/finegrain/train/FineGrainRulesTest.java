package io.github.finegrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.train.FineGrainRules.Criterion;
import io.github.finegrain.train.FineGrainRules.Parameters;
import org.junit.jupiter.api.Test;

class FineGrainRulesTest {
    static final double NAN = Double.NaN;

    /** A reading whose per-minibatch statistic is s and, when w is not NaN, completes a window with statistic w. */
    static EntropyReading reading(double s, double w) {
        return new EntropyReading(0, 0.5, s, s, !Double.isNaN(w), w, w, w, 0, 0, 0);
    }

    /** The 1-based step at which the rule first fires on the given per-step observations, or -1. */
    static int firstFiring(FineGrainRule rule, double[] perStep, double[] window, double[] loss, double[] val) {
        for (int i = 0; i < perStep.length; i++) {
            double w = window == null ? NAN : window[i];
            double l = loss == null ? 0.5 : loss[i];
            double v = val == null ? NAN : val[i];
            if (rule.observe(new StageObservation(i + 1, l, reading(perStep[i], w), v))) {
                return i + 1;
            }
        }
        return -1;
    }

    static Parameters params(double delta, int minSteps) {
        return new Parameters(delta, minSteps, 0, 2, 0.01, 7, 2);
    }

    @Test
    void literalFiresOnTheFirstIncreaseAboveDeltaAfterMinSteps() {
        double[] s = {0.50, 0.52, 0.50, 0.501, 0.503, 0.51, 0.51};
        // increases: step 2 (+0.02), step 6 (+0.007); with minSteps 3 the step-2 increase is ignored
        assertThat(firstFiring(FineGrainRules.create(Criterion.LITERAL, params(0.005, 0)), s, null, null, null))
                .isEqualTo(2);
        assertThat(firstFiring(FineGrainRules.create(Criterion.LITERAL, params(0.005, 3)), s, null, null, null))
                .isEqualTo(6);
        assertThat(firstFiring(FineGrainRules.create(Criterion.LITERAL, params(0.05, 0)), s, null, null, null))
                .isEqualTo(-1);
    }

    /** Windows complete at steps 2, 4, 6, 8, 10, 12 with the given statistics. */
    static double[] windows(double... w) {
        double[] out = new double[2 * w.length];
        java.util.Arrays.fill(out, NAN);
        for (int i = 0; i < w.length; i++) {
            out[2 * i + 1] = w[i];
        }
        return out;
    }

    @Test
    void windowRulesFireAtTheRightWindow() {
        double[] win = windows(0.90, 0.92, 0.95, 0.953, 0.952, 0.97);
        double[] s = new double[win.length];
        assertThat(firstFiring(FineGrainRules.create(Criterion.WINDOW_INCREASE, params(0.005, 0)), s, win, null, null))
                .isEqualTo(4); // 0.90 -> 0.92
        // plateau: two consecutive |change| < delta: 0.95 -> 0.953 (step 8), 0.953 -> 0.952 (step 10)
        assertThat(firstFiring(FineGrainRules.create(Criterion.WINDOW_PLATEAU, params(0.005, 0)), s, win, null, null))
                .isEqualTo(10);
        // patience 2: the second increase (0.92 -> 0.95) at step 6
        assertThat(firstFiring(FineGrainRules.create(Criterion.PATIENCE, params(0.005, 0)), s, win, null, null))
                .isEqualTo(6);
        // relative 3 %: 0.92 -> 0.95 is +3.26 %
        assertThat(firstFiring(FineGrainRules.create(Criterion.RELATIVE, params(0.03, 0)), s, win, null, null))
                .isEqualTo(6);
        // not before the minimum steps: with minSteps 11 the plateau at step 10 is ignored and 0.952 -> 0.97 breaks it
        assertThat(firstFiring(FineGrainRules.create(Criterion.WINDOW_PLATEAU, params(0.005, 11)), s, win, null, null))
                .isEqualTo(-1);
    }

    @Test
    void plateauNeedsConsecutiveStableWindows() {
        double[] alternating = windows(0.95, 0.951, 0.960, 0.961, 0.970, 0.971);
        assertThat(firstFiring(FineGrainRules.create(Criterion.WINDOW_PLATEAU, params(0.005, 0)),
                new double[alternating.length], alternating, null, null)).isEqualTo(-1);
        double[] flat = windows(0.95, 0.951, 0.950, 0.951);
        assertThat(firstFiring(FineGrainRules.create(Criterion.WINDOW_PLATEAU, params(0.005, 0)),
                new double[flat.length], flat, null, null)).isEqualTo(6);
    }

    @Test
    void baselinesFireOnLossValidationAndSteps() {
        int n = 200;
        double[] s = new double[n];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            loss[i] = i < 100 ? 1.0 - 0.004 * i : 0.6; // improves, then flat from step 101
        }
        // checks every 50 steps: at 150 the EMA still falls (>1 %), at 200 it is flat
        assertThat(firstFiring(FineGrainRules.create(Criterion.LOSS, params(0.005, 0)), s, null, loss, null))
                .isEqualTo(200);
        double[] val = new double[n];
        java.util.Arrays.fill(val, NAN);
        val[9] = 0.5;
        val[19] = 0.45;
        val[29] = 0.46;
        assertThat(firstFiring(FineGrainRules.create(Criterion.VAL_LOSS, params(0.005, 0)), s, null, null, val))
                .isEqualTo(30);
        assertThat(firstFiring(FineGrainRules.create(Criterion.STEPS, params(0.005, 0)), s, null, null, null))
                .isEqualTo(7);
        assertThat(firstFiring(FineGrainRules.create(Criterion.NEVER, params(0.005, 0)), s, null, null, null))
                .isEqualTo(-1);
    }

    /** Validations every 10 steps with the given losses (the first at step 10). */
    static double[] validations(double... v) {
        double[] out = new double[10 * v.length];
        java.util.Arrays.fill(out, NAN);
        for (int i = 0; i < v.length; i++) {
            out[10 * i + 9] = v[i];
        }
        return out;
    }

    @Test
    void validationPlateauCountsOnlyImprovementsOfAtLeastMinImprovement() {
        // plateau 30 steps, 0.001 nats: improvements at 10 (first), 20 (-0.01), 30 (-0.002); then only -0.0004 steps
        double[] val = validations(0.50, 0.49, 0.488, 0.4876, 0.4872, 0.4868, 0.4864, 0.4860);
        Parameters p = new Parameters(0.005, 0, 0, 2, 0.01, 7, 2, 30, 0.001);
        // the -0.0004 steps add up: 0.4868 at step 60 is 0.0012 below the best counted at step 30 (0.488), so step 60
        // counts as an improvement and the plateau restarts before it is 30 steps long; at step 80 it is 20: no firing
        assertThat(firstFiring(FineGrainRules.create(Criterion.VAL_PLATEAU, p), new double[val.length], null, null,
                val)).isEqualTo(-1);
        double[] flat = validations(0.50, 0.49, 0.4899, 0.4898, 0.4897, 0.4896, 0.4895);
        // last counted improvement at 20; 30 steps later (step 50) it fires at that validation
        assertThat(firstFiring(FineGrainRules.create(Criterion.VAL_PLATEAU, p), new double[flat.length], null, null,
                flat)).isEqualTo(50);
        // not before minSteps: the next validation after 55 is 60
        assertThat(firstFiring(FineGrainRules.create(Criterion.VAL_PLATEAU, p.withMinSteps(55)),
                new double[flat.length], null, null, flat)).isEqualTo(60);
    }

    @Test
    void entropyValidationNeedsBothTheEntropyAndTheValidationPlateau() {
        Parameters p = new Parameters(0.005, 0, 0, 2, 0.01, 7, 2, 30, 0.001);
        double[] flat = validations(0.50, 0.49, 0.4899, 0.4898, 0.4897, 0.4896, 0.4895, 0.4894, 0.4893);
        int n = flat.length;
        // entropy windows every 5 steps; moving by 0.01 (> delta) until step 60, then stable
        double[] moving = new double[n];
        double[] settling = new double[n];
        java.util.Arrays.fill(moving, NAN);
        java.util.Arrays.fill(settling, NAN);
        for (int i = 4; i < n; i += 5) {
            moving[i] = 0.5 + 0.01 * (i / 5 % 2);
            settling[i] = i < 60 ? 0.5 + 0.01 * (i / 5 % 2) : 0.7;
        }
        double[] s = new double[n];
        // the validation plateau holds from step 50, but the entropy never settles: no firing
        assertThat(firstFiring(FineGrainRules.create(Criterion.ENTROPY_VALIDATION, p), s, moving, null, flat))
                .isEqualTo(-1);
        // windows at 65, 70 ... : stable from the window at 70 (|0.7 - 0.7| twice: 70 and 75); next validation 80
        assertThat(firstFiring(FineGrainRules.create(Criterion.ENTROPY_VALIDATION, p), s, settling, null, flat))
                .isEqualTo(80);
        // with a flat entropy from the start it fires with the validation plateau alone, at 50
        double[] still = new double[n];
        java.util.Arrays.fill(still, NAN);
        for (int i = 4; i < n; i += 5) {
            still[i] = 0.6;
        }
        assertThat(firstFiring(FineGrainRules.create(Criterion.ENTROPY_VALIDATION, p), s, still, null, flat))
                .isEqualTo(50);
        assertThat(MultiResolutionOptions.DEFAULT_CRITERION).isEqualTo(Criterion.ENTROPY_VALIDATION);
    }

    @Test
    void parsesCliNamesAndRejectsUnknownOnes() {
        assertThat(Criterion.parse("entropy-validation")).isEqualTo(Criterion.ENTROPY_VALIDATION);
        assertThat(Criterion.parse("val-plateau")).isEqualTo(Criterion.VAL_PLATEAU);
        assertThat(Criterion.parse("window-plateau")).isEqualTo(Criterion.WINDOW_PLATEAU);
        assertThat(Criterion.parse("val-loss")).isEqualTo(Criterion.VAL_LOSS);
        assertThat(Criterion.WINDOW_INCREASE.cliName()).isEqualTo("window-increase");
        assertThatThrownBy(() -> Criterion.parse("sometimes")).hasMessageContaining("unknown criterion 'sometimes'");
    }

    /**
     * Every rule saved after k observations (as a mid-stage checkpoint does, through JSON) and restored into a fresh
     * rule decides the rest of the stage exactly as the rule that went on.
     */
    @Test
    void aRuleRestoredFromItsSavedStateDecidesAsTheOriginal() throws Exception {
        int n = 130;
        java.util.Random rnd = new java.util.Random(7);
        StageObservation[] obs = new StageObservation[n];
        for (int i = 0; i < n; i++) {
            double w = i % 3 == 2 ? 0.9 + 0.01 * rnd.nextGaussian() : NAN;
            double v = i % 5 == 4 ? 0.4 + 0.01 * rnd.nextGaussian() : NAN;
            obs[i] = new StageObservation(i + 1, 0.5 - 0.001 * Math.min(i, 60) + 0.01 * rnd.nextGaussian(),
                    reading(0.5 + 0.01 * rnd.nextGaussian(), w), v);
        }
        // loss rule: checks at steps 50 and 100; epsilon 0.05 makes the check at 100 fire only with step 50's value
        // validation plateau of 20 steps without a 0.005 improvement: the val-plateau rules fire within the 130 steps
        Parameters p = new Parameters(0.004, 0, 0.3, 3, 0.05, 1000, 2, 20, 0.005);
        com.fasterxml.jackson.databind.ObjectMapper json = io.github.finegrain.data.JsonFiles.mapper();
        for (Criterion c : Criterion.values()) {
            for (int k : new int[] {1, 17, 30, 77}) {
                FineGrainRule original = FineGrainRules.create(c, p);
                java.util.List<Boolean> expected = new java.util.ArrayList<>();
                java.util.List<Boolean> actual = new java.util.ArrayList<>();
                FineGrainRule restored = FineGrainRules.create(c, p);
                for (int i = 0; i < n; i++) {
                    expected.add(original.observe(obs[i]));
                    if (i < k) {
                        actual.add(restored.observe(obs[i]));
                    }
                    if (i + 1 == k) {
                        String saved = json.writeValueAsString(restored.state());
                        restored = FineGrainRules.create(c, p);
                        restored.restore(json.readValue(saved, new com.fasterxml.jackson.core.type.TypeReference<
                                java.util.Map<String, Double>>() { }));
                    }
                    if (i >= k) {
                        actual.add(restored.observe(obs[i]));
                    }
                }
                assertThat(actual).as(c + " saved after " + k).isEqualTo(expected);
            }
        }
        // a rule with state: the state is not empty and names its fields
        FineGrainRule w = FineGrainRules.create(Criterion.PATIENCE, p);
        assertThat(w.state()).containsOnlyKeys("previous", "increases", "stable");
        assertThatThrownBy(() -> FineGrainRules.create(Criterion.PATIENCE, p).restore(java.util.Map.of("previous", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field increases is missing");
        assertThatThrownBy(() -> FineGrainRules.create(Criterion.STEPS, p).restore(java.util.Map.of("x", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keeps no state");
    }
}
