package io.github.finegrain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.finegrain.data.DataFormatException;
import io.github.finegrain.factor.CpAls;
import io.github.finegrain.factor.CpAlsOptions;
import io.github.finegrain.factor.CpResult;
import io.github.finegrain.factor.Tensor3;
import io.github.finegrain.npy.Npy;
import io.github.finegrain.npy.NpyArray;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code factorize}: CP-ALS of a 3-way tensor stored as {@code .npy} ({@link CpAls}). Writes into {@code --out}:
 * <ul>
 *   <li>{@code factor_0.npy} {@code [I, R]}, {@code factor_1.npy} {@code [J, R]}, {@code factor_2.npy}
 *       {@code [K, R]}: float64, C order, row = index along the mode, column = component, unit-norm columns, in
 *       the canonical form of {@link CpResult#canonical()} (components by weight, descending; the largest-|value|
 *       entry of each mode-1 and mode-2 column positive, the signs moved into mode 0);</li>
 *   <li>{@code weights.npy} {@code [R]}: component weights, so {@code X_hat[i,j,k] = sum_r w[r] F0[i,r] F1[j,r] F2[k,r]};</li>
 *   <li>{@code fit.json}: format version ({@value #FORMAT_VERSION}), input file and shape, settings (rank, init,
 *       seed, maxIterations, tol, restarts) and results of the run kept (relativeError, fit, iterations, converged,
 *       seconds, errorTrace), every run ({@code runs}: start and relative error; {@code bestRun}), the SVD start's fit
 *       and the degeneracy {@code warnings} ({@link CpAls#degeneracy}), also printed on standard error.</li>
 * </ul>
 * {@code --restarts N} adds N runs from seeded random starts ({@link CpAls#fitWithRestarts}) and keeps the best fit.
 * Exit codes: 0 ok; 2 usage error (bad flag values, a rank that does not fit the tensor); 3 bad input file (not
 * {@code .npy}, not 3-way, non-finite or all-zero values), when run under {@link FinegrainCli}'s exception handler.
 */
@Command(name = "factorize", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "CP (CANDECOMP/PARAFAC) decomposition of a 3-way .npy tensor by alternating least squares.")
public final class FactorizeCommand implements Callable<Integer> {
    /** Largest Frobenius norm accepted: its square (and the Gram products of CP-ALS) must stay far from overflow. */
    static final double MAX_NORM = 1e150;


    /** Version of the {@code fit.json} layout. */
    public static final int FORMAT_VERSION = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--tensor", required = true, paramLabel = "T.npy",
            description = "3-way tensor [I, J, K] as .npy (C order; float64, or float32/int widened)")
    Path tensor;

    @Option(names = "--rank", required = true, paramLabel = "R",
            description = "number of components, 1 <= R <= min(I*J, J*K, I*K)")
    int rank;

    @Option(names = "--init", defaultValue = "svd", paramLabel = "svd|random", converter = InitConverter.class,
            description = "start: leading singular vectors (svd) or seeded uniform [0, 1) values (random); "
                    + "default: ${DEFAULT-VALUE}")
    CpAlsOptions.Init init;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "seed of the random start (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-iter", defaultValue = "" + CpAlsOptions.DEFAULT_MAX_ITERATIONS, paramLabel = "N",
            description = "most ALS sweeps (default: ${DEFAULT-VALUE})")
    int maxIterations;

    @Option(names = "--tol", defaultValue = "" + CpAlsOptions.DEFAULT_TOL, paramLabel = "E",
            description = "stop when the relative error changes by less than E between sweeps (default: "
                    + "${DEFAULT-VALUE}; 0 runs all sweeps)")
    double tol;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created if missing)")
    Path out;

    @Option(names = "--restarts", defaultValue = "0", paramLabel = "N",
            description = "extra runs from random starts (seeds S+1..S+N); the best fit is kept (default: "
                    + "${DEFAULT-VALUE})")
    int restarts;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        CpAlsOptions options;
        try {
            options = new CpAlsOptions(rank, init, seed, maxIterations, tol);
            if (restarts < 0 || restarts > 1000) {
                throw new IllegalArgumentException("--restarts must be in 0..1000, found " + restarts);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
        CliFiles.inputFile(tensor, "a 3-way .npy tensor");
        CliFiles.outputFolder(out, "the factors");
        Tensor3 x = readTensor(tensor);
        try {
            CpAls.checkRank(x.dim(0), x.dim(1), x.dim(2), rank);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--rank: " + e.getMessage() + " (" + tensor + ")", e);
        }
        CpAls.Runs runs = CpAls.fitWithRestarts(x, options, restarts);
        CpResult result = runs.best();

        for (int m = 0; m < 3; m++) {
            DMatrixRMaj f = result.factor(m);
            Npy.writeDoubles(out.resolve("factor_" + m + ".npy"), new NpyArray(new int[] {f.numRows, f.numCols},
                    Arrays.copyOf(f.data, f.getNumElements())));
        }
        Npy.writeDoubles(out.resolve("weights.npy"), new NpyArray(new int[] {rank}, result.weights()));
        java.util.List<Map<String, Object>> runList = new java.util.ArrayList<>();
        for (int k = 0; k < runs.starts().size(); k++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("start", runs.starts().get(k));
            r.put("relativeError", runs.relativeErrors()[k]);
            runList.add(r);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("formatVersion", FORMAT_VERSION);
        json.put("tensor", tensor.toString());
        json.put("shape", x.shape());
        json.put("rank", rank);
        json.put("init", init.name().toLowerCase(Locale.ROOT));
        json.put("seed", seed);
        json.put("maxIterations", maxIterations);
        json.put("tol", tol);
        json.put("restarts", restarts);
        json.put("canonical", true);
        json.put("relativeError", result.relativeError());
        json.put("fit", result.fit());
        json.put("iterations", result.iterations());
        json.put("converged", result.converged());
        json.put("seconds", result.seconds());
        json.put("errorTrace", result.errorTrace());
        json.put("runs", runList);
        json.put("bestRun", runs.bestRun());
        json.put("svdStartFit", runs.svdStartFit());
        json.put("warnings", runs.warnings());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("fit.json").toFile(), json);

        cl.getOut().printf(Locale.ROOT, "factorize: %s tensor, rank %d, %s start: relative error %.6e (fit %.6f) "
                        + "after %d sweeps (%s) in %.3f s -> %s%n", x.shapeString(), rank,
                init.name().toLowerCase(Locale.ROOT), result.relativeError(), result.fit(), result.iterations(),
                result.converged() ? "converged" : "sweep limit", result.seconds(), out);
        cl.getOut().flush();
        if (restarts > 0) {
            cl.getOut().printf(Locale.ROOT, "  best of %d runs: run %d (%s)%n", runs.starts().size(), runs.bestRun(),
                    runs.starts().get(runs.bestRun()));
            cl.getOut().flush();
        }
        for (String w : runs.warnings()) {
            cl.getErr().println("warning: the fit is degenerate: " + w
                    + (restarts == 0 ? " (try --restarts N or a lower --rank)" : " (try a lower --rank)"));
        }
        cl.getErr().flush();
        return 0;
    }

    /** Reads a 3-way tensor, turning every problem with the file into a DataFormatException or NpyFormatException. */
    static Tensor3 readTensor(Path file) throws IOException {
        NpyArray array;
        try {
            array = Npy.read(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": no such file");
        }
        if (array.rank() != 3) {
            throw new DataFormatException(file + ": expected a 3-way tensor [I, J, K], found " + array.rank()
                    + " dimension(s) " + Arrays.toString(array.shape()));
        }
        Tensor3 x;
        try {
            x = Tensor3.of(array.shape(), array.data());
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file + ": " + e.getMessage());
        }
        double norm = x.frobeniusNorm();
        if (!Double.isFinite(norm) || norm > MAX_NORM) {
            throw new DataFormatException(file + ": values too large: the tensor's Frobenius norm " + norm
                    + " is above " + MAX_NORM + " (CP-ALS works with squared norms, which would overflow a double; "
                    + "scale the tensor down)");
        }
        if (x.frobeniusNorm() == 0) {
            throw new DataFormatException(file + ": the tensor is all zero, nothing to factorize");
        }
        return x;
    }

    /** Parses {@code --init} case-insensitively. */
    static final class InitConverter implements CommandLine.ITypeConverter<CpAlsOptions.Init> {
        @Override
        public CpAlsOptions.Init convert(String value) {
            for (CpAlsOptions.Init i : CpAlsOptions.Init.values()) {
                if (i.name().equalsIgnoreCase(value)) {
                    return i;
                }
            }
            throw new CommandLine.TypeConversionException("expected svd or random, found '" + value + "'");
        }
    }
}
