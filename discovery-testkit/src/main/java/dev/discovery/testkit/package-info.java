/**
 * Test fakes for discovery: {@link dev.discovery.testkit.FakeCluster} (a Kubernetes cluster in
 * memory), {@link dev.discovery.testkit.FakeDnsServer} (a real authoritative DNS server on loopback
 * serving it per the Kubernetes DNS specification), {@link dev.discovery.testkit.FakeResolver} (a
 * resolver tests drive by hand), {@link dev.discovery.testkit.FakeClusterExtension} (JUnit Jupiter)
 * and {@link dev.discovery.testkit.BindServer} (Debian's BIND {@code named} as a throwaway server).
 *
 * <p>The fake clock and scheduler live in {@code dev.discovery.testkit.clock} ({@link
 * dev.discovery.testkit.clock.FakeClock}, {@link dev.discovery.testkit.clock.FakeScheduler}); this
 * module re-exports them, and {@code Discovery.builder().clock(..).scheduler(..)} accepts them.
 *
 * <p>Null policy: parameters and return values are never null, except record components and methods
 * whose documentation says "or {@code null}".
 */
package dev.discovery.testkit;
