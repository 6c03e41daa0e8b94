package dev.gensynth.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NativeGateTest {

    /** A daemon thread (parked ones never end) that loops "native steps" inside a region. */
    private static Thread looping(NativeGate gate, AtomicLong steps, CountDownLatch started, boolean nested) {
        Thread t = new Thread(() -> {
            try (NativeGate.Region outer = gate.enter()) {
                started.countDown();
                while (true) {
                    gate.between();
                    steps.incrementAndGet();
                    if (nested) {
                        try (NativeGate.Region inner = gate.enter()) {
                            gate.between();
                        }
                    }
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void closingAnIdleGateReturnsAtOnce() {
        NativeGate gate = new NativeGate();
        assertThat(gate.busy()).isFalse();
        long t0 = System.nanoTime();
        assertThat(gate.close(Duration.ofSeconds(30))).isTrue();
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void closingParksLoopsAtTheirNextStepAndNewLoopsBeforeTheirFirst() throws Exception {
        NativeGate gate = new NativeGate();
        AtomicLong steps = new AtomicLong();
        CountDownLatch started = new CountDownLatch(2);
        Thread a = looping(gate, steps, started, false);
        Thread b = looping(gate, new AtomicLong(), started, true);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.busy()).isTrue();

        assertThat(gate.close(Duration.ofSeconds(30))).isTrue();
        long after = steps.get();
        Thread.sleep(100);
        assertThat(steps.get()).isEqualTo(after); // parked: no further step
        assertThat(a.getState()).isEqualTo(Thread.State.WAITING);
        assertThat(b.getState()).isEqualTo(Thread.State.WAITING);

        AtomicLong late = new AtomicLong();
        Thread c = looping(gate, late, new CountDownLatch(1), false);
        c.join(200);
        assertThat(late.get()).isZero();
        assertThat(c.getState()).isEqualTo(Thread.State.WAITING);
    }

    @Test
    void aThreadThatLeavesItsLoopIsNotWaitedFor() throws Exception {
        NativeGate gate = new NativeGate();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (NativeGate.Region r = gate.enter()) {
                inside.countDown();
                leave.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.setDaemon(true);
        t.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        // inside a region but not reaching between(): the wait times out
        assertThat(gate.close(Duration.ofMillis(200))).isFalse();
        leave.countDown();
        t.join(10_000);
        assertThat(gate.busy()).isFalse();
        assertThat(gate.close(Duration.ofSeconds(30))).isTrue();
    }
}
