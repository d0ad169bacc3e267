package dev.discovery.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain text table: a header row and left-aligned columns two spaces apart. */
final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> headers) {
    this.headers = headers;
  }

  static Table of(String... headers) {
    return new Table(List.of(headers));
  }

  /** Adds a row; {@code null} cells print as {@code -}. */
  Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "cells: " + Arrays.toString(cells) + " (expected: " + headers.size() + " cells)");
    }
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(c == null ? "-" : c.toString());
    }
    rows.add(r);
    return this;
  }

  /** The lines, each starting with {@code indent}, without trailing spaces. */
  List<String> lines(String indent) {
    int[] width = new int[headers.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = headers.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    List<String> out = new ArrayList<>();
    out.add(line(indent, headers, width));
    for (List<String> r : rows) {
      out.add(line(indent, r, width));
    }
    return out;
  }

  private static String line(String indent, List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder(indent);
    for (int i = 0; i < cells.size(); i++) {
      b.append(cells.get(i));
      if (i < cells.size() - 1) {
        b.append(" ".repeat(width[i] - cells.get(i).length() + 2));
      }
    }
    return b.toString().stripTrailing();
  }
}
