/**
 * Training: turning examples into DL4J minibatches (in memory, or streamed from an example file or a spill file
 * in a block-shuffled order: {@link io.github.finegrain.train.BlockShuffledStream}), the trainer that owns the loop
 * over minibatches and stages, and the immutable trained model it returns.
 */
package io.github.finegrain.train;
