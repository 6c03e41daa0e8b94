package dev.gensynth.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Headless PNG charts (XChart) for the reports. Empty inputs give no chart (null), never an error. */
public final class Charts {
    /** Distinct colours for series, in order. */
    public static final Color[] PALETTE = {new Color(0x20, 0x4a, 0x87), new Color(0xcc, 0x00, 0x00),
        new Color(0x4e, 0x9a, 0x06), new Color(0xf5, 0x79, 0x00), new Color(0x75, 0x50, 0x7b),
        new Color(0x8f, 0x59, 0x02), new Color(0x06, 0x98, 0x9a), new Color(0x55, 0x57, 0x53)};
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.OVAL,
        SeriesMarkers.RECTANGLE};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // charts are rendered off-screen, also on servers
        }
    }

    private Charts() {
    }

    /** A PNG image and its alternative text. */
    public record Png(String alt, byte[] bytes) {
        /** {@code image} encoded as PNG. */
        public static Png of(String alt, java.awt.image.BufferedImage image) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try {
                javax.imageio.ImageIO.write(image, "png", bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new Png(alt, bytes.toByteArray());
        }
    }

    /** One set of points of a scatter plot; {@code line} draws it as a step-free polyline (a front). */
    public record Points(String name, List<Double> x, List<Double> y, boolean line, int style) {
        public static Points of(String name, List<double[]> xy, boolean line, int style) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (double[] p : xy) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1]) && (p[0] > 0)) {
                    x.add(p[0]);
                    y.add(p[1]);
                }
            }
            return new Points(name, x, y, line, style);
        }
    }

    /** A scatter plot (x on a log axis when {@code logX}); series with no finite point are left out. */
    public static Png scatter(String title, String xTitle, String yTitle, List<Points> series, boolean logX) {
        XYChart c = new XYChartBuilder().width(760).height(480).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        style(c.getStyler());
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setMarkerSize(8);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        int n = 0;
        for (Points p : series) {
            if (p.x().isEmpty()) {
                continue;
            }
            XYSeries s = c.addSeries(uniqueName(c, p.name()), p.x(), p.y());
            Color col = PALETTE[Math.floorMod(p.style(), PALETTE.length)];
            s.setMarkerColor(col);
            s.setLineColor(col);
            if (p.line()) {
                s.setShowInLegend(!p.name().endsWith(" front")); // a method's front: its colour says whose
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineStyle(new BasicStroke(1.6f));
            } else {
                s.setMarker(MARKERS[Math.floorMod(p.style(), MARKERS.length)]);
            }
            n++;
        }
        return n == 0 ? null : png(c, title);
    }

    /** A line chart of y against x for each named curve. */
    public static Png lines(String title, String xTitle, String yTitle, List<Points> curves) {
        XYChart c = new XYChartBuilder().width(560).height(340).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        style(c.getStyler());
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setLegendVisible(curves.size() > 1);
        c.getStyler().setMarkerSize(6);
        int n = 0;
        for (Points p : curves) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < p.x().size(); i++) {
                if (Double.isFinite(p.x().get(i)) && Double.isFinite(p.y().get(i))) {
                    x.add(p.x().get(i));
                    y.add(p.y().get(i));
                }
            }
            if (x.isEmpty()) {
                continue;
            }
            XYSeries s = c.addSeries(uniqueName(c, p.name()), x, y);
            Color col = PALETTE[Math.floorMod(p.style(), PALETTE.length)];
            s.setLineColor(col);
            s.setMarkerColor(col);
            s.setMarker(SeriesMarkers.CIRCLE);
            n++;
        }
        return n == 0 ? null : png(c, title);
    }

    /** Grouped bars: one group per category, one bar per series. */
    public static Png bars(String title, String yTitle, List<String> categories, List<String> names,
            List<List<Double>> values) {
        if (categories.isEmpty() || names.isEmpty()) {
            return null;
        }
        CategoryChart c = new CategoryChartBuilder().width(Math.min(1180, Math.max(760, 60 + categories.size() * 12 * names.size())))
                .height(420).title(title).yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setXAxisLabelRotation(60);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (int i = 0; i < names.size(); i++) {
            var s = c.addSeries(names.get(i), categories, values.get(i));
            s.setFillColor(PALETTE[i % PALETTE.length]);
        }
        return png(c, title);
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setAntiAlias(true);
        if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
            a.setPlotGridLinesColor(new Color(0xe0, 0xe0, 0xe0));
        }
    }

    private static String uniqueName(XYChart c, String name) {
        String n = name;
        int k = 2;
        while (c.getSeriesMap().containsKey(n)) {
            n = name + " (" + k++ + ")";
        }
        return n;
    }

    private static Png png(org.knowm.xchart.internal.chartpart.Chart<?, ?> c, String alt) {
        try {
            return new Png(alt, BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart '" + alt + "'", e);
        }
    }
}
