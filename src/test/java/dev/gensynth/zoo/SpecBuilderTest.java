package dev.gensynth.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecBuilderTest {

    private static List<String> names(NetworkSpec s) {
        return s.layers().stream().map(Layer::name).toList();
    }

    @Test
    void followersAreNamedAfterTheLastNamedLayer() {
        NetworkSpec s = new SpecBuilder(Shape.of(1, 8, 8)).conv("stem", 4, 3, 1, 1).bn().relu().relu()
                .globalAvgPool().flatten().linear("fc", 3).build("n");
        assertThat(names(s)).containsExactly("stem", "stem_bn", "stem_relu", "stem_relu2", "stem_gap",
                "stem_flatten", "fc");
        assertThat(s.layer("stem_bn").inputs()).containsExactly("stem");
        assertThat(s.outputs()).containsExactly("fc");
    }

    @Test
    void branchesJoinAtAnAdd() {
        SpecBuilder b = new SpecBuilder(Shape.of(4, 8, 8));
        String x = b.current();
        b.conv("a", 4, 3, 1, 1).bn();
        String a = b.current();
        b.at(x).pointwise("p", 4);
        NetworkSpec s = b.add("sum", a, b.current()).relu().build("n");
        assertThat(x).isEqualTo(Layer.INPUT);
        assertThat(s.layer("p").inputs()).containsExactly(Layer.INPUT);
        assertThat(s.layer("sum").inputs()).containsExactly("a_bn", "p");
        assertThat(names(s)).endsWith("sum_relu");
    }

    @Test
    void mistakesFailEarly() {
        SpecBuilder b = new SpecBuilder(Shape.of(1, 8, 8)).conv("c", 4, 3, 1, 1);
        assertThatThrownBy(() -> b.conv("c", 4, 3, 1, 1)).hasMessageContaining("'c' is used twice");
        assertThatThrownBy(() -> b.at("nope")).hasMessageContaining("nope");
        assertThatThrownBy(() -> new SpecBuilder(Shape.of(1, 8, 8)).linear("fc", 3).build("n"))
                .isInstanceOf(SpecException.class).hasMessageContaining("flatten");
    }

    @Test
    void upsamplingTakesTheSizeOfItsSkipAndNoMore() {
        SpecBuilder b = new SpecBuilder(Shape.of(1, 9, 9)).conv("full", 4, 3, 1, 1);
        String full = b.current();
        b.conv("down", 4, 3, 2, 1); // 9 -> 5
        NetworkSpec ok = b.upsample("up", 2, full).build("n");
        assertThat(ok.shapes().get("up")).isEqualTo(Shape.of(4, 9, 9)); // 10, cropped to 9
        SpecBuilder far = new SpecBuilder(Shape.of(1, 9, 9)).conv("full", 4, 3, 1, 1);
        far.conv("down", 4, 3, 2, 1).conv("down2", 4, 3, 2, 1); // 9 -> 5 -> 3
        far.upsample("up", 2, "full");
        assertThatThrownBy(() -> far.build("n")).isInstanceOf(SpecException.class)
                .hasMessageContaining("upsampling 3x3 by 2 cannot take the size 9x9 of 'full'");
    }
}
