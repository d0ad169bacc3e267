package dev.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of README.md and docs/*.md is a snippet of this module, word for word:
 * the block is preceded by a line {@code <!-- snippet: NAME -->}, and this module's sources hold
 * the same lines between {@code // snippet:NAME} and {@code // end-snippet} (indentation removed).
 * So every Java line the docs show is compiled, and most of them run in this module's tests.
 */
class SnippetsTest {
  /** The repository root: tests run in the module's directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Pattern START = Pattern.compile("^\\s*// snippet:([a-z0-9-]+)\\s*$");
  private static final Pattern END = Pattern.compile("^\\s*// end-snippet\\s*$");
  private static final Pattern FENCE = Pattern.compile("^(```+)\\s*([A-Za-z0-9+-]*).*$");
  private static final Pattern MARKER = Pattern.compile("^<!-- snippet: ([a-z0-9-]+) -->$");

  /** A {@code java} block of a doc: where it is, the marker before it, its lines. */
  record Block(String where, String name, String text) {}

  private static Map<String, String> snippets;
  private static List<Block> blocks;

  @BeforeAll
  static void read() throws IOException {
    snippets = snippets(List.of(Path.of("src/main/java"), Path.of("src/test/java")));
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    blocks = new ArrayList<>();
    for (Path doc : docs) {
      blocks.addAll(blocks(doc));
    }
  }

  @Test
  void everyJavaBlock_isTheSnippetItNames() {
    assertThat(blocks).as("java blocks in README.md and docs/").isNotEmpty();
    SoftAssertions softly = new SoftAssertions();
    for (Block b : blocks) {
      if (b.name() == null) {
        softly.fail(
            "%s: a java block without a <!-- snippet: NAME --> line before it (expected: every Java"
                + " snippet comes from examples/, between // snippet:NAME and // end-snippet)",
            b.where());
      } else if (!snippets.containsKey(b.name())) {
        softly.fail(
            "%s: snippet %s (expected: one of examples/src's %s)",
            b.where(), b.name(), snippets.keySet());
      } else {
        softly
            .assertThat(b.text())
            .as(
                "%s: the block differs from snippet %s in examples/src; it should read",
                b.where(), b.name())
            .isEqualTo(snippets.get(b.name()));
      }
    }
    softly.assertAll();
  }

  @Test
  void everySnippet_isShownInTheDocs() {
    TreeSet<String> shown = new TreeSet<>();
    blocks.stream().map(Block::name).filter(Objects::nonNull).forEach(shown::add);

    assertThat(shown)
        .as("snippets in examples/src that no doc shows (expected: each in README.md or docs/)")
        .containsAll(snippets.keySet());
  }

  /** Every region of the Java sources under {@code dirs}, by name, its indentation removed. */
  private static Map<String, String> snippets(List<Path> dirs) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Path dir : dirs) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
      }
      for (Path f : files) {
        List<String> lines = Files.readAllLines(f);
        String name = null;
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
          Matcher start = START.matcher(lines.get(i));
          if (start.matches()) {
            assertThat(name)
                .as("%s:%d: snippet %s opened inside %s", f, i + 1, start.group(1), name)
                .isNull();
            name = start.group(1);
            from = i + 1;
          } else if (END.matcher(lines.get(i)).matches()) {
            assertThat(name).as("%s:%d: an end-snippet with no snippet open", f, i + 1).isNotNull();
            String before = out.put(name, dedent(lines.subList(from, i)));
            assertThat(before).as("%s: snippet %s defined twice", f, name).isNull();
            name = null;
          }
        }
        assertThat(name).as("%s: snippet %s has no end-snippet", f, name).isNull();
      }
    }
    return out;
  }

  /**
   * The {@code java} blocks of {@code doc}, each with the snippet marker on the line before its
   * opening fence. Other fenced blocks are skipped whole, so a fence inside them does not count.
   */
  private static List<Block> blocks(Path doc) {
    List<String> lines;
    try {
      lines = Files.readAllLines(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i).strip());
      if (!open.matches()) {
        continue;
      }
      String fence = open.group(1);
      int end = i + 1;
      while (end < lines.size() && !lines.get(end).strip().equals(fence)) {
        end++;
      }
      if (open.group(2).equals("java")) {
        Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1).strip()) : null;
        out.add(
            new Block(
                ROOT.relativize(doc) + ":" + (i + 1),
                marker != null && marker.matches() ? marker.group(1) : null,
                dedent(lines.subList(i + 1, end))));
      }
      i = end;
    }
    return out;
  }

  /**
   * The lines without the indentation they share, trailing spaces, and blank lines at either end,
   * joined.
   */
  private static String dedent(List<String> lines) {
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    lines = lines.subList(from, to);
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      b.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
    }
    return b.toString();
  }
}
