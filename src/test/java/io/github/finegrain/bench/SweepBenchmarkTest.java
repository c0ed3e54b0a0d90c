package io.github.finegrain.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.train.MultiResolutionOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepBenchmarkTest {
    @Test
    void configurationsParseTheirOwnLabelsAndTakeTheDefaultsForMissingKeys() {
        SweepBenchmark.Config c = SweepBenchmark.Config.parse("optimizer=adagrad,lr=0.05,cp-lr=0.01,l2=1e-6,"
                + "batch=2048,decay=0.5");
        assertThat(c).isEqualTo(new SweepBenchmark.Config("adagrad", 0.05, 0.01, 1e-6, 2048, 0.5));
        assertThat(SweepBenchmark.Config.parse(c.label())).isEqualTo(c);
        MultiResolutionOptions d = MultiResolutionOptions.defaults();
        assertThat(SweepBenchmark.Config.parse("lr=0.003")).isEqualTo(new SweepBenchmark.Config(d.optimizer(), 0.003,
                d.cpLearningRate(), d.l2(), d.batchSize(), d.learningRateDecay()));
        assertThatThrownBy(() -> SweepBenchmark.Config.parse("lr=fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lr must be a number, found 'fast'");
        assertThatThrownBy(() -> SweepBenchmark.Config.parse("momentum=0.9"))
                .hasMessageContaining("unknown key 'momentum'");
        assertThatThrownBy(() -> SweepBenchmark.Config.parse("lr")).hasMessageContaining("key=value");
        assertThatThrownBy(() -> SweepBenchmark.Config.parse("lr=0.01,lr=0.02")).hasMessageContaining("lr is given twice");
        // a value the options refuse names its configuration
        Fig3Benchmark.Scale s = new Fig3Benchmark.Scale(4, 400, 2, 0.1, 2.0, 8, 1);
        assertThatThrownBy(() -> SweepBenchmark.options(s, SweepBenchmark.Config.parse("lr=-1")))
                .hasMessageStartingWith("sweep configuration 'optimizer=lazy-adam,lr=-1,")
                .hasMessageContaining("learning rate must be > 0");
    }

    @Test
    void sharesOfTheOraclesMarginAreUndefinedWhenThePlantedModelIsNoBetterThanTheConstant() {
        assertThat(SweepBenchmark.share(0.28, 0.22, 0.25)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(SweepBenchmark.share(0.25, 0.27, 0.30)).isNaN();
        assertThat(SweepBenchmark.share(0.25, 0.25, 0.20)).isNaN();
    }

    @Test
    void theDefaultGridStaysWithinTheIssuesTwentyFourConfigurationsWithoutDuplicates() {
        List<SweepBenchmark.Config> g = SweepBenchmark.defaultGrid();
        assertThat(g).hasSizeLessThanOrEqualTo(24).doesNotHaveDuplicates();
    }

    @Test
    void theTableRanksByScoreWithRunsThatNeverValidatedLast() {
        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("scale", "tiny");
        sweep.put("scoreSeconds", 60.0);
        sweep.put("constantLogLoss", 0.28);
        sweep.put("oracleValidationLogLoss", 0.22);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (double[] r : new double[][] {{Double.NaN, 1}, {0.25, 2}, {0.24, 3}}) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("config", "c" + (int) r[1]);
            e.put("score", r[0]);
            e.put("gainShareOfOracle", (0.28 - r[0]) / 0.06);
            e.put("rowScore", r[0]);
            e.put("bestValidationLogLoss", r[0]);
            e.put("bestGainShareOfOracle", (0.28 - r[0]) / 0.06);
            e.put("stages", List.of("a", "b"));
            e.put("steps", 10);
            e.put("trainingSeconds", 1.0);
            e.put("testLogLoss", 0.3);
            runs.add(e);
        }
        sweep.put("runs", runs);
        String md = SweepBenchmark.markdown(sweep);
        assertThat(md.indexOf("`c3`")).isLessThan(md.indexOf("`c2`"));
        assertThat(md.indexOf("`c2`")).isLessThan(md.indexOf("`c1`"));
        assertThat(md).contains("| 1 | `c3` | 0.24000 | 0.667 |");
    }
}
