package dev.interlock.lab.trace;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes recorded events as a Mermaid {@code sequenceDiagram}: participants in order of appearance,
 * each phase a shaded box titled by a note.
 *
 * <p>Stateless and thread-safe.
 */
public final class Mermaid {

    private Mermaid() {
    }

    public static String sequenceDiagram(List<TraceRecorder.Event> events, long dropped) {
        Set<String> participants = new LinkedHashSet<>();
        for (TraceRecorder.Event e : events) {
            if (e.kind() != TraceRecorder.Kind.PHASE) {
                participants.add(id(e.actor()));
                if (e.other() != null) {
                    participants.add(id(e.other()));
                }
            }
        }
        var out = new StringBuilder("sequenceDiagram\n");
        participants.forEach(p -> out.append("    participant ").append(p).append('\n'));
        boolean inPhase = false;
        for (int i = 0; i < events.size(); i++) {
            TraceRecorder.Event e = events.get(i);
            String text = text(e.text());
            switch (e.kind()) {
                case PHASE -> {
                    String anchor = nextActor(events, i);
                    if (anchor == null) {
                        continue; // an empty phase at the end: nothing to draw
                    }
                    if (inPhase) {
                        out.append("    end\n");
                    }
                    out.append("    rect rgb(240, 240, 240)\n");
                    out.append("    Note over ").append(anchor).append(": ").append(text).append('\n');
                    inPhase = true;
                }
                case SEND -> out.append("    ").append(id(e.actor())).append("->>").append(id(e.other()))
                        .append(": ").append(text).append('\n');
                case REPLY -> out.append("    ").append(id(e.other())).append("-->>").append(id(e.actor()))
                        .append(": ").append(text).append('\n');
                case NOTE -> out.append("    Note over ").append(id(e.actor())).append(": ").append(text)
                        .append('\n');
            }
        }
        if (inPhase) {
            out.append("    end\n");
        }
        if (dropped > 0) {
            out.append("    %% ").append(dropped).append(" later events not shown\n");
        }
        return out.toString();
    }

    /** The actor of the first drawable event after {@code index}, or null if none. */
    private static String nextActor(List<TraceRecorder.Event> events, int index) {
        for (int j = index + 1; j < events.size(); j++) {
            if (events.get(j).kind() != TraceRecorder.Kind.PHASE) {
                return id(events.get(j).actor());
            }
        }
        return null;
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
