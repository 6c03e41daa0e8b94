package dev.gensynth.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class MaskPicturesTest {
    @Test
    void classesHaveVocsColours() {
        assertThat(MaskPictures.colour(0)).isEqualTo(Color.BLACK);
        assertThat(MaskPictures.colour(1)).isEqualTo(new Color(128, 0, 0)); // aeroplane
        assertThat(MaskPictures.colour(2)).isEqualTo(new Color(0, 128, 0)); // bicycle
        assertThat(MaskPictures.colour(15)).isEqualTo(new Color(192, 128, 128)); // person
        assertThat(MaskPictures.colour(255)).isEqualTo(Color.WHITE); // ignored
    }

    @Test
    void everyPixelShowsItsClassSideBySideWithTheImage() throws Exception {
        float[] image = new float[4]; // 2x2 grey: 0, 1/3, 2/3, 1
        for (int i = 0; i < 4; i++) {
            image[i] = i / 3f;
        }
        int[] truth = {0, 1, 2, 255};
        int[] predicted = {0, 1, 1, 1};
        Charts.Png png = MaskPictures.png("two masks", List.of("image", "truth", "net"),
                List.of(new MaskPictures.Row(image, 1, List.of(truth, predicted))), 2, 2, List.of("bg", "a", "b"), 5);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.bytes()));
        int top = 18;
        int gap = 6;
        // pixel (1, 0) of each panel, sampled at its centre
        int y = top + 2;
        assertThat(new Color(img.getRGB(gap + 5 + 2, y))).isEqualTo(new Color(85, 85, 85));
        assertThat(new Color(img.getRGB(gap + (10 + gap) + 5 + 2, y))).isEqualTo(MaskPictures.colour(1));
        assertThat(new Color(img.getRGB(gap + 2 * (10 + gap) + 2, y + 5))).isEqualTo(MaskPictures.colour(1));
        assertThat(new Color(img.getRGB(gap + (10 + gap) + 5 + 2, y + 5))).isEqualTo(Color.WHITE);
        assertThat(png.alt()).isEqualTo("two masks");
    }
}
