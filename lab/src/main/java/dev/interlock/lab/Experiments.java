package dev.interlock.lab;

import dev.interlock.lab.experiments.BankTransferExperiment;
import dev.interlock.lab.experiments.BoundedBufferExperiment;
import dev.interlock.lab.experiments.ConnectionPoolExperiment;
import dev.interlock.lab.experiments.CopyOnWriteExperiment;
import dev.interlock.lab.experiments.DeadlockExperiment;
import dev.interlock.lab.experiments.DoubleCheckedLockingExperiment;
import dev.interlock.lab.experiments.EventExperiment;
import dev.interlock.lab.experiments.ImmutableConfigExperiment;
import dev.interlock.lab.experiments.LivelockExperiment;
import dev.interlock.lab.experiments.LruCacheExperiment;
import dev.interlock.lab.experiments.PriorityAgingExperiment;
import dev.interlock.lab.experiments.ProducerConsumerExperiment;
import dev.interlock.lab.experiments.RaceCounterExperiment;
import dev.interlock.lab.experiments.ReaderWriterExperiment;
import dev.interlock.lab.experiments.ReentrancyExperiment;
import dev.interlock.lab.experiments.SingletonExperiment;
import dev.interlock.lab.experiments.StarvationExperiment;
import dev.interlock.lab.experiments.StripedMapExperiment;
import dev.interlock.lab.experiments.ThreadPoolExperiment;
import dev.interlock.lab.experiments.ThreadSafeCacheExperiment;

import java.util.List;
import java.util.Optional;

/** The lab's experiments, in the order {@code list} and {@code demo} show them (the guide's order). */
public final class Experiments {

    private static final List<Experiment> ALL = List.of(
            new RaceCounterExperiment(),
            new BankTransferExperiment(),
            new ReentrancyExperiment(),
            new BoundedBufferExperiment(),
            new ConnectionPoolExperiment(),
            new EventExperiment(),
            new ProducerConsumerExperiment(),
            new ThreadPoolExperiment(),
            new ReaderWriterExperiment(),
            new ThreadSafeCacheExperiment(),
            new StarvationExperiment(),
            new PriorityAgingExperiment(),
            new DeadlockExperiment(),
            new LivelockExperiment(),
            new SingletonExperiment(),
            new DoubleCheckedLockingExperiment(),
            new ImmutableConfigExperiment(),
            new CopyOnWriteExperiment(),
            new StripedMapExperiment(),
            new LruCacheExperiment());

    private Experiments() {
    }

    public static List<Experiment> all() {
        return ALL;
    }

    public static Optional<Experiment> named(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
