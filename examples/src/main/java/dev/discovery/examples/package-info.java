/**
 * The Java snippets README.md and docs/ show, each between a {@code // snippet:NAME} and an {@code
 * // end-snippet} line, compiled by the build and run by this module's tests against the testkit. A
 * test fails when a {@code java} block in the docs differs from its snippet here.
 */
package dev.discovery.examples;
