package dev.interlock.exec;

import dev.interlock.testing.ExecutorServiceContract;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The contract run on the JDK's {@link ThreadPoolExecutor}, configured as
 * {@code Executors.newFixedThreadPool} configures it (core = maximum = threads, an unbounded
 * {@code LinkedBlockingQueue}): a check of the contract itself. A test that fails here is a wrong
 * test, not a finding.
 */
class ThreadPoolExecutorContractTest extends ExecutorServiceContract {
    @Override
    protected ExecutorService newExecutor(int threads, ThreadFactory factory) {
        return new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                factory);
    }
}
