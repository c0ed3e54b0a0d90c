/**
 * CP (CANDECOMP/PARAFAC) decomposition of 3-way tensors, used to start and to inspect the CP-factored latent factor
 * model: {@link io.github.finegrain.factor.Tensor3} (a validated dense {@code [I, J, K]} tensor in C order),
 * {@link io.github.finegrain.factor.CpAlsOptions} (validated settings with TensorLy's defaults),
 * {@link io.github.finegrain.factor.CpAls} (alternating least squares, Kolda and Bader 2009, Sec. 3.4),
 * {@link io.github.finegrain.factor.CpResult} (the immutable fitted model) and
 * {@link io.github.finegrain.factor.Congruence} (factor congruence with optimal component matching).
 * Depends on the JDK, EJML and SLF4J only; checked against TensorLy 0.9.0 on the golden cases in
 * {@code src/test/resources/golden/cp-als}.
 *
 * <p><b>Why our own CP-ALS.</b> No maintained Java library offers a CP decomposition (the maintained ones, TensorLy
 * and Tensor Toolbox, are Python and MATLAB); ND4J and EJML supply the linear algebra, and this package adds only the
 * ALS sweeps, the SVD start and the checks, kept comparable to TensorLy by the golden cases.
 */
package io.github.finegrain.factor;
