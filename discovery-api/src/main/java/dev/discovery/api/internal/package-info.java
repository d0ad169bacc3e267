/**
 * Implementation details of discovery-api. Not part of the public API: exported only to the SDK's
 * own modules and may change in any release.
 */
package dev.discovery.api.internal;
