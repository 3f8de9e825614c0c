package dev.interlock.immutable;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConnectionConfig}: invariants enforced by every constructor and wither; withers copy. */
class ConnectionConfigTest {

    private final ConnectionConfig base = ConnectionConfig.defaults();

    @Test
    void defaultsAreValid() {
        assertThat(base).isEqualTo(new ConnectionConfig("localhost", 5432, 1, 10, Duration.ofSeconds(30)));
    }

    @Test
    void withersReturnACopyAndLeaveTheOriginalUnchanged() {
        ConnectionConfig moved = base.withEndpoint("replica", 6432);
        assertThat(moved.host()).isEqualTo("replica");
        assertThat(moved.port()).isEqualTo(6432);
        assertThat(moved.maxConnections()).isEqualTo(base.maxConnections());
        assertThat(base.host()).isEqualTo("localhost");
        assertThat(base.withHost("h").host()).isEqualTo("h");
        assertThat(base.withPort(1).port()).isEqualTo(1);
        assertThat(base.withPoolSize(20, 50)).extracting(ConnectionConfig::minConnections, ConnectionConfig::maxConnections)
                .containsExactly(20, 50);
        assertThat(base.withTimeout(Duration.ofMillis(1)).timeout()).isEqualTo(Duration.ofMillis(1));
        assertThat(base).isEqualTo(ConnectionConfig.defaults());
    }

    @Test
    void poolBoundsChangeTogetherWhereOneByOneWouldPassThroughAnInvalidState() {
        // From 1..10 to 20..50: setting min first would need min=20 > max=10 for a moment.
        assertThat(base.withPoolSize(20, 50).minConnections()).isEqualTo(20);
    }

    @Test
    void nullsAreRejected() {
        assertThatThrownBy(() -> base.withHost(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> base.withTimeout(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void valuesBreakingAnInvariantAreRejected() {
        assertThatThrownBy(() -> base.withHost(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withPort(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withPort(65_536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withPoolSize(-1, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withPoolSize(6, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withPoolSize(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base.withTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(base.withPort(65_535).port()).isEqualTo(65_535);
        assertThat(base.withPoolSize(0, 1).minConnections()).isZero();
    }
}
