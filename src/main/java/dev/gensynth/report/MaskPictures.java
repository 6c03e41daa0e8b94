package dev.gensynth.report;

import dev.gensynth.data.Targets;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Pictures of segmentations: per row an input image and its masks (the truth, then each network's
 * prediction) side by side, every class in a fixed colour (Pascal VOC's colour map, so class 0 is
 * black and VOC's classes get their usual colours), ignored pixels white, and a legend of the
 * classes shown. Images are scaled up by whole pixels (no smoothing), so every pixel stays visible.
 */
public final class MaskPictures {
    private static final int GAP = 6;

    private MaskPictures() {
    }

    /** One image with its masks. {@code image} is CHW in [0, 1] (1 or 3 channels); masks are row-major classes. */
    public record Row(float[] image, int channels, List<int[]> masks) {
    }

    /** Colour of class {@code c}: the VOC colour map (bits of c spread over R, G and B); white for ignore. */
    public static Color colour(int c) {
        if (c == Targets.Masks.IGNORE) {
            return Color.WHITE;
        }
        int r = 0;
        int g = 0;
        int b = 0;
        int id = c;
        for (int shift = 7; shift >= 0 && id > 0; shift--) {
            r |= (id & 1) << shift;
            g |= ((id >> 1) & 1) << shift;
            b |= ((id >> 2) & 1) << shift;
            id >>= 3;
        }
        return new Color(r, g, b);
    }

    /**
     * A PNG of {@code rows} ({@code height × width} each), columns titled {@code columns} (the input
     * first), with a legend of {@code classNames}.
     */
    public static Charts.Png png(String alt, List<String> columns, List<Row> rows, int height, int width,
            List<String> classNames, int scale) {
        int cols = columns.size();
        int legendRows = (classNames.size() + 3) / 4;
        int w = cols * (width * scale + GAP) + GAP;
        int h = 18 + rows.size() * (height * scale + GAP) + GAP + legendRows * 16 + 4;
        BufferedImage out = new BufferedImage(Math.max(w, 4 * 150), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.DARK_GRAY);
        for (int c = 0; c < cols; c++) {
            g.drawString(columns.get(c), GAP + c * (width * scale + GAP), 13);
        }
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            int top = 18 + r * (height * scale + GAP);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int p = y * width + x;
                    Color px = row.channels() == 3
                            ? new Color(unit(row.image()[p]), unit(row.image()[height * width + p]),
                                    unit(row.image()[2 * height * width + p]))
                            : new Color(unit(row.image()[p]), unit(row.image()[p]), unit(row.image()[p]));
                    fill(out, GAP + x * scale, top + y * scale, scale, px.getRGB());
                    for (int m = 0; m < row.masks().size(); m++) {
                        fill(out, GAP + (m + 1) * (width * scale + GAP) + x * scale, top + y * scale, scale,
                                colour(row.masks().get(m)[p]).getRGB());
                    }
                }
            }
        }
        int legendTop = 18 + rows.size() * (height * scale + GAP) + GAP;
        for (int c = 0; c < classNames.size(); c++) {
            int x = GAP + (c % 4) * 150;
            int y = legendTop + (c / 4) * 16;
            g.setColor(colour(c));
            g.fillRect(x, y, 12, 12);
            g.setColor(Color.DARK_GRAY);
            g.drawRect(x, y, 12, 12);
            g.drawString(c + " " + classNames.get(c), x + 16, y + 11);
        }
        g.dispose();
        return Charts.Png.of(alt, out);
    }

    private static int unit(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }

    private static void fill(BufferedImage img, int x0, int y0, int scale, int rgb) {
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                img.setRGB(x0 + dx, y0 + dy, rgb);
            }
        }
    }
}
