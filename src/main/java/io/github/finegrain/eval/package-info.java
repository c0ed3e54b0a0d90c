/** Evaluation: binary metrics (log loss, ROC AUC, average precision, F1 at a threshold chosen on validation) and the distance-to-basket baseline. */
package io.github.finegrain.eval;
