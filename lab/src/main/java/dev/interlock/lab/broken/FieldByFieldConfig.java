package dev.interlock.lab.broken;

import dev.interlock.immutable.ConnectionConfig;

/**
 * BROKEN on purpose: a mutable configuration updated one field at a time. Each field is even
 * {@code volatile}, so every single read sees the latest write of that field; what breaks is the
 * combination: a reader that reads the host, then the port, can get the new host with the old port
 * (a server that does not exist), or a minimum pool size above the maximum. Volatile makes fields
 * visible, not a group of fields atomic.
 *
 * <p>Not thread-safe as a whole. The fix is an immutable value replaced by one reference write:
 * {@code AtomicSnapshot<ConnectionConfig>}.
 */
public final class FieldByFieldConfig {

    private volatile String host;
    private volatile int port;
    private volatile int minConnections;
    private volatile int maxConnections;

    public FieldByFieldConfig(ConnectionConfig initial) {
        apply(initial);
    }

    /** Copies {@code c} in field by field: a reader may see any mix of old and new fields meanwhile. */
    public void apply(ConnectionConfig c) {
        host = c.host();
        port = c.port();
        minConnections = c.minConnections();
        maxConnections = c.maxConnections();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int minConnections() {
        return minConnections;
    }

    public int maxConnections() {
        return maxConnections;
    }
}
