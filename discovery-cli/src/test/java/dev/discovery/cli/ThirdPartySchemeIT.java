package dev.discovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resolver provider of a third party's, in a jar of its own on the class path, gives the CLI a
 * scheme it never heard of: the scheme chooses the provider, the provider parses the rest.
 */
class ThirdPartySchemeIT {
  @TempDir Path dir;

  @Test
  void resolve_usesAProviderFromAJarOnTheClassPath() throws IOException {
    Path jar = providerJar();

    Cli.Result r = Cli.runWith(List.of(jar), "resolve", "inhouse:///ledger");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out())
        .contains("target     inhouse:///ledger", "kind       UNKNOWN", "source     inhouse");
    assertThat(r.stdout()).contains("127.0.0.21", "127.0.0.22");
  }

  @Test
  void resolve_withoutTheJar_saysWhichSchemesAreInstalled() {
    Cli.Result r = Cli.run("resolve", "inhouse:///ledger");

    assertThat(r.exit()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr())
        .contains(
            "scheme: \"inhouse\" in \"inhouse:///ledger\" has no resolver installed (expected one"
                + " of: k8s, k8s+api, k8s+dns, static)");
  }

  /** The provider's class and its ServiceLoader entry, as its author would ship them. */
  private Path providerJar() throws IOException {
    Path jar = dir.resolve("inhouse-provider.jar");
    String clazz = InhouseResolverProvider.class.getName().replace('.', '/');
    Path classes = Path.of("target", "test-classes");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      try (var files = Files.list(classes.resolve(clazz).getParent())) {
        for (Path f : files.toList()) {
          String name = classes.relativize(f).toString().replace('\\', '/');
          if (name.startsWith(clazz) && name.endsWith(".class")) {
            out.putNextEntry(new JarEntry(name));
            Files.copy(f, out);
            out.closeEntry();
          }
        }
      }
      out.putNextEntry(new JarEntry("META-INF/services/dev.discovery.spi.ResolverProvider"));
      OutputStream o = out;
      o.write((InhouseResolverProvider.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }
}
