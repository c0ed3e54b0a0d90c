package io.github.finegrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FactorizeCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs the command the way the finegrain CLI does (its exception handler maps bad input to exit code 3). */
    private int run(String... args) {
        return CliRuns.run(out, err, "factorize", args);
    }

    private Path golden(String file) throws IOException {
        Path target = dir.resolve(file);
        try (InputStream in = getClass().getResourceAsStream("/golden/cp-als/" + file)) {
            Files.copy(in, target);
        }
        return target;
    }

    private Path tensorFile(String name, int[] shape, double[] values) throws IOException {
        Path p = dir.resolve(name);
        Npy.writeDoubles(p, new NpyArray(shape, values));
        return p;
    }

    @Test
    void factorizesAGoldenCaseAndWritesFactorsWeightsAndJson() throws IOException {
        Path tensor = golden("case_b_tensor.npy");
        Path outDir = dir.resolve("out/b");
        int code = run("--tensor", tensor.toString(), "--rank", "5", "--max-iter", "500", "--tol", "1e-10",
                "--out", outDir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("factorize: 40 x 50 x 36 tensor, rank 5, svd start: relative error "
                + "9.956482e-03 (fit 0.990044) after 8 sweeps (converged)").endsWith(outDir + System.lineSeparator());
        assertThat(err.toString()).isEmpty();

        NpyArray[] f = new NpyArray[3];
        int[] dims = {40, 50, 36};
        for (int m = 0; m < 3; m++) {
            f[m] = Npy.read(outDir.resolve("factor_" + m + ".npy"));
            assertThat(f[m].shape()).containsExactly(dims[m], 5);
        }
        NpyArray w = Npy.read(outDir.resolve("weights.npy"));
        assertThat(w.shape()).containsExactly(5);

        JsonNode json = new ObjectMapper().readTree(outDir.resolve("fit.json").toFile());
        assertThat(json.get("formatVersion").asInt()).isEqualTo(2);
        assertThat(json.get("rank").asInt()).isEqualTo(5);
        assertThat(json.get("init").asText()).isEqualTo("svd");
        assertThat(json.get("seed").asLong()).isZero();
        assertThat(json.get("iterations").asInt()).isEqualTo(8);
        assertThat(json.get("converged").asBoolean()).isTrue();
        assertThat(json.get("seconds").asDouble()).isPositive();
        assertThat(json.get("errorTrace")).hasSize(8);
        double relErr = json.get("relativeError").asDouble();
        assertThat(relErr).isCloseTo(9.956482e-03, within(5e-10)); // TensorLy: 9.956482e-03
        assertThat(json.get("fit").asDouble()).isEqualTo(1 - relErr);

        // The saved files rebuild the tensor with the saved error.
        NpyArray x = Npy.read(tensor);
        double res = 0;
        double norm = 0;
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 50; j++) {
                for (int k = 0; k < 36; k++) {
                    double hat = 0;
                    for (int r = 0; r < 5; r++) {
                        hat += w.data()[r] * f[0].get(i, r) * f[1].get(j, r) * f[2].get(k, r);
                    }
                    double v = x.get(i, j, k);
                    res += (v - hat) * (v - hat);
                    norm += v * v;
                }
            }
        }
        assertThat(Math.sqrt(res / norm)).isCloseTo(relErr, within(1e-12));
    }

    @Test
    void randomStartAndItsSettingsAreRecorded() throws IOException {
        Path tensor = golden("case_f_tensor.npy");
        Path outDir = dir.resolve("f");
        int code = run("--tensor", tensor.toString(), "--rank", "2", "--init", "RANDOM", "--seed", "12",
                "--max-iter", "7", "--tol", "0", "--out", outDir.toString());
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(outDir.resolve("fit.json").toFile());
        assertThat(json.get("init").asText()).isEqualTo("random");
        assertThat(json.get("seed").asLong()).isEqualTo(12);
        assertThat(json.get("maxIterations").asInt()).isEqualTo(7);
        assertThat(json.get("iterations").asInt()).isEqualTo(7);
        assertThat(json.get("converged").asBoolean()).isFalse();
        assertThat(json.get("shape")).hasSize(3);
        assertThat(json.get("shape").get(2).asInt()).isEqualTo(10);
        assertThat(json.get("relativeError").asDouble()).isLessThan(1e-3);
    }

    @Test
    void badFilesExitWith3AndNameTheFile() throws IOException {
        Path notNpy = dir.resolve("notes.npy");
        Files.writeString(notNpy, "hello, this is not numpy", StandardCharsets.US_ASCII);
        Path flat = tensorFile("flat.npy", new int[] {3, 4}, new double[12]);
        double[] values = new double[24];
        values[0] = 1;
        values[(0 * 3 + 1) * 4 + 2] = Double.NaN;
        Path nan = tensorFile("nan.npy", new int[] {2, 3, 4}, values);
        Path zero = tensorFile("zero.npy", new int[] {2, 3, 4}, new double[24]);
        Path missing = dir.resolve("missing.npy");
        double[] huge = new double[27];
        java.util.Arrays.fill(huge, 1e200); // finite norm (5e200), but CP-ALS's squared norms overflow
        Path large = tensorFile("large.npy", new int[] {3, 3, 3}, huge);

        List<String> messages = new ArrayList<>();
        for (Path p : List.of(notNpy, flat, nan, zero, missing, large)) {
            err.getBuffer().setLength(0);
            int code = run("--tensor", p.toString(), "--rank", "2", "--out", dir.resolve("o").toString());
            assertThat(code).as(p.toString()).isEqualTo(FinegrainCli.EXIT_BAD_INPUT);
            assertThat(err.toString()).startsWith("error: bad input: " + p + ": ");
            messages.add(err.toString().trim());
        }
        assertThat(messages.get(0)).contains("not a .npy file (expected magic \\x93NUMPY, found hello,)");
        assertThat(messages.get(1)).endsWith("expected a 3-way tensor [I, J, K], found 2 dimension(s) [3, 4]");
        assertThat(messages.get(2)).endsWith("expected finite values, found NaN at index [0, 1, 2] (flat index 6)");
        assertThat(messages.get(3)).endsWith("the tensor is all zero, nothing to factorize");
        assertThat(messages.get(4)).contains("missing.npy: no such file or folder");
        assertThat(messages.get(5)).contains("values too large").contains("is above 1.0E150");
        assertThat(Files.exists(dir.resolve("o"))).as("nothing written").isFalse();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badRanksAndFlagsAreUsageErrors() throws IOException {
        Path tensor = tensorFile("small.npy", new int[] {2, 3, 4}, sequence(24));
        String outDir = dir.resolve("o").toString();

        assertThat(run("--tensor", tensor.toString(), "--rank", "0", "--out", outDir)).isEqualTo(2);
        assertThat(err.toString()).contains("rank must be positive, found 0");

        err.getBuffer().setLength(0);
        assertThat(run("--tensor", tensor.toString(), "--rank", "7", "--out", outDir)).isEqualTo(2);
        assertThat(err.toString()).contains("--rank: rank 7 is too large for a 2 x 3 x 4 tensor: CP-ALS needs "
                + "rank <= min(I*J, J*K, I*K) = 6 (" + tensor + ")");

        err.getBuffer().setLength(0);
        assertThat(run("--tensor", tensor.toString(), "--rank", "2", "--init", "hosvd", "--out", outDir))
                .isEqualTo(2);
        assertThat(err.toString()).contains("expected svd or random, found 'hosvd'");

        err.getBuffer().setLength(0);
        assertThat(run("--tensor", tensor.toString(), "--rank", "2", "--tol", "-1", "--out", outDir)).isEqualTo(2);
        assertThat(err.toString()).contains("tol must be finite and >= 0, found -1.0");

        assertThat(run("--rank", "2", "--out", outDir)).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("o"))).isFalse();
    }

    @Test
    void usageErrorsNeedNoCustomExceptionHandler() throws IOException {
        Path tensor = tensorFile("small.npy", new int[] {2, 3, 4}, sequence(24));
        CommandLine cl = new CommandLine(new FactorizeCommand());
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("--tensor", tensor.toString(), "--rank", "-1", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("rank must be positive, found -1");
    }

    private static double[] sequence(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(i + 1);
        }
        return v;
    }
}
