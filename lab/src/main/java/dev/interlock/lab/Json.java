package dev.interlock.lab;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer for the lab's output: maps, lists, strings, numbers, booleans and null.
 *
 * <p>Stateless and thread-safe. Non-finite doubles are written as {@code null} (JSON has no NaN).
 */
public final class Json {

    private Json() {
    }

    /** The report as one JSON object on one line; {@code trace} is added only when non-null. */
    public static String report(Report report, String trace) {
        var out = new StringBuilder(256);
        out.append("{\"experiment\":");
        string(out, report.experiment());
        out.append(",\"variants\":[");
        for (int i = 0; i < report.variants().size(); i++) {
            Variant v = report.variants().get(i);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"name\":");
            string(out, v.name());
            out.append(",\"verdict\":");
            string(out, v.verdict().name());
            out.append(",\"metrics\":");
            value(out, v.metrics());
            out.append('}');
        }
        out.append(']');
        if (trace != null) {
            out.append(",\"trace\":");
            string(out, trace);
        }
        return out.append('}').toString();
    }

    /** Any supported value as JSON text. */
    public static String write(Object value) {
        var out = new StringBuilder();
        value(out, value);
        return out.toString();
    }

    private static void value(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Double d -> out.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
            case Float f -> out.append(f.isNaN() || f.isInfinite() ? "null" : f.toString());
            case Number n -> out.append(n);
            case Boolean b -> out.append(b);
            case Enum<?> e -> string(out, e.name());
            case Map<?, ?> m -> {
                out.append('{');
                Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<?, ?> e = it.next();
                    string(out, String.valueOf(e.getKey()));
                    out.append(':');
                    value(out, e.getValue());
                    if (it.hasNext()) {
                        out.append(',');
                    }
                }
                out.append('}');
            }
            case List<?> l -> {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(out, l.get(i));
                }
                out.append(']');
            }
            default -> string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
