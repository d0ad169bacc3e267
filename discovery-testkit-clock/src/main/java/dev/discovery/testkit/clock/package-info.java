/**
 * A fake clock and a fake scheduler for deterministic tests.
 *
 * <p>Null policy: parameters and return values are never null.
 */
package dev.discovery.testkit.clock;
