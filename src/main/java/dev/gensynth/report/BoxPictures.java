package dev.gensynth.report;

import dev.gensynth.task.detection.Box;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Pictures of boxes: each row one image drawn once per column (the true objects, then each network's
 * detections), every box in its class's colour with its class name (and a detection's score) above it. Images
 * are scaled up by whole pixels, without smoothing.
 */
public final class BoxPictures {
    private static final int GAP = 6;

    private BoxPictures() {
    }

    /** A box to draw: its class, where it is (input pixels), and its score, NaN for a true object. */
    public record Drawn(int classIndex, Box box, double score) {
    }

    /** One image (CHW in [0, 1], 1 or 3 channels) and the boxes of each column. */
    public record Row(float[] image, int channels, List<List<Drawn>> columns) {
    }

    /** The colour of class {@code c}: the VOC colour of c + 1 (class 0 of a detector is no background). */
    static Color colour(int c) {
        return MaskPictures.colour(c + 1);
    }

    /** A PNG of {@code rows} ({@code height × width} each), columns titled {@code columns}. */
    public static Charts.Png png(String alt, List<String> columns, List<Row> rows, int height, int width,
            List<String> classNames, int scale) {
        int cols = columns.size();
        int w = cols * (width * scale + GAP) + GAP;
        int h = 18 + rows.size() * (height * scale + GAP) + GAP;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.DARK_GRAY);
        for (int c = 0; c < cols; c++) {
            g.drawString(columns.get(c), GAP + c * (width * scale + GAP), 13);
        }
        g.setStroke(new BasicStroke(2));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            int top = 18 + r * (height * scale + GAP);
            for (int c = 0; c < cols; c++) {
                int left = GAP + c * (width * scale + GAP);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int p = y * width + x;
                        int rgb = row.channels() == 3
                                ? new Color(unit(row.image()[p]), unit(row.image()[height * width + p]),
                                        unit(row.image()[2 * height * width + p])).getRGB()
                                : new Color(unit(row.image()[p]), unit(row.image()[p]), unit(row.image()[p])).getRGB();
                        for (int dy = 0; dy < scale; dy++) {
                            for (int dx = 0; dx < scale; dx++) {
                                out.setRGB(left + x * scale + dx, top + y * scale + dy, rgb);
                            }
                        }
                    }
                }
                g.setClip(left, top, width * scale, height * scale);
                for (Drawn d : row.columns().get(c)) {
                    g.setColor(colour(d.classIndex()));
                    int x1 = left + (int) Math.round(d.box().x1() * scale);
                    int y1 = top + (int) Math.round(d.box().y1() * scale);
                    int bw = (int) Math.round((d.box().x2() - d.box().x1()) * scale);
                    int bh = (int) Math.round((d.box().y2() - d.box().y1()) * scale);
                    g.drawRect(x1, y1, bw, bh);
                    String label = classNames.get(d.classIndex()) + (Double.isNaN(d.score()) ? ""
                            : String.format(Locale.ROOT, " %.2f", d.score()));
                    g.drawString(label, x1 + 2, Math.max(top + 10, y1 - 2));
                }
                g.setClip(null);
            }
        }
        g.dispose();
        return Charts.Png.of(alt, out);
    }

    private static int unit(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255)));
    }
}
