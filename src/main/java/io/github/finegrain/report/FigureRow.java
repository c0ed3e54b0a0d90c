package io.github.finegrain.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Several pictures side by side in one PNG, under one bold title (and an optional grey subtitle): a figure of a
 * family that shares one colour scale, e.g. a player's probability maps without and with a defender.
 */
public final class FigureRow {
    static {
        Headless.ensure();
    }

    /** Gap between two pictures, pixels. */
    static final int GAP = 12;
    /** Height of the title strip, pixels. */
    static final int TITLE_HEIGHT = 52;

    private FigureRow() {
    }

    /**
     * The pictures left to right, top-aligned, under {@code title} and {@code subtitle}.
     *
     * @param title    bold line at the top (required)
     * @param subtitle grey line under it; null or empty for none
     * @param panels   at least one picture; not modified
     */
    public static BufferedImage compose(String title, String subtitle, List<BufferedImage> panels) {
        if (title == null || panels == null || panels.isEmpty()) {
            throw new IllegalArgumentException("figure row: a title and at least one picture are required");
        }
        int w = GAP;
        int h = 0;
        for (BufferedImage p : panels) {
            w += p.getWidth() + GAP;
            h = Math.max(h, p.getHeight());
        }
        BufferedImage img = new BufferedImage(w, TITLE_HEIGHT + h + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(HeatmapCanvas.INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title, GAP, 6 + fm.getAscent());
            if (subtitle != null && !subtitle.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
                g.setColor(new Color(0x555555));
                g.drawString(subtitle, GAP, 6 + fm.getHeight() + g.getFontMetrics().getAscent());
            }
            int x = GAP;
            for (BufferedImage p : panels) {
                g.drawImage(p, x, TITLE_HEIGHT, null);
                x += p.getWidth() + GAP;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** {@link #compose} written to a PNG file (parent folders created); returns {@code png}. */
    public static Path write(String title, String subtitle, List<BufferedImage> panels, Path png)
            throws IOException {
        return Png.write(compose(title, subtitle, panels), png);
    }
}
