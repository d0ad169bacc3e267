package dev.discovery.bench.api;

import java.util.List;

/**
 * {@link ApiBench} with client-java's shared informer as the peer. client-java is a test-scope
 * dependency (the project allows it nowhere else), so this entry point lives in the test sources
 * and {@code run-bench api} runs it on the test class path; nothing of client-java reaches the
 * benchmarks' own class path.
 *
 * <pre>
 * ApiBenchWithInformer [results-dir] [smoke]
 * </pre>
 */
public final class ApiBenchWithInformer {
  private ApiBenchWithInformer() {}

  public static void main(String[] args) throws Exception {
    ApiBench.run(args, List.of(InformerPeer.FACTORY));
  }
}
