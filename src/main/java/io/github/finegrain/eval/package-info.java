/**
 * Evaluation and the analyst's report of a trained model: binary metrics (log loss, ROC AUC, average precision, F1 at
 * a threshold chosen on validation) and the distance-to-basket baseline; what the model predicts over the court
 * ({@link io.github.finegrain.eval.ProbabilityMaps}), its CP layer in canonical form
 * ({@link io.github.finegrain.eval.CanonicalComponents}), the report page
 * ({@link io.github.finegrain.eval.ModelReport}), the two-player page
 * ({@link io.github.finegrain.eval.PlayerComparison}) and the CSV / .npy export with JSON sidecars
 * ({@link io.github.finegrain.eval.FactorExport}).
 */
package io.github.finegrain.eval;
