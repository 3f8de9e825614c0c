package dev.interlock.lab.experiments;

import dev.interlock.immutable.AtomicSnapshot;
import dev.interlock.immutable.ConnectionConfig;
import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.FieldByFieldConfig;
import dev.interlock.lab.trace.Tracer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guide's immutability chapter and its ConfigManager: one writer switches the configuration
 * between two servers (primary:5432 with a pool of 1..10, replica:6432 with 20..50) while readers
 * read it. A mutable configuration updated field by field is read torn: a host with the other
 * server's port, a minimum above the maximum (counted). An immutable {@link ConnectionConfig} in an
 * {@link AtomicSnapshot} is replaced by one reference write: readers get one configuration or the
 * other, never a mix, and a listener hears every change in order.
 */
public final class ImmutableConfigExperiment implements Experiment {

    private static final int DEFAULT_READERS = 2;
    private static final int DEFAULT_UPDATES = 500_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(20);
    /** Reads per reader in a traced run, so that the trace stays short. */
    private static final int TRACED_READS = 4;

    static final ConnectionConfig PRIMARY = new ConnectionConfig("primary", 5432, 1, 10, Duration.ofSeconds(30));
    static final ConnectionConfig REPLICA = new ConnectionConfig("replica", 6432, 20, 50, Duration.ofSeconds(30));

    @Override
    public String name() {
        return "immutable-config";
    }

    @Override
    public String summary() {
        return "a mutable config read torn during updates; an immutable snapshot replaced atomically never is";
    }

    @Override
    public String optionsHelp() {
        return "--threads reader threads (" + DEFAULT_READERS + "; plus one writer), --ops configuration changes ("
                + DEFAULT_UPDATES + ")";
    }

    /** What a reader saw, field by field. */
    private record Seen(String host, int port, int min, int max) {
        boolean isOneOfTheTwo() {
            return matches(PRIMARY) || matches(REPLICA);
        }

        boolean matches(ConnectionConfig c) {
            return host.equals(c.host()) && port == c.port() && min == c.minConnections() && max == c.maxConnections();
        }

        @Override
        public String toString() {
            return host + ":" + port + " pool " + min + ".." + max;
        }
    }

    /** The configuration under test, seen from the experiment. */
    private interface Holder {
        void set(ConnectionConfig c);

        Seen read();
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int readers = settings.threads(settings.tracing() ? 1 : DEFAULT_READERS);
        int updates = settings.ops(settings.tracing() ? 3 : DEFAULT_UPDATES);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        FieldByFieldConfig mutable = new FieldByFieldConfig(PRIMARY);
        Variant broken = measure("field-by-field mutable (broken)", "FieldByFieldConfig", new Holder() {
            @Override
            public void set(ConnectionConfig c) {
                mutable.apply(c);
            }

            @Override
            public Seen read() {
                return new Seen(mutable.host(), mutable.port(), mutable.minConnections(), mutable.maxConnections());
            }
        }, null, readers, updates, timeBox, tracer);

        AtomicSnapshot<ConnectionConfig> snapshot = new AtomicSnapshot<>(PRIMARY);
        Variant fixed = measure("AtomicSnapshot<ConnectionConfig>", "AtomicSnapshot", new Holder() {
            @Override
            public void set(ConnectionConfig c) {
                snapshot.set(c);
            }

            @Override
            public Seen read() {
                ConnectionConfig c = snapshot.get(); // one reference read: a whole configuration
                return new Seen(c.host(), c.port(), c.minConnections(), c.maxConnections());
            }
        }, snapshot, readers, updates, timeBox, tracer);

        return new Report(name(), "readers=" + readers + ", writer=1, changes=" + updates
                + " (primary:5432 pool 1..10 <-> replica:6432 pool 20..50)", List.of(broken, fixed), List.of(
                "field by field: the writer sets host, port, min, max in turn; each field is volatile, yet a",
                "reader between two of those writes sees a configuration that never existed ('torn'), e.g.",
                "replica:5432, or a pool minimum above its maximum ('min>max'). Volatile makes each field",
                "visible, not the four of them atomic.",
                "AtomicSnapshot: a new immutable ConnectionConfig replaces the old with one reference write;",
                "a reader holds one configuration or the other. Its listener heard every change, in order",
                "('notified', 'in order')."));
    }

    private Variant measure(String name, String target, Holder holder, AtomicSnapshot<ConnectionConfig> snapshot,
                            int readers, int updates, Duration timeBox, Tracer tracer) throws InterruptedException {
        tracer.phase(name);
        AtomicLong notified = new AtomicLong();
        AtomicBoolean inOrder = new AtomicBoolean(true);
        if (snapshot != null) {
            ConnectionConfig[] last = {snapshot.get()};
            // Calls never overlap and are ordered, so plain state in the listener is safe.
            snapshot.addListener(c -> {
                notified.incrementAndGet();
                if (c == last[0]) {
                    inOrder.set(false); // the writer alternates: two equal values in a row mean one was skipped
                }
                last[0] = c;
                if (tracer.enabled()) {
                    tracer.note("listener heard " + c.host() + ":" + c.port());
                }
            });
        }
        AtomicBoolean writerDone = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        AtomicLong minAboveMax = new AtomicLong();
        Workers.Result result = Workers.run(i -> i == 0 ? "writer" : "R" + i, readers + 1, timeBox,
                Thread.ofPlatform().factory(), index -> {
                    if (index == 0) {
                        try {
                            for (int i = 0; i < updates; i++) {
                                ConnectionConfig next = i % 2 == 0 ? REPLICA : PRIMARY;
                                if (tracer.enabled()) {
                                    tracer.send(target, "set " + next.host() + ":" + next.port());
                                }
                                holder.set(next);
                            }
                        } finally {
                            writerDone.set(true);
                        }
                        return;
                    }
                    long mine = 0;
                    do {
                        Seen s = holder.read();
                        mine++;
                        if (!s.isOneOfTheTwo()) {
                            torn.incrementAndGet();
                            if (s.min() > s.max()) {
                                minAboveMax.incrementAndGet();
                            }
                        }
                        if (tracer.enabled()) {
                            tracer.reply(target, "read " + s + (s.isOneOfTheTwo() ? "" : " (torn)"));
                        }
                    } while (!writerDone.get() && !(tracer.enabled() && mine >= TRACED_READS)
                            && !Thread.currentThread().isInterrupted());
                    reads.addAndGet(mine);
                });
        Variant.Builder v = Variant.named(name)
                .metric("changes", updates)
                .metric("reads", reads.get())
                .metric("torn", torn.get())
                .metric("min>max", minAboveMax.get());
        if (snapshot != null) {
            v.metric("notified", notified.get()).metric("in order", inOrder.get());
        }
        Verdict verdict;
        if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (torn.get() != 0 || (snapshot != null && (notified.get() != updates || !inOrder.get()))) {
            verdict = Verdict.BROKEN;
        } else {
            verdict = snapshot == null ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
        }
        return v.metric("ms", result.elapsedMillis()).verdict(verdict);
    }
}
