package io.github.finegrain.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.finegrain.train.EntropyReading;
import io.github.finegrain.train.FineGrainRules;
import io.github.finegrain.train.MultiResolutionOptions;
import io.github.finegrain.train.StageObservation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriteriaBenchmarkTest {

    /**
     * A hand-made stage: validation (every 10 steps) falls by 0.001 a step to step 300 and is flat afterwards; the
     * window statistic (W = 20) rises by 0.01 a window to step 600 and is flat afterwards.
     */
    private static List<StageObservation> handMade() {
        List<StageObservation> obs = new ArrayList<>();
        obs.add(new StageObservation(0, Double.NaN, null, 1.0));
        for (int i = 1; i <= 1000; i++) {
            boolean window = i % 20 == 0;
            double s = 0.5 + 0.01 * Math.min(i, 600) / 20;
            EntropyReading r = new EntropyReading(i, 0.5, 0.9, 0.9, window, window ? s : Double.NaN,
                    window ? s : Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
            double v = i % 10 == 0 ? 1.0 - 0.001 * Math.min(i, 300) : Double.NaN;
            obs.add(new StageObservation(i, 0.5, r, v));
        }
        return obs;
    }

    @Test
    void replayOfHandMadeStageFiresWhereTheRulesSay() {
        List<StageObservation> obs = handMade();
        FineGrainRules.Parameters p = FineGrainRules.Parameters.defaults().withPlateau(100, 1e-4);
        // last improvement at 300, plateau of 100 minibatches
        assertThat(CriteriaBenchmark.firesAt(FineGrainRules.Criterion.VAL_PLATEAU, p, obs)).isEqualTo(400);
        // the window statistic is stable for two windows first at 640 (620 and 640 equal 600's)
        assertThat(CriteriaBenchmark.firesAt(FineGrainRules.Criterion.ENTROPY_VALIDATION, p, obs)).isEqualTo(640);
        assertThat(CriteriaBenchmark.firesAt(FineGrainRules.Criterion.WINDOW_PLATEAU, p, obs)).isEqualTo(640);
        assertThat(CriteriaBenchmark.firesAt(FineGrainRules.Criterion.NEVER, p, obs)).isEqualTo(-1);
        assertThat(CriteriaBenchmark.gainShare(obs, 150)).isCloseTo(0.5, within(1e-12));
        assertThat(CriteriaBenchmark.gainShare(obs, 155)).isCloseTo(0.5, within(1e-12)); // 150 is the last validated
        assertThat(CriteriaBenchmark.gainShare(obs, 400)).isEqualTo(1.0);
        assertThat(CriteriaBenchmark.gainShare(obs, -1)).isNaN();

        CriteriaBenchmark.Stage stage = new CriteriaBenchmark.Stage("hand", "s", obs, 0);
        assertThat(stage.bestStep()).isEqualTo(300);
        CriteriaBenchmark.Result r = CriteriaBenchmark.evaluate(List.of(stage), p, 20, 10);
        CriteriaBenchmark.EntropyDecision d = r.decisions().stream()
                .filter(x -> x.minSteps() == 40 && x.plateauSteps() == 100).findFirst().orElseThrow();
        assertThat(d.valPlateau()).isEqualTo(400);
        assertThat(d.entropyValidation()).isEqualTo(640);
        assertThat(d.changed()).isTrue();
        assertThat(d.windowStableAtValPlateau()).isFalse();
        // with a minimum of 1000 steps nothing fires within the 1000 recorded ones but val-plateau at 1000
        CriteriaBenchmark.EntropyDecision late = r.decisions().stream()
                .filter(x -> x.minSteps() == 1000 && x.plateauSteps() == 100).findFirst().orElseThrow();
        assertThat(late.valPlateau()).isEqualTo(1000);
        assertThat(late.entropyValidation()).isEqualTo(1000);
        assertThat(late.changed()).isFalse();
        assertThat(late.windowStableAtValPlateau()).isTrue();
        CriteriaBenchmark.WindowSummary w = r.windows().get(0);
        assertThat(w.windows()).isEqualTo(50);
        assertThat(w.firstStable()).isEqualTo(640);
        assertThat(w.stableShare()).isCloseTo(20.0 / 49, within(1e-12));
        // 90 % of the gain first validated at step 280 (270 gives 0.8999… in floating point); the window statistic
        // moves until 600: none of the 13 changes to 280 is stable, 20 of the 36 after are
        assertThat(w.step90()).isEqualTo(280);
        assertThat(w.stableShareLearning()).isEqualTo(0.0);
        assertThat(w.stableShareConverged()).isCloseTo(20.0 / 36, within(1e-12));
        CriteriaBenchmark.Row vp = r.rows().stream().filter(x -> x.criterion().equals("val-plateau")).findFirst()
                .orElseThrow();
        assertThat(vp.byPlateau()).extracting(CriteriaBenchmark.Firing::step).containsExactly(550, 800, -1);
        assertThat(vp.byMinSteps()).extracting(CriteriaBenchmark.Firing::step).containsExactly(400, 400, 1000);
        assertThat(vp.followsMinimum()).isFalse();
        assertThat(w.plateauHeldShare()).isCloseTo(19.0 / 48, within(1e-12)); // windows 640..1000 of 3rd..50th
        assertThat(CriteriaBenchmark.markdown(r)).contains("changed 4 of 12 decisions against val-plateau: 4 delayed "
                + "the firing by 90–240 minibatches, adding at most 0.0 points")
                .contains("held at 5 of the 9 steps where val-plateau fired");
    }

    /** Three stages of the default training on a tiny planted set, replayed. */
    @Test
    void tinyPlantedLadderRecordsAndReplays() {
        Fig3Benchmark.Data data = Fig3Benchmark.data(new Fig3Benchmark.Scale(4, 10_000, 3, 0.1, 2.0, 7, 1));
        // the product's step (optimizer, batch, W) at a learning rate and L2 that learn on this tiny set
        MultiResolutionOptions options = MultiResolutionOptions.defaults().toBuilder().minTaskExamples(1).seed(3)
                .learningRate(0.005).l2(0).build();
        List<CriteriaBenchmark.Stage> stages = CriteriaBenchmark.record("planted", data.train(), data.val(), options,
                250, 10);
        assertThat(stages).extracting(CriteriaBenchmark.Stage::stage).containsExactly("full-rank 4x5/6x6",
                "full-rank 8x10/6x6", "full-rank 8x10/12x12");
        for (int s = 0; s < stages.size(); s++) {
            List<StageObservation> obs = stages.get(s).observations();
            assertThat(obs).hasSize(251);
            assertThat(obs.get(10).validationLoss()).isFinite();
            assertThat(obs.get(15).validationLoss()).isNaN();
            if (s > 0) {
                // nested grids: fine-graining the previous stage's best parameters keeps every logit
                assertThat(stages.get(s).startLoss()).isCloseTo(stages.get(s - 1).bestLoss(), within(1e-5));
            }
        }
        assertThat(stages.get(2).bestLoss()).as("the ladder learns").isLessThan(stages.get(0).startLoss());

        FineGrainRules.Parameters p = FineGrainRules.Parameters.defaults().withPlateau(100, 1e-4);
        CriteriaBenchmark.Result r = CriteriaBenchmark.evaluate(stages, p, options.window(), 10);
        assertThat(r.rows()).hasSize(3 * FineGrainRules.Criterion.values().length);
        int fired = 0;
        for (CriteriaBenchmark.Stage st : stages) {
            List<StageObservation> obs = st.observations();
            int f = CriteriaBenchmark.firesAt(FineGrainRules.Criterion.VAL_PLATEAU, p, obs);
            if (f < 0) {
                continue;
            }
            fired++;
            // the last improvement of the running best by more than 1e-4 lies at least plateauSteps before f, and
            // the validation before f was still within plateauSteps of it
            double best = Double.NaN;
            int last = 0;
            int previousValidated = 0;
            for (StageObservation o : obs.subList(1, obs.size())) { // a rule never sees the start (step 0)
                if (o.step() > f) {
                    break;
                }
                double v = o.validationLoss();
                if (Double.isNaN(v)) {
                    continue;
                }
                if (o.step() < f) {
                    previousValidated = o.step();
                }
                if (Double.isNaN(best) || v < best - 1e-4) {
                    best = v;
                    last = o.step();
                }
            }
            assertThat(f - last).isGreaterThanOrEqualTo(p.plateauSteps());
            assertThat(previousValidated - last).isLessThan(p.plateauSteps());
            assertThat(obs.get(f).validationLoss()).isFinite();
            int ev = CriteriaBenchmark.firesAt(FineGrainRules.Criterion.ENTROPY_VALIDATION, p, obs);
            assertThat(ev == -1 || ev >= f).as("entropy-validation needs val-plateau's plateau").isTrue();
        }
        assertThat(fired).as("val-plateau fires on some stage of 250 minibatches").isPositive();
        for (CriteriaBenchmark.Row row : r.rows()) {
            List<CriteriaBenchmark.Firing> all = new ArrayList<>(row.byMinSteps());
            all.addAll(row.byPlateau());
            all.add(row.fires());
            for (CriteriaBenchmark.Firing f : all) {
                if (f.step() >= 0 && !Double.isNaN(f.gainShare())) {
                    assertThat(f.gainShare()).as(row + " " + f).isBetween(0.0, 1.0);
                }
                if (f.step() < 0) {
                    assertThat(f.gainShare()).isNaN();
                }
            }
            for (int i = 0; i < CriteriaBenchmark.MIN_STEPS.size(); i++) {
                int step = row.byMinSteps().get(i).step();
                assertThat(step == -1 || step >= CriteriaBenchmark.MIN_STEPS.get(i)).as(row.toString()).isTrue();
            }
        }
        for (CriteriaBenchmark.EntropyDecision d : r.decisions()) {
            assertThat(d.changed()).isEqualTo(d.valPlateau() != d.entropyValidation());
            if (d.valPlateau() >= 0 && d.windowStableAtValPlateau()) {
                assertThat(d.entropyValidation()).isEqualTo(d.valPlateau());
            }
        }
    }
}
