package dev.gensynth.data;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads a folder of images laid out one sub-folder per class ({@code root/cat/*.png},
 * {@code root/dog/*.jpg}, ...), the layout of torchvision's {@code ImageFolder}. Classes are the
 * sub-folders sorted by name, so class indices are stable across machines. Hidden entries and
 * files that are not PNG or JPEG (by extension) are ignored, so a stray {@code README} or
 * {@code .DS_Store} does no harm.
 *
 * <p>Grey images are read straight from the raster because {@code BufferedImage.getRGB} treats
 * their grey as linear and converts it to sRGB, silently brightening it (a stored 128 comes back
 * as 188). Resizing is our own bilinear filter on float planes, so grey and colour images go
 * through the same code and no value is quantised to 8 bits twice.
 */
public final class ImageFolderReader {
    private ImageFolderReader() {
    }

    /**
     * Reads every image under {@code root}, converted to {@code target}'s channels (1: grey
     * luminance, 3: RGB) and resized to its height x width, scaled to [0, 1].
     *
     * @param target a {@code [C, H, W]} shape with C = 1 or 3
     * @throws UserError if the root or its class folders are missing or empty, or an image cannot
     *                   be decoded
     */
    public static Dataset read(Path root, Shape target) {
        if (!target.isMap() || (target.channels() != 1 && target.channels() != 3)) {
            throw new UserError("an image folder can only feed a 1- or 3-channel CxHxW input, but the network "
                    + "expects " + target + "; change the network's input shape.");
        }
        if (!Files.isDirectory(root)) {
            throw new UserError("image folder " + root + " does not exist; pass --data DIR pointing at a folder "
                    + "with one sub-folder of PNG or JPEG images per class.");
        }
        List<Path> classDirs = list(root).stream().filter(Files::isDirectory).toList();
        if (classDirs.isEmpty()) {
            throw new UserError("image folder " + root + " has no class sub-folders; put each class's images in "
                    + "its own sub-folder (e.g. " + root.resolve("cat") + "/1.png).");
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path classDir : classDirs) {
            List<Path> images = list(classDir).stream().filter(ImageFolderReader::isImage).toList();
            if (images.isEmpty()) {
                throw new UserError("image folder " + classDir + " holds no PNG or JPEG images; add some or remove "
                        + "the folder (every sub-folder of " + root + " is a class).");
            }
            for (Path f : images) {
                files.add(f);
                labels.add(names.size());
            }
            names.add(classDir.getFileName().toString());
        }
        int e = (int) target.elements();
        float[] x = new float[Math.multiplyExact(files.size(), e)];
        int[] y = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            float[] s = load(files.get(i), target);
            System.arraycopy(s, 0, x, i * e, e);
            y[i] = labels.get(i);
        }
        return new Dataset(root.getFileName() == null ? root.toString() : root.getFileName().toString(), target, x,
                y, names.size(), names);
    }

    /** Non-hidden entries of {@code dir}, sorted by name. */
    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UserError("cannot list image folder " + dir + " (" + e.getMessage()
                    + "); check its permissions.", e);
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** One image as CHW floats in [0, 1], in {@code target}'s channels and size. */
    static float[] load(Path file, Shape target) {
        return load(decode(file), target);
    }

    /** A decoded image as CHW floats in [0, 1], in {@code target}'s channels and size. */
    static float[] load(BufferedImage img, Shape target) {
        float[][] planes = planes(img, target.channels());
        int h = target.height();
        int w = target.width();
        float[] out = new float[planes.length * h * w];
        for (int c = 0; c < planes.length; c++) {
            resizeBilinear(planes[c], img.getWidth(), img.getHeight(), out, c * h * w, w, h);
        }
        return out;
    }

    /** The image in {@code file}, or a clear error when it is no PNG or JPEG. */
    static BufferedImage decode(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new UserError("image " + file + " cannot be read (" + e.getMessage()
                    + "); it is damaged or not really a PNG/JPEG: replace or delete it.", e);
        }
        if (img == null) {
            throw new UserError("image " + file + " cannot be decoded as PNG or JPEG; replace or delete it.");
        }
        return img;
    }

    /**
     * The image as {@code channels} planes in [0, 1]. Grey images are read from the raster's
     * first band (so their values survive unchanged) and replicated for RGB; colour images go
     * through sRGB and are reduced to grey with the Rec. 601 luma weights that PIL and
     * torchvision use, so models see the same values as in Python.
     */
    private static float[][] planes(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[][] p = new float[channels][w * h];
        if (img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster r = img.getRaster();
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    float v = r.getSample(xx, yy, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        p[c][yy * w + xx] = v;
                    }
                }
            }
            return p;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            float r = DataFiles.UNIT_BYTE[(argb[i] >> 16) & 0xFF];
            float g = DataFiles.UNIT_BYTE[(argb[i] >> 8) & 0xFF];
            float b = DataFiles.UNIT_BYTE[argb[i] & 0xFF];
            if (channels == 1) {
                p[0][i] = 0.299f * r + 0.587f * g + 0.114f * b;
            } else {
                p[0][i] = r;
                p[1][i] = g;
                p[2][i] = b;
            }
        }
        return p;
    }

    /**
     * Bilinear resize with half-pixel centres (as PIL and {@code align_corners=False}), so an
     * image resized to its own size is unchanged and up- or down-scaling does not shift it.
     */
    private static void resizeBilinear(float[] src, int sw, int sh, float[] dst, int off, int dw, int dh) {
        for (int yy = 0; yy < dh; yy++) {
            float fy = Math.max(0, (yy + 0.5f) * sh / dh - 0.5f);
            int y0 = Math.min((int) fy, sh - 1);
            int y1 = Math.min(y0 + 1, sh - 1);
            float wy = fy - y0;
            for (int xx = 0; xx < dw; xx++) {
                float fx = Math.max(0, (xx + 0.5f) * sw / dw - 0.5f);
                int x0 = Math.min((int) fx, sw - 1);
                int x1 = Math.min(x0 + 1, sw - 1);
                float wx = fx - x0;
                float top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
                float bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
                dst[off + yy * dw + xx] = top * (1 - wy) + bottom * wy;
            }
        }
    }
}
