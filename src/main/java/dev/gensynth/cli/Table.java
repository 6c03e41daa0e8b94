package dev.gensynth.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with right-aligned numbers, for terminals and logs. A null header leaves its
 * column out (a column only some tasks have), and the same position of every row with it.
 */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;
    private final boolean[] kept;

    Table(String... header) {
        kept = new boolean[header.length];
        List<String> h = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            kept[i] = header[i] != null;
            if (kept[i]) {
                h.add(header[i]);
            }
        }
        this.header = h.toArray(String[]::new);
    }

    Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            if (i >= kept.length || kept[i]) {
                r.add(String.valueOf(cells[i]));
            }
        }
        rows.add(r.toArray(String[]::new));
        return this;
    }

    @Override
    public String toString() {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        int total = 0;
        for (int x : w) {
            total += x + 2;
        }
        sb.append("-".repeat(Math.max(0, total - 2))).append('\n');
        for (String[] r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        for (int i = 0; i < cells.length; i++) {
            boolean numeric = cells[i].matches("[-+0-9.,%eE]+( ms| MB| KB)?");
            String fmt = "%" + (numeric ? "" : "-") + w[i] + "s";
            sb.append(String.format(fmt, cells[i]));
            if (i < cells.length - 1) {
                sb.append("  ");
            }
        }
        sb.append('\n');
    }

    static String count(long n) {
        return String.format("%,d", n);
    }

    static String millions(long n) {
        return String.format("%.3f", n / 1e6);
    }
}
