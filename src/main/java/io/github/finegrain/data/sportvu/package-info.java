/**
 * The public 2015-16 NBA SportVU game logs and stats.nba.com play-by-play in, labelled examples out:
 * {@link io.github.finegrain.data.sportvu.GameFile} (a {@code .7z} or {@code .json} game, archive names),
 * {@link io.github.finegrain.data.sportvu.SportvuReader} (streaming JSON, de-duplication, moment checks),
 * {@link io.github.finegrain.data.sportvu.PlayByPlay} (field-goal attempts),
 * {@code GameImporter} (ball handlers, flights, shot matching, attack direction, labels, encoding),
 * {@link io.github.finegrain.data.sportvu.SportvuImport} (many games into one
 * {@link io.github.finegrain.data.ExampleFile}, the split by game, the report and the bad-input policy). Synthetic
 * games in the same schema (for scale and fault tests) and the import benchmark live in {@code bench}.
 */
package io.github.finegrain.data.sportvu;
