package dev.discovery.grpc.internal;

import io.grpc.ChannelLogger;
import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A channel logger that keeps each line as {@code LEVEL message}. */
final class RecordingLogger extends ChannelLogger {
  final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public void log(ChannelLogLevel level, String message) {
    lines.add(level + " " + message);
  }

  @Override
  public void log(ChannelLogLevel level, String format, Object... args) {
    lines.add(level + " " + MessageFormat.format(format, args));
  }
}
