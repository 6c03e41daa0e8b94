package dev.gensynth.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

public class RunReportTest {
    /**
     * Fails when a table, CSV or page shows NaN or an infinity as a value. The reason of a divergence
     * may name one ("loss NaN", "weight fc.weight has -Infinity"): that is what tables show instead.
     * Embedded images are skipped (their base64 can spell anything).
     */
    public static void assertNoNotANumber(String text) {
        assertThat(text.replaceAll("base64,[A-Za-z0-9+/=]+", "base64,"))
                .doesNotContainPattern("(?<!loss |has |loss -|has -)\\b(NaN|Infinity)\\b");
    }

    /** Parses the page as XML (fails on any well-formedness error) without fetching anything. */
    public static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    public static void assertSelfContained(String html) {
        assertThat(html).doesNotContainPattern("(src|href)\\s*=\\s*\"(https?:)?//");
        assertThat(html).doesNotContain("<script").doesNotContain("<link");
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int pngs = 0;
        while (m.find()) {
            byte[] b = java.util.Base64.getDecoder().decode(m.group(1));
            assertThat(b).startsWith(0x89, 'P', 'N', 'G');
            pngs++;
        }
        assertThat(pngs).isGreaterThanOrEqualTo(2);
    }

    @Test
    void reportOfARunIsWellFormedSelfContainedAndNamesEveryNetwork(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        List<String> names = FakeRun.write(run, 2, true);
        Path out = RunReport.write(run);
        assertThat(out).isEqualTo(run.resolve("report.html"));
        String html = Files.readString(out);
        Document doc = parse(html);
        assertThat(doc.getElementsByTagName("table").getLength()).isGreaterThanOrEqualTo(4);
        assertSelfContained(html);
        for (String n : names) {
            assertThat(html).contains(n);
        }
        assertThat(html).contains("meets r").contains("&lt;x&gt;").contains("seed-100").contains("prototype");
        assertThat(html).contains("90.50% validation / 90.00% test top-1");
        assertThat(html).contains("validation floor 89.50%)");
    }

    @Test
    void theFloorOfARunOnANoisySplitComesFromItsYardstick(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        FakeRun.write(run, 1, false);
        Files.writeString(run.resolve("yardstick.json"), "{\"quality\": [88.25], \"epochs\": 30.0}");
        String html = Files.readString(RunReport.write(run));
        assertThat(html).contains("validation floor 87.25%, measured from 88.25%");
    }

    @Test
    void partialRunsGiveAReportToo(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("run.yaml"), "name: empty\nrequirements: {maxTop1Drop: 1.0}\n");
        parse(Files.readString(RunReport.write(run))); // nothing but the config yet
        FakeRun.write(run, 1, false);
        Files.writeString(run.resolve("cycles/cycle-002.json"), "{\"cycle\": 2, \"candidates\": [");
        String html = Files.readString(RunReport.write(run, tmp.resolve("r/out.html")));
        parse(html);
        assertThat(html).contains("resnet_x0.5-s10").contains("No generated networks yet");
    }
}
