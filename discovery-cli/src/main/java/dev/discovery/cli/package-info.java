/**
 * The {@code discovery} command-line tool: {@code resolve}, {@code watch}, {@code pick} and {@code
 * demo}. Not a library: nothing here is API.
 *
 * <p>Null policy: parameters and return values are non-null unless documented otherwise.
 */
package dev.discovery.cli;
