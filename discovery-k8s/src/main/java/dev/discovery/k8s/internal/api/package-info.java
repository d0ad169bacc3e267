/**
 * The Kubernetes API source's internals: connection and credentials (in-cluster and kubeconfig),
 * the HTTP client and list/watch loop, the JSON model of Services, EndpointSlices and Nodes, and
 * the assembly of a Service's endpoints from its slices. Not a public API.
 */
package dev.discovery.k8s.internal.api;
