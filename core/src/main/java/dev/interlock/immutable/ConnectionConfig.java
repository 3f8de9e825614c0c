package dev.interlock.immutable;

import java.time.Duration;
import java.util.Objects;

/**
 * An immutable connection configuration: where to connect and how large a pool to keep. Changing it
 * means making a new one with a wither ({@link #withEndpoint}, {@link #withPoolSize}, ...), so a
 * reader that holds a {@code ConnectionConfig} always holds a consistent one.
 *
 * <p>Invariants, checked by every constructor and wither (a bad value throws and builds nothing):
 * {@code host} is not blank; {@code 1 <= port <= 65535}; {@code 0 <= minConnections <= maxConnections};
 * {@code maxConnections >= 1}; {@code timeout} is positive. Fields that must change together (host
 * and port, the two pool bounds) have a wither that changes them together, so no intermediate value
 * ever exists that breaks an invariant.
 *
 * <p>Thread-safe: immutable, with only final fields (a record), so it may be shared through any
 * reference, even a data race cannot show it half-built (JLS 17.5). To share a changing configuration,
 * hold it in an {@link AtomicSnapshot}.
 *
 * @param host           the server's host name
 * @param port           the server's TCP port
 * @param minConnections connections the pool keeps open at least
 * @param maxConnections connections the pool opens at most
 * @param timeout        how long to wait for a connection
 */
public record ConnectionConfig(String host, int port, int minConnections, int maxConnections, Duration timeout) {

    /** Highest TCP port number. */
    private static final int MAX_PORT = 65_535;

    /**
     * @throws NullPointerException     if {@code host} or {@code timeout} is null
     * @throws IllegalArgumentException if a value breaks an invariant in the class doc
     */
    public ConnectionConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(timeout, "timeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > MAX_PORT) {
            throw new IllegalArgumentException("port must be in 1.." + MAX_PORT + ": " + port);
        }
        if (minConnections < 0 || maxConnections < 1 || minConnections > maxConnections) {
            throw new IllegalArgumentException("need 0 <= minConnections <= maxConnections and maxConnections >= 1: "
                    + minConnections + ".." + maxConnections);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** localhost:5432, 1 to 10 connections, 30 s timeout. */
    public static ConnectionConfig defaults() {
        return new ConnectionConfig("localhost", 5432, 1, 10, Duration.ofSeconds(30));
    }

    /** This configuration with another host, same port. */
    public ConnectionConfig withHost(String newHost) {
        return new ConnectionConfig(newHost, port, minConnections, maxConnections, timeout);
    }

    /** This configuration with another port, same host. */
    public ConnectionConfig withPort(int newPort) {
        return new ConnectionConfig(host, newPort, minConnections, maxConnections, timeout);
    }

    /** This configuration pointing at another server: host and port change together. */
    public ConnectionConfig withEndpoint(String newHost, int newPort) {
        return new ConnectionConfig(newHost, newPort, minConnections, maxConnections, timeout);
    }

    /** This configuration with other pool bounds, changed together so that min never exceeds max. */
    public ConnectionConfig withPoolSize(int newMin, int newMax) {
        return new ConnectionConfig(host, port, newMin, newMax, timeout);
    }

    /** This configuration with another timeout. */
    public ConnectionConfig withTimeout(Duration newTimeout) {
        return new ConnectionConfig(host, port, minConnections, maxConnections, newTimeout);
    }
}
