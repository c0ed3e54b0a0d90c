/**
 * The custom Deeplearning4j layers of the spatial latent factor model (configuration class, implementation and
 * parameter initializer for each), the input-row layout they share, and builders for the networks that hold them.
 *
 * <p>Model (paper, Sec. 2): {@code f_a(x) = Σ_b Σ_c ψ_b(x) φ_c(x) F[a,b,c] + bias_a}, {@code p = sigmoid(f)}, where
 * ψ is the one-hot court cell of the ball handler and φ the defender occupancy histogram of the box around him.
 */
package io.github.finegrain.model;
