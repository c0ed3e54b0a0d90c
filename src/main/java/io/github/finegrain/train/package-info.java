/**
 * Training: turning examples into DL4J minibatches, the trainer that owns the loop over minibatches and stages,
 * and the immutable trained model it returns.
 */
package io.github.finegrain.train;
