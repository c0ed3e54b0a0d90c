/**
 * The custom Deeplearning4j layers of the spatial latent factor model (configuration class, implementation and
 * parameter initializer for each, over shared bases), the input layout they read, the model kind, and builders for
 * the networks that hold them.
 *
 * <p>Model (paper, Sec. 2): {@code f_a(x) = Σ_b Σ_c ψ_b(x) φ_c(x) F[a,b,c] + bias_a}, {@code p = sigmoid(f)}, where
 * ψ is the one-hot court cell of the ball handler and φ the defender occupancy histogram of the box around him.
 *
 * <ul>
 *   <li>Both layers are configured with DL4J-style builders ({@code new FullRankSpatialLayer.Builder().tasks(…)
 *   .court(…).defenderBox(…).build()}) validated through the spec records, and are of one
 *   {@link io.github.finegrain.model.ModelKind}. They read raw rows laid out as an
 *   {@link io.github.finegrain.model.InputLayout} (a task column, one anchor point, k context points;
 *   {@link io.github.finegrain.model.InputRow}'s basketball rows by default), so a spatial layer is the first
 *   layer of its network.</li>
 *   <li>{@link io.github.finegrain.model.FullRankSpatialLayer}: F unfactorized, {@code [tasks, courtCells,
 *   defenderCells + 1]} ({@link io.github.finegrain.model.SpatialLayerSpec}).</li>
 *   <li>{@link io.github.finegrain.model.CpSpatialLayer}: F = A ⊗ B ⊗ C of rank K
 *   ({@link io.github.finegrain.model.CpLayerSpec}), sparse forward/backward without reconstructing F.</li>
 *   <li>{@link io.github.finegrain.model.SpatialSmoothness}: the optional spatial smoothness penalty of both layers
 *   (Gaussian-kernel graph Laplacian per spatial mode), applied by DL4J's updater as
 *   {@link io.github.finegrain.model.SpatialSmoothnessRegularization}.</li>
 *   <li>{@link io.github.finegrain.model.SpatialNetworks}: [spatial layer → sigmoid binary cross-entropy] as a
 *   MultiLayerNetwork or a ComputationGraph.</li>
 *   <li>{@link io.github.finegrain.model.SpatialModels}: stage transitions, fine-graining a network's grids
 *   ({@link io.github.finegrain.grid.FineGraining}) and the full-rank → CP hand-off (CP-ALS from
 *   {@code io.github.finegrain.factor}); {@code fineGrain} and {@code handOff} are what a user's own MMT-SE loop
 *   calls.</li>
 * </ul>
 * Depends on {@code grid} and {@code factor}.
 */
package io.github.finegrain.model;
