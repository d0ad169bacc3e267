package dev.discovery.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Writes the kubeconfig file a fake API server hands to tests. */
public final class Kubeconfig {
  /** The names of the cluster, user and context in the file. */
  public static final String NAME = "fake-api-server";

  private Kubeconfig() {}

  /**
   * Writes a kubeconfig for {@code server} with its CA (none for plain HTTP) and {@code token}, its
   * one context current, namespace {@code default}, to a new temporary file.
   */
  public static Path write(URI server, String caPem, String token) {
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: v1\n");
    y.append("kind: Config\n");
    y.append("clusters:\n");
    y.append("- name: ").append(NAME).append('\n');
    y.append("  cluster:\n");
    y.append("    server: ").append(server).append('\n');
    if (caPem != null) {
      y.append("    certificate-authority-data: ")
          .append(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)))
          .append('\n');
    }
    y.append("users:\n");
    y.append("- name: ").append(NAME).append('\n');
    y.append("  user:\n");
    y.append("    token: ").append(token).append('\n');
    y.append("contexts:\n");
    y.append("- name: ").append(NAME).append('\n');
    y.append("  context:\n");
    y.append("    cluster: ").append(NAME).append('\n');
    y.append("    user: ").append(NAME).append('\n');
    y.append("    namespace: default\n");
    y.append("current-context: ").append(NAME).append('\n');
    try {
      Path file = Files.createTempFile("fake-api-server-", ".kubeconfig");
      file.toFile().deleteOnExit();
      Files.writeString(file, y, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("fake API server: cannot write its kubeconfig: " + e, e);
    }
  }
}
