/**
 * Pictures and pages that show a run: court and defender-box heat maps, ranked player loadings, training curves and
 * the {@code report.html} page that gathers them. Everything here works on plain arrays and rows so that it can be
 * used without a trained network; it depends only on {@code grid}, the JDK (Java2D, ImageIO) and JFreeChart.
 *
 * <p>All rendering is headless: each class sets {@code java.awt.headless=true} (unless the property is already set)
 * before its first AWT use. Signed maps use one diverging colour scale centred at 0 ({@link DivergingPalette});
 * probability maps a sequential one labelled in percent ({@link ColourScale#probability}). {@link FigureRow} puts
 * the panels of one figure family side by side in one PNG.
 *
 * <p>Orientation of the court pictures: the basket is at the <b>left</b>; x (feet from the baseline) runs to the
 * right and y (feet from the sideline) runs up. This is the data's own right-handed frame drawn unrotated and
 * unmirrored, so "to the ball handler's right" in the defender box (+x lateral) means the same side in both
 * pictures. Defender-box pictures put the basket direction (+y) up and the handler's right (+x) to the right.
 */
package io.github.finegrain.report;
