package dev.gensynth.djl;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Lets the JVM exit (Ctrl-C, SIGTERM) during a loop of PyTorch calls without crashing.
 *
 * <p>When the JVM exits, libtorch's static destructors run; a thread that is inside a backward
 * pass at that moment takes the process down with a SIGSEGV and an {@code hs_err} file in the
 * user's directory. So loops of native calls run inside {@link #enter()} and call
 * {@link #between()} before each batch; on exit, {@link #close} asks them to stop and waits until
 * each has parked there (outside libtorch) or left its loop. What runs write is atomic (rows,
 * checkpoints), so stopping between two batches loses only the step in progress.
 */
public final class NativeGate {
    /** The gate of this JVM, which {@link #installShutdownHook} closes on exit. */
    public static final NativeGate JVM = new NativeGate();

    private final Object lock = new Object();
    /** Threads inside a region, with their nesting depth (training calls evaluation, which enters again). */
    private final Map<Thread, Integer> inside = new HashMap<>();
    private final Set<Thread> parked = new HashSet<>();
    private volatile boolean closing;

    /** A loop of native calls; closing it leaves the gate. */
    public interface Region extends AutoCloseable {
        @Override
        void close();
    }

    /** Enters a loop of native calls (parks at once if the JVM is already exiting). */
    public Region enter() {
        Thread t = Thread.currentThread();
        synchronized (lock) {
            inside.merge(t, 1, Integer::sum);
        }
        between();
        return () -> {
            synchronized (lock) {
                if (inside.merge(t, -1, Integer::sum) == 0) {
                    inside.remove(t);
                }
                lock.notifyAll();
            }
        };
    }

    /** Call before each native step: once the gate is closing, the thread parks here for good. */
    public void between() {
        if (!closing) {
            return;
        }
        Thread t = Thread.currentThread();
        synchronized (lock) {
            if (!inside.containsKey(t)) {
                return;
            }
            parked.add(t);
            lock.notifyAll();
            while (true) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    // stay parked: the JVM is exiting and must not find this thread in libtorch
                }
            }
        }
    }

    /** Whether some thread is inside a region (so an exit now interrupts work). */
    public boolean busy() {
        synchronized (lock) {
            return !inside.isEmpty();
        }
    }

    /**
     * Asks every thread inside a region to park at its next {@link #between()} and waits for all of
     * them, at most {@code timeout}. Returns whether every one parked or left in time.
     */
    public boolean close(Duration timeout) {
        closing = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!parked.containsAll(inside.keySet())) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * On JVM exit, closes {@link #JVM} (one training step is at most a few seconds; 60 s covers a
     * large evaluation batch) and, when that interrupted work, says so on stderr.
     */
    public static void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (JVM.busy()) {
                System.err.println("\ngensynth: interrupted; stopping between two batches. Finished steps are saved: "
                        + "'synthesize --resume DIR' and a rerun of 'benchmark' continue from them.");
            }
            // closes even when idle, so a loop entered from now on parks before its first native call
            JVM.close(Duration.ofSeconds(60));
        }, "gensynth-native-gate"));
    }
}
