/** Implementation details of discovery-k8s; not part of the public API. */
package dev.discovery.k8s.internal;
