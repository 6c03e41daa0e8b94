package dev.gensynth.report;

import java.util.Base64;
import java.util.List;

/**
 * A tiny builder of self-contained XHTML-compatible pages: inline CSS, no external references,
 * PNGs embedded as base64 data URIs, every text escaped and every empty element self-closed, so
 * the result opens in a browser without a network and parses as XML.
 */
public final class Html {
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;\
            max-width:1200px;padding:0 1em;color:#222;background:#fff}
            h1{font-size:1.6em;border-bottom:2px solid #3465a4;padding-bottom:.2em}
            h2{font-size:1.25em;margin-top:1.8em;color:#204a87}
            table{border-collapse:collapse;margin:.6em 0;font-size:.85em}
            th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right;vertical-align:top}
            th{background:#eef2f8}
            td.t,th.t{text-align:left}
            tr.ok td.v{color:#2e7d32;font-weight:600}
            tr.bad td.v{color:#c62828}
            tr.hl td{background:#fff8dc}
            img{max-width:100%;height:auto;border:1px solid #ddd;margin:.4em 0}
            .grid{display:flex;flex-wrap:wrap;gap:1em}
            .grid img{max-width:580px}
            .note{color:#666;font-size:.85em}
            dl.kv{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;font-size:.9em}
            dl.kv dt{font-weight:600}
            dl.kv dd{margin:0}
            """;
    private final StringBuilder sb = new StringBuilder();

    public Html(String title) {
        sb.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width\"/>\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
    }

    /** Escapes text for element content and attribute values. */
    public static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        b.append(' '); // not allowed in XML
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    public Html h2(String text) {
        sb.append("<h2>").append(esc(text)).append("</h2>\n");
        return this;
    }

    public Html p(String text) {
        sb.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    public Html note(String text) {
        sb.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
        return this;
    }

    /** A definition list of key/value pairs (pairs of strings: key, value, key, value...). */
    public Html keyValues(List<String[]> pairs) {
        sb.append("<dl class=\"kv\">\n");
        for (String[] kv : pairs) {
            sb.append("<dt>").append(esc(kv[0])).append("</dt><dd>").append(esc(kv[1])).append("</dd>\n");
        }
        sb.append("</dl>\n");
        return this;
    }

    /** Preformatted text. */
    public Html pre(String text) {
        sb.append("<pre>").append(esc(text)).append("</pre>\n");
        return this;
    }

    /**
     * A table; the first column and columns whose header starts with '@' are left-aligned text
     * (the '@' is dropped). A row whose class is given in {@code rowClasses} (may be null) gets it.
     */
    public Html table(List<String> header, List<List<String>> rows, List<String> rowClasses, int verdictColumn) {
        sb.append("<table>\n<tr>");
        boolean[] text = new boolean[header.size()];
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i);
            text[i] = i == 0 || h.startsWith("@");
            String label = h.startsWith("@") ? h.substring(1) : h;
            sb.append(text[i] ? "<th class=\"t\">" : "<th>").append(esc(label)).append("</th>");
        }
        sb.append("</tr>\n");
        for (int r = 0; r < rows.size(); r++) {
            String cls = rowClasses == null ? null : rowClasses.get(r);
            sb.append(cls == null ? "<tr>" : "<tr class=\"" + esc(cls) + "\">");
            List<String> row = rows.get(r);
            for (int i = 0; i < row.size(); i++) {
                String c = i == verdictColumn ? (text.length > i && text[i] ? "t v" : "v")
                        : (i < text.length && text[i] ? "t" : null);
                sb.append(c == null ? "<td>" : "<td class=\"" + c + "\">").append(esc(row.get(i))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
        return this;
    }

    public Html table(List<String> header, List<List<String>> rows) {
        return table(header, rows, null, -1);
    }

    /** Images side by side. */
    public Html images(List<Charts.Png> pngs) {
        if (pngs.isEmpty()) {
            return this;
        }
        sb.append("<div class=\"grid\">\n");
        for (Charts.Png p : pngs) {
            img(p);
        }
        sb.append("</div>\n");
        return this;
    }

    public Html img(Charts.Png png) {
        if (png == null) {
            return this;
        }
        sb.append("<img alt=\"").append(esc(png.alt())).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png.bytes())).append("\"/>\n");
        return this;
    }

    /** Raw, already-valid markup (for callers that build their own). */
    public Html raw(String markup) {
        sb.append(markup);
        return this;
    }

    public String end() {
        return sb + "<p class=\"note\">Written by gensynth. Self-contained: no external scripts, fonts or styles."
                + "</p>\n</body>\n</html>\n";
    }
}
