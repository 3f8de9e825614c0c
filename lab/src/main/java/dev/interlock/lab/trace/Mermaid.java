package dev.interlock.lab.trace;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes recorded events as a Mermaid {@code sequenceDiagram}, participants in order of appearance.
 *
 * <p>Stateless and thread-safe.
 */
public final class Mermaid {

    private Mermaid() {
    }

    public static String sequenceDiagram(List<TraceRecorder.Event> events, long dropped) {
        Set<String> participants = new LinkedHashSet<>();
        for (TraceRecorder.Event e : events) {
            participants.add(id(e.actor()));
            if (e.other() != null) {
                participants.add(id(e.other()));
            }
        }
        var out = new StringBuilder("sequenceDiagram\n");
        participants.forEach(p -> out.append("    participant ").append(p).append('\n'));
        for (TraceRecorder.Event e : events) {
            String text = text(e.text());
            switch (e.kind()) {
                case SEND -> out.append("    ").append(id(e.actor())).append("->>").append(id(e.other()))
                        .append(": ").append(text).append('\n');
                case REPLY -> out.append("    ").append(id(e.other())).append("-->>").append(id(e.actor()))
                        .append(": ").append(text).append('\n');
                case NOTE -> out.append("    Note over ").append(id(e.actor())).append(": ").append(text)
                        .append('\n');
            }
        }
        if (dropped > 0) {
            out.append("    %% ").append(dropped).append(" later events not shown\n");
        }
        return out.toString();
    }

    /** A participant id Mermaid accepts: letters, digits and underscores. */
    static String id(String name) {
        String id = name.replaceAll("[^A-Za-z0-9_]", "_");
        return id.isEmpty() || Character.isDigit(id.charAt(0)) ? "t_" + id : id;
    }

    /** Message text without the characters Mermaid treats as syntax. */
    static String text(String s) {
        return s.replace(';', ',').replace('#', ' ').replace('\n', ' ');
    }
}
