package io.github.finegrain.data;

/** Which rows an example becomes when fed to a network (see {@link io.github.finegrain.train.ExampleRows}). */
public enum TaskRows {
    /** One row per example, on its ball handler's task if he has one, else on the league task (evaluation). */
    SCORING,
    /**
     * One row per active task (A(i) = {ball handler, league}): the ball handler's row when he has a task, then the
     * league row (training).
     */
    TRAINING
}
