/**
 * Row-sparse optimizers for the spatial layers: a training step costs what the minibatch touches, not the size of F.
 *
 * <p>A parameter of a spatial layer is a set of rows ({@link io.github.finegrain.model.RowBlock}): {@code F[a, b, :]}
 * (one task × court cell) for the full-rank layer, the rows of A, B and C for the CP layer, and the bias entries. A
 * minibatch of 1024 examples touches at most a few thousand rows out of up to ~10^6. {@link SparseOptimizer} (the
 * hyperparameters: SGD, Adagrad or lazy Adam, learning rate, L2, β1, β2, ε) and {@link OptimizerState} (the per-row
 * moments and step counts, their update, their fine-graining at a swap and their versioned file format) update only
 * the touched rows; {@code io.github.finegrain.train.SparseTrainingStep} runs the network's forward and backward passes
 * and applies them.
 *
 * <p>Why not inside DL4J's own machinery: in DL4J 1.0.0-M2.1 a {@code net.fit} step is
 * {@code StochasticGradientDescent.optimize}: {@code computeGradientAndScore} (which adds
 * {@code calcRegularizationScore}, a norm over every weight), the network's {@code Updater}
 * ({@code BaseMultiLayerUpdater.update}: divides the whole gradient view by the minibatch size, then each
 * {@code UpdaterBlock} applies regularization and its {@code GradientUpdater} to the whole block; the
 * {@code GradientUpdater} API receives a block's gradient array with no notion of rows), and then
 * {@code stepFunction.step(params, gradient)}, a dense {@code params.subi(update)} over the whole flat vector. The step
 * function cannot be replaced ({@code StepFunctions} accepts only DL4J's four built-in ones); the only way around the
 * dense subtraction is a {@code GradientsAccumulator}, DL4J's hook for distributed gradient sharing, whose contract
 * (store, share, apply encoded updates) is not this one. A custom {@code Updater} set with {@code net.setUpdater} could
 * do the row update, but the score's dense L2 norm and the dense step would remain. So finegrain runs DL4J's layers
 * (forward, loss, backward) itself and applies the row update, firing the network's training listeners as
 * {@code net.fit} does; a user who calls plain {@code net.fit} with a DL4J updater still gets DL4J's dense training
 * (the layers' backward passes are dense unless the row-sparse step arms them).
 */
package io.github.finegrain.optim;
