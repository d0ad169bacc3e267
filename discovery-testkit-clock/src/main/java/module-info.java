/**
 * A fake {@link java.time.Clock} and a fake {@link java.util.concurrent.ScheduledExecutorService}
 * that tests advance by hand. JDK types only, so any module's tests can use them.
 */
module dev.discovery.testkit.clock {
  exports dev.discovery.testkit.clock;
}
