package io.github.finegrain.factor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.ejml.data.DMatrixRMaj;

/** One golden CP-ALS case from the test resources {@code /golden/cp-als/} (see the README there). */
record Golden(String name, Tensor3 tensor, int rank, DMatrixRMaj[] planted, JsonNode json) {

    static final String DIR = "/golden/cp-als/";

    static Golden load(String name) {
        try {
            JsonNode json;
            try (InputStream in = resource("case_" + name + ".json")) {
                json = new ObjectMapper().readTree(in);
            }
            NpyArray t = npy("case_" + name + "_tensor.npy");
            return new Golden(name, Tensor3.of(t.shape(), t.data()), json.get("rank").asInt(),
                    factors("case_" + name + "_factor_"), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TensorLy's result block: {@code "svd"} or {@code "random"}. */
    JsonNode tensorly(String init) {
        return json.get("svd".equals(init) ? "tensorly_svd_init" : "tensorly_random_init");
    }

    double tensorlyRelError(String init) {
        return tensorly(init).get("rel_error").asDouble();
    }

    double tensorlyCongruence(String init) {
        return tensorly(init).get("congruence").asDouble();
    }

    int tensorlyIterations(String init) {
        return tensorly(init).get("n_iterations").asInt();
    }

    /** TensorLy's starting factors for {@code "svd"} or {@code "random"}. */
    DMatrixRMaj[] tensorlyStart(String init) {
        return factors("case_" + name + ("svd".equals(init) ? "_tl_init_factor_" : "_tl_random_init_factor_"));
    }

    /** TensorLy's error trace for {@code "svd"} or {@code "random"}. */
    double[] tensorlyTrace(String init) {
        return npy("case_" + name + ("svd".equals(init) ? "_tl_errors.npy" : "_tl_random_errors.npy")).data();
    }

    private static DMatrixRMaj[] factors(String prefix) {
        DMatrixRMaj[] f = new DMatrixRMaj[3];
        for (int m = 0; m < 3; m++) {
            NpyArray a = npy(prefix + m + ".npy");
            f[m] = DMatrixRMaj.wrap(a.dim(0), a.dim(1), a.data());
        }
        return f;
    }

    static NpyArray npy(String file) {
        try (InputStream in = resource(file)) {
            return Npy.read(in, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String file) throws IOException {
        InputStream in = Golden.class.getResourceAsStream(DIR + file);
        if (in == null) {
            throw new IOException("missing test resource " + DIR + file);
        }
        return in;
    }
}
