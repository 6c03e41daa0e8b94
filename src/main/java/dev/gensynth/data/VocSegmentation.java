package dev.gensynth.data;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;


import javax.imageio.ImageIO;

/**
 * Reads a semantic-segmentation set in the Pascal VOC layout, as VOC itself and labelme's
 * {@code labelme2voc.py} write it:
 * <ul>
 *   <li>{@code JPEGImages/NAME.jpg} (or {@code .jpeg}, {@code .png}): the images;</li>
 *   <li>{@code SegmentationClass/NAME.png}, or {@code SegmentationClassPNG/NAME.png} where labelme keeps
 *       its PNGs (its {@code SegmentationClass/} holds NumPy arrays): palette-indexed (or 8-bit grey)
 *       masks whose pixel values are class indices, 255 for pixels to ignore (VOC's object borders);</li>
 *   <li>{@code ImageSets/Segmentation/train.txt} and {@code val.txt}, one name per line, when present;
 *       without them every image with a mask is read;</li>
 *   <li>class names from {@code class_names.txt} (labelme's export, background first) when present,
 *       else the 21 of VOC.</li>
 * </ul>
 * Images are resized to the network's input (bilinear, as {@link ImageFolderReader}); masks to the
 * same size by nearest neighbour, so no pixel gets a class that is not in its mask. Both are
 * stretched, not cropped: a 500x375 photo fills a square input entirely.
 */
public final class VocSegmentation {
    /** The 21 classes of Pascal VOC 2012 segmentation, background first. */
    public static final List<String> VOC_CLASSES = List.of("background", "aeroplane", "bicycle", "bird", "boat",
            "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person",
            "pottedplant", "sheep", "sofa", "train", "tvmonitor");

    private VocSegmentation() {
    }

    /** Whether {@code root} lists its training and validation images ({@code ImageSets/Segmentation}). */
    public static boolean hasLists(Path root) {
        return Files.isRegularFile(lists(root).resolve("train.txt")) && Files.isRegularFile(lists(root)
                .resolve("val.txt"));
    }

    private static Path lists(Path root) {
        return root.resolve("ImageSets").resolve("Segmentation");
    }

