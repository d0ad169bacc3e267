/**
 * Fakes for tests of code that uses discovery: a fake Kubernetes cluster, a real DNS server on
 * loopback serving it, a fake Kubernetes API server serving it, a fake resolver, a JUnit Jupiter
 * extension, and a runner for BIND's {@code named}. Re-exports the fake clock and scheduler of
 * {@code dev.discovery.testkit.clock}.
 */
module dev.discovery.testkit {
  requires transitive dev.discovery.api;
  requires transitive dev.discovery.testkit.clock;
  requires org.dnsjava;
  requires com.fasterxml.jackson.jr.ob;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;
  requires jdk.httpserver;
  requires static org.junit.jupiter.api;

  exports dev.discovery.testkit;
}
