/**
 * Hyperparameter search over the multi-resolution schedule (the only package that imports Arbiter): a search space
 * file ({@link io.github.finegrain.tuning.SearchSpace}), Arbiter's random or grid search over it
 * ({@link io.github.finegrain.tuning.FineGrainSpace}), one full MMT-SE run per candidate
 * ({@link io.github.finegrain.tuning.MmtSeTaskCreator}) scored by the validation log loss
 * ({@link io.github.finegrain.tuning.ValidationLogLoss}), all run by {@link io.github.finegrain.tuning.Tuner},
 * which bounds candidate generation ({@link io.github.finegrain.tuning.BoundedCandidateGenerator}) and writes
 * {@code results.csv} and {@code summary.md} ({@link io.github.finegrain.tuning.TuningReport}).
 */
package io.github.finegrain.tuning;
