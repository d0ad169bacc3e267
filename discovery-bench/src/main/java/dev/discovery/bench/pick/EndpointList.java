package dev.discovery.bench.pick;

import dev.discovery.api.Endpoint;
import dev.discovery.bench.Fixtures;
import java.util.List;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The endpoints every implementation picks among (a parameter of the pick benchmarks). */
@State(Scope.Benchmark)
public class EndpointList {
  @Param({"3", "100", "10000"})
  public int endpoints;

  List<Endpoint> list;

  @Setup
  public void setUp() {
    list = Fixtures.endpoints(endpoints);
  }
}
