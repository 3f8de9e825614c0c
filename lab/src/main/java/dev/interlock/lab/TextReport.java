package dev.interlock.lab;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a {@link Report} as a readable table: one row per variant, one column per metric.
 *
 * <p>Stateless and thread-safe.
 */
public final class TextReport {

    private TextReport() {
    }

    public static String render(Report report, String summary) {
        Set<String> keys = new LinkedHashSet<>();
        report.variants().forEach(v -> keys.addAll(v.metrics().keySet()));
        if (keys.remove("ms")) {
            keys.add("ms"); // elapsed time last, whichever variant reported it first
        }

        List<String> header = new ArrayList<>();
        header.add("variant");
        header.add("verdict");
        header.addAll(keys);

        List<List<String>> rows = new ArrayList<>();
        for (Variant v : report.variants()) {
            List<String> row = new ArrayList<>();
            row.add(v.name());
            row.add(v.verdict().name());
            for (String k : keys) {
                row.add(format(v.metrics().get(k)));
            }
            rows.add(row);
        }

        int[] width = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            width[c] = header.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }

        var out = new StringBuilder();
        out.append("== ").append(report.experiment()).append(": ").append(summary).append('\n');
        out.append("   ").append(report.setup()).append("\n\n");
        line(out, header, width);
        var rule = new ArrayList<String>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        line(out, rule, width);
        rows.forEach(row -> line(out, row, width));
        if (!report.notes().isEmpty()) {
            out.append('\n');
            report.notes().forEach(n -> out.append("   ").append(n).append('\n'));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] width) {
        out.append("  ");
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            boolean left = c < 2;
            out.append(left ? pad(cell, width[c], true) : pad(cell, width[c], false));
            if (c < cells.size() - 1) {
                out.append("  ");
            }
        }
        out.append('\n');
    }

    private static String pad(String s, int w, boolean left) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return left ? s + fill : fill + s;
    }

    private static String format(Object value) {
        return switch (value) {
            case null -> "-";
            case Double d -> String.format(Locale.ROOT, d >= 100 ? "%.0f" : "%.2f", d);
            default -> value.toString();
        };
    }
}
