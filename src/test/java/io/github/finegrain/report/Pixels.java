package io.github.finegrain.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Pixel helpers for the picture tests. */
final class Pixels {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Pixels() {
    }

    static Color at(BufferedImage img, Point2D p) {
        return new Color(img.getRGB((int) Math.floor(p.getX()), (int) Math.floor(p.getY())));
    }

    static Color at(BufferedImage img, int x, int y) {
        return new Color(img.getRGB(x, y));
    }

    static double luminance(Color c) {
        return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
    }

    /** The darkest luminance within {@code radius} pixels of {@code p}. */
    static double darkestNear(BufferedImage img, Point2D p, int radius) {
        int cx = (int) Math.floor(p.getX());
        int cy = (int) Math.floor(p.getY());
        double min = 255;
        for (int y = cy - radius; y <= cy + radius; y++) {
            for (int x = cx - radius; x <= cx + radius; x++) {
                if (x >= 0 && y >= 0 && x < img.getWidth() && y < img.getHeight()) {
                    min = Math.min(min, luminance(at(img, x, y)));
                }
            }
        }
        return min;
    }

    /** Reads {@code file}, checking that it starts with the PNG signature and decodes. */
    static BufferedImage readPng(Path file) throws IOException {
        assertThat(file).isRegularFile();
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(file)) {
            assertThat(in.read(head)).isEqualTo(8);
        }
        assertThat(head).containsExactly(PNG_MAGIC);
        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(img).as("decoded PNG " + file).isNotNull();
        return img;
    }
}
