package io.github.finegrain.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.train.TraceRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracePointTest {

    @Test
    void readsTheTrainersOwnTraceFile(@TempDir Path dir) throws Exception {
        List<TraceRow> rows = SyntheticTrace.rows(1);
        Path file = SyntheticTrace.write(rows, dir.resolve("trace.csv"));
        List<TracePoint> points = TracePoint.readCsv(file);
        assertThat(points).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            TraceRow r = rows.get(i);
            TracePoint p = points.get(i);
            assertThat(p.iteration()).isEqualTo(r.iteration());
            assertThat(p.stage()).isEqualTo(r.stage());
            assertThat(p.kind()).isEqualTo(r.kind());
            assertThat(p.court()).isEqualTo(r.court());
            assertThat(p.defender()).isEqualTo(r.defender());
            assertThat(p.event()).isEqualTo(r.event());
            // the trace writes 6 significant digits
            assertThat(p.seconds()).isCloseTo(r.seconds(), org.assertj.core.data.Percentage.withPercentage(1e-3));
            assertThat(p.minibatchLoss()).isCloseTo(r.reading().minibatchLoss(),
                    org.assertj.core.data.Percentage.withPercentage(1e-3));
            assertThat(Double.isNaN(p.validationLoss())).isEqualTo(Double.isNaN(r.validationLoss()));
        }
        assertThat(points.stream().filter(p -> p.event().equals(TracePoint.FINE_GRAIN))).hasSize(3);
        assertThat(points.stream().filter(p -> p.event().equals(TracePoint.HAND_OFF))).hasSize(1);
    }

    @Test
    void findsColumnsByNameAndToleratesEmptyAndMissingCells() throws Exception {
        List<String> lines = List.of("\uFEFFevent,validationLoss,iteration,extra,minibatchLoss,seconds",
                "fine-grain,0.5,3,x,0.6,1.5",
                ",,4,,,",
                "",
                "hand-off,0.4,5\r");
        List<TracePoint> p = TracePoint.parse(lines, "t.csv");
        assertThat(p).hasSize(3);
        assertThat(p.get(0)).isEqualTo(new TracePoint(1.5, 3, -1, "", "", "", 0.6, 0.5, "fine-grain"));
        assertThat(p.get(1).seconds()).isNaN();
        assertThat(p.get(1).minibatchLoss()).isNaN();
        assertThat(p.get(1).validationLoss()).isNaN();
        assertThat(p.get(1).event()).isEmpty();
        assertThat(p.get(2)).isEqualTo(new TracePoint(Double.NaN, 5, -1, "", "", "", Double.NaN, 0.4, "hand-off"));
    }

    @Test
    void failsFastNamingFileLineAndColumn(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TracePoint.parse(List.of("seconds,iteration,minibatchLoss"), "a.csv"))
                .isInstanceOf(IOException.class).hasMessageContaining("a.csv")
                .hasMessageContaining("expected a column 'validationLoss'");
        assertThatThrownBy(() -> TracePoint.parse(List.of("seconds,iteration,minibatchLoss,validationLoss",
                "1,2,0.5,0.4", "abc,3,0.5,0.4"), "b.csv"))
                .hasMessage("b.csv line 3, column 'seconds': expected a number, found 'abc'");
        assertThatThrownBy(() -> TracePoint.parse(List.of("seconds,iteration,minibatchLoss,validationLoss",
                "1,2.5,0.5,0.4"), "c.csv"))
                .hasMessage("c.csv line 2, column 'iteration': expected an integer, found '2.5'");
        assertThatThrownBy(() -> TracePoint.parse(List.of("seconds,iteration,minibatchLoss,validationLoss",
                "1,2,0.5,0.4,9"), "d.csv"))
                .hasMessageContaining("d.csv line 2: expected at most 4 cells");
        Path empty = Files.createFile(dir.resolve("empty.csv"));
        assertThatThrownBy(() -> TracePoint.readCsv(empty)).hasMessageContaining("empty.csv")
                .hasMessageContaining("expected a header line");
    }
}