    /**
     * The images of list {@code list} ({@code "train"} or {@code "val"} under
     * {@code ImageSets/Segmentation/}), or every image with a mask when {@code list} is null.
     *
     * @param target a {@code [C, H, W]} input shape with C = 1 or 3
     */
    public static Dataset read(Path root, Shape target, String list) {
        if (!target.isMap() || (target.channels() != 1 && target.channels() != 3)) {
            throw new UserError("a VOC segmentation set can only feed a 1- or 3-channel CxHxW input, but the network "
                    + "expects " + target + "; change the network's input shape.");
        }
        Path images = root.resolve("JPEGImages");
        if (!Files.isDirectory(images)) {
            throw new UserError("VOC segmentation set " + root + " has no JPEGImages/ folder; pass --data DIR pointing "
                    + "at a folder with JPEGImages/ and SegmentationClass/ (or SegmentationClassPNG/).");
        }
        Path masks = maskDir(root);
        List<String> classNames = classNames(root);
        List<String> names = list == null ? DataFiles.stems(masks, ".png")
                : DataFiles.listed(lists(root).resolve(list + ".txt"), "ImageSets/Segmentation/train.txt and val.txt");
        if (names.isEmpty()) {
            throw new UserError("VOC segmentation set " + root + " has no " + (list == null ? "masks in " + masks
                    : "names in " + lists(root).resolve(list + ".txt")) + "; add some.");
        }
        int e = (int) target.elements();
        int area = target.height() * target.width();
        float[] x = new float[Math.multiplyExact(names.size(), e)];
        byte[] pixels = new byte[Math.multiplyExact(names.size(), area)];
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            Path image = image(images, n);
            Path maskFile = masks.resolve(n + ".png");
            if (!Files.isRegularFile(maskFile)) {
                throw new UserError("VOC segmentation set " + root + ": image " + n + " has no mask " + maskFile
                        + "; add it or remove " + n + " from the set.");
            }
            int[][] mask = readMask(maskFile, classNames.size());
            BufferedImage photo = ImageFolderReader.decode(image);
            if (photo.getHeight() != mask.length || photo.getWidth() != mask[0].length) {
                throw new UserError("mask " + maskFile + " is " + mask[0].length + "x" + mask.length + " but its image "
                        + image + " is " + photo.getWidth() + "x" + photo.getHeight() + "; a mask labels its image's "
                        + "pixels one for one.");
            }
            System.arraycopy(ImageFolderReader.load(photo, target), 0, x, i * e, e);
            resizeNearest(mask, pixels, i * area, target.height(), target.width());
        }
        Targets.Masks m = new Targets.Masks(pixels, target.height(), target.width());
        int[] y = new int[names.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = m.mostFrequent(i, classNames.size());
        }
        String name = (root.getFileName() == null ? root.toString() : root.getFileName().toString())
                + (list == null ? "" : "/" + list);
        return new Dataset(name, target, x, y, classNames.size(), classNames, m);
    }

    private static Path maskDir(Path root) {
        for (String d : List.of("SegmentationClass", "SegmentationClassPNG")) {
            Path p = root.resolve(d);
            if (Files.isDirectory(p) && !DataFiles.stems(p, ".png").isEmpty()) {
                return p;
            }
        }
        throw new UserError("VOC segmentation set " + root + " has no PNG masks in SegmentationClass/ or "
                + "SegmentationClassPNG/; each image NAME needs a palette-indexed mask NAME.png there.");
    }

    /** Class names from {@code class_names.txt} (one per line, background first), else VOC's. */
    static List<String> classNames(Path root) {
        Path f = root.resolve("class_names.txt");
        if (!Files.isRegularFile(f)) {
            return VOC_CLASSES;
        }
        List<String> names = new ArrayList<>();
        for (String line : DataFiles.lines(f)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.size() < 2 || names.size() >= Targets.Masks.IGNORE) {
            throw new UserError(f + " names " + names.size() + " classes; a segmentation set needs 2 to "
                    + (Targets.Masks.IGNORE - 1) + " (background first, one per line).");
        }
        return names;
    }




    private static Path image(Path images, String name) {
        for (String ext : List.of(".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG")) {
            Path p = images.resolve(name + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new UserError("VOC segmentation set: " + name + " has no image in " + images + " (looked for " + name
                + ".jpg, .jpeg and .png); add it or remove " + name + " from the set.");
    }

    /**
     * A mask at its own size, {@code [row][column]} class indices (255: ignore), checked against the
     * class count.
     */
    static int[][] readMask(Path f, int classes) {
        BufferedImage img = ImageFolderReader.decode(f);
        boolean indexed = img.getColorModel() instanceof IndexColorModel;
        boolean grey = img.getRaster().getNumBands() == 1 && img.getColorModel().getComponentSize(0) == 8;
        if (!indexed && !grey) {
            throw new UserError("mask " + f + " is a colour image; VOC masks are palette-indexed (or 8-bit grey) PNGs "
                    + "whose pixel values are class indices. Save it in indexed mode (labelme2voc.py does).");
        }
        Raster r = img.getRaster();
        int[][] out = new int[img.getHeight()][img.getWidth()];
        for (int yy = 0; yy < img.getHeight(); yy++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
                int c = r.getSample(xx, yy, 0);
                if (c >= classes && c != Targets.Masks.IGNORE) {
                    throw new UserError("mask " + f + " has class " + c + " at pixel (" + xx + ", " + yy + ") but the "
                            + "set has " + classes + " classes (0.." + (classes - 1) + ", 255 = ignore); check "
                            + "class_names.txt.");
                }
                out[yy][xx] = c;
            }
        }
        return out;
    }

    /** Nearest-neighbour resize with pixel centres (PIL's NEAREST), into {@code out} from {@code off}. */
    static void resizeNearest(int[][] mask, byte[] out, int off, int h, int w) {
        int sh = mask.length;
        int sw = mask[0].length;
        for (int yy = 0; yy < h; yy++) {
            int sy = Math.min(sh - 1, (int) ((yy + 0.5) * sh / h));
            for (int xx = 0; xx < w; xx++) {
                int sx = Math.min(sw - 1, (int) ((xx + 0.5) * sw / w));
                out[off + yy * w + xx] = (byte) mask[sy][sx];
            }
        }
    }
}
