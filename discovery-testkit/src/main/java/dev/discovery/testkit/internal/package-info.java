/**
 * The testkit's implementation; not part of its API.
 *
 * <p>Null policy: as in {@code dev.discovery.testkit}.
 */
package dev.discovery.testkit.internal;
