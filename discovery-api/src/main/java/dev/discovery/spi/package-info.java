/**
 * The service-provider interface of discovery, for authors of sources and policies (applications
 * need only {@link dev.discovery.api}): {@link dev.discovery.spi.ResolverProvider} and {@link
 * dev.discovery.spi.Resolver} turn a target into endpoint snapshots; {@link
 * dev.discovery.spi.Picker}, {@link dev.discovery.spi.Candidates} and {@link
 * dev.discovery.spi.PolicyInstance} are what a {@link dev.discovery.api.Policy} builds.
 *
 * <p><b>Still settling:</b> until 1.0 this package may change in a minor release (a method added to
 * an interface, say); {@link dev.discovery.api} will not. Each change is listed in the release
 * notes.
 *
 * <p>Null policy: parameters and return values are never null, except record components and methods
 * whose documentation says "or {@code null}".
 */
package dev.discovery.spi;
