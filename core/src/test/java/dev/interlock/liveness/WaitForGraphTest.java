package dev.interlock.liveness;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cycles in a wait-for graph: none in a chain, one per knot, each from its smallest id. */
class WaitForGraphTest {

    @Test
    void aChainHasNoCycle() {
        WaitForGraph g = new WaitForGraph();
        g.addEdge(1, 2);
        g.addEdge(2, 3);
        g.addEdge(4, 3);
        assertThat(g.cycles()).isEmpty();
    }

    @Test
    void aTwoThreadCycleStartsAtItsSmallestIdAndLeavesOutItsTail() {
        WaitForGraph g = new WaitForGraph();
        g.addEdge(9, 7);  // a tail: 9 waits for a deadlocked thread, but is not in the cycle
        g.addEdge(7, 3);
        g.addEdge(3, 7);
        assertThat(g.cycles()).containsExactly(List.of(3L, 7L));
        assertThat(g.waits(9)).isTrue();
    }

    @Test
    void aSelfEdgeIsACycleOfOne() {
        WaitForGraph g = new WaitForGraph();
        g.addEdge(5, 5);
        assertThat(g.cycles()).containsExactly(List.of(5L));
    }

    @Test
    void separateKnotsGiveOneCycleEach() {
        WaitForGraph g = new WaitForGraph();
        g.addEdge(1, 2);
        g.addEdge(2, 3);
        g.addEdge(3, 1);
        g.addEdge(10, 11);
        g.addEdge(11, 10);
        assertThat(g.cycles()).containsExactlyInAnyOrder(List.of(1L, 2L, 3L), List.of(10L, 11L));
    }

    @Test
    void aKnotOfSeveralCyclesGivesTheShortestThroughItsSmallestId() {
        WaitForGraph g = new WaitForGraph();
        g.addEdge(1, 2);
        g.addEdge(2, 3);
        g.addEdge(3, 4);
        g.addEdge(4, 1);
        g.addEdge(2, 1); // a reader-like second edge: 1 -> 2 -> 1 is shorter
        assertThat(g.cycles()).containsExactly(List.of(1L, 2L));
    }

    @Test
    void aLongChainDoesNotOverflowTheStack() {
        WaitForGraph g = new WaitForGraph();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            g.addEdge(i, i + 1);
        }
        g.addEdge(n, 0);
        assertThat(g.cycles()).singleElement().satisfies(c -> assertThat(c).hasSize(n + 1).startsWith(0L));
    }
}
