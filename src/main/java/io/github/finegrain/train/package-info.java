/**
 * Training: turning examples into DL4J minibatches ({@link io.github.finegrain.train.ExampleRows},
 * {@link io.github.finegrain.train.Minibatches}, {@link io.github.finegrain.train.MinibatchStream}: in memory, or
 * streamed from an example file or a spill file in a block-shuffled order,
 * {@link io.github.finegrain.train.BlockShuffledStream}), the
 * multi-resolution trainer that owns the loop over stages ({@link io.github.finegrain.train.MultiResolutionTrainer},
 * with {@code StageRunner} for one stage and {@code SwapStep} for
 * the move between stages), its options and their one set of defaults
 * ({@link io.github.finegrain.train.MultiResolutionOptions}), the training steps
 * ({@link io.github.finegrain.train.TrainingStep}, {@link io.github.finegrain.train.TrainingSteps}), the validation
 * loss ({@link io.github.finegrain.train.ValidationLoss}), the run's checkpoints
 * ({@link io.github.finegrain.train.RunCheckpoint}: what is saved to resume; {@link
 * io.github.finegrain.train.CheckpointFolder}: the atomic, manifest-verified folder), the single-resolution
 * {@link io.github.finegrain.train.Trainer}, and the immutable trained model they return.
 */
package io.github.finegrain.train;
