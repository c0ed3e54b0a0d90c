package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 14: factorize writes the canonical form, keeps the best of --restarts, warns when degenerate. */
class FactorizeCanonicalTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int factorize(String... args) {
        return CliRuns.run(out, err, "factorize", args);
    }

    private Path golden(String file) throws IOException {
        Path p = dir.resolve(file);
        try (InputStream in = getClass().getResourceAsStream("/golden/cp-als/" + file)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void factorsAreWrittenInCanonicalForm() throws IOException {
        Path o = dir.resolve("b");
        assertThat(factorize("--tensor", golden("case_b_tensor.npy").toString(), "--rank",
                "5", "--init", "random", "--seed", "3", "--max-iter", "300", "--out", o.toString())).isZero();
        double[] w = Npy.read(o.resolve("weights.npy")).data();
        for (int r = 1; r < w.length; r++) {
            assertThat(w[r]).as("weights descending").isLessThanOrEqualTo(w[r - 1]);
        }
        for (int m = 1; m <= 2; m++) {
            NpyArray f = Npy.read(o.resolve("factor_" + m + ".npy"));
            int rows = f.shape()[0];
            int rank = f.shape()[1];
            for (int r = 0; r < rank; r++) {
                double largest = 0;
                for (int i = 0; i < rows; i++) {
                    double v = f.data()[i * rank + r];
                    if (Math.abs(v) > Math.abs(largest)) {
                        largest = v;
                    }
                }
                assertThat(largest).as("factor %d column %d: largest-|value| entry", m, r).isPositive();
            }
        }
        JsonNode json = new ObjectMapper().readTree(o.resolve("fit.json").toFile());
        assertThat(json.get("canonical").asBoolean()).isTrue();
        assertThat(json.get("warnings")).isEmpty();
    }

    @Test
    void restartsKeepTheBestRunAndRecordEveryRun() throws IOException {
        Path o = dir.resolve("r");
        Path tensor = golden("case_b_tensor.npy");
        assertThat(factorize("--tensor", tensor.toString(), "--rank",
                "5", "--init", "random", "--max-iter", "30", "--restarts", "2", "--out", o.toString())).isZero();
        JsonNode json = new ObjectMapper().readTree(o.resolve("fit.json").toFile());
        assertThat(json.get("restarts").asInt()).isEqualTo(2);
        assertThat(json.get("runs")).hasSize(3);
        int best = json.get("bestRun").asInt();
        double min = Double.MAX_VALUE;
        for (JsonNode r : json.get("runs")) {
            min = Math.min(min, r.get("relativeError").asDouble());
        }
        assertThat(json.get("runs").get(best).get("relativeError").asDouble()).isEqualTo(min);
        assertThat(json.get("relativeError").asDouble()).isEqualTo(min);
        assertThat(out.toString()).contains("best of 3 runs: run " + best);
        assertThat(factorize("--tensor", tensor.toString(), "--rank",
                "5", "--restarts", "-1", "--out", o.toString())).isEqualTo(2);
    }

    @Test
    void aDegenerateFitIsWarnedOnStandardErrorAndInFitJson() throws IOException {
        int n = 6;
        double[] a = {1, 0.3, -0.2, 0.5, 0.1, 0.7};
        double[] d = {0.2, -1, 0.4, 0.1, 0.9, -0.3};
        double[] v = new double[n * n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    v[(i * n + j) * n + k] = a[i] * a[j] * d[k] + a[i] * d[j] * a[k] + d[i] * a[j] * a[k];
                }
            }
        }
        Path t = dir.resolve("border.npy");
        Npy.writeDoubles(t, new NpyArray(new int[] {n, n, n}, v));
        Path o = dir.resolve("d");
        assertThat(factorize("--tensor", t.toString(), "--rank", "2", "--max-iter", "2000",
                "--tol", "1e-12", "--out", o.toString())).isZero();
        assertThat(err.toString()).contains("warning: the fit is degenerate: components 0 and 1 have congruence "
                + "product").contains("--restarts");
        JsonNode json = new ObjectMapper().readTree(o.resolve("fit.json").toFile());
        assertThat(json.get("warnings").get(0).asText()).startsWith("components 0 and 1 have congruence product");
    }
}
