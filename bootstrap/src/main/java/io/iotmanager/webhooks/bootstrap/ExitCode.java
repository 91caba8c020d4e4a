package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.mongo.embedded.StoreFileException;
import io.iotmanager.webhooks.application.ApplicationException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * Every exit code of the process, in one place (README, Operations: Exit codes). A supervisor can tell
 * from the code alone whether a restart may help (4, 5: once the port or MongoDB is back) or an operator
 * must act (2, 3, 6).
 */
enum ExitCode {
  /** Stopped on SIGTERM after a graceful stop, or a command (help, re-encrypt) succeeded. */
  OK(0, "stopped normally"),
  /** Anything not named below; the log line says what. */
  FAILURE(1, "unexpected failure"),
  /** A configuration value, the configuration file or the command line is invalid. */
  INVALID_CONFIG(2, "invalid configuration"),
  /**
   * The embedded store's file is damaged or cannot be read as a store: any failure of the embedded
   * server's start that is not about {@link #DATA_DIR}.
   */
  STORE_FILE(3, "embedded store file damaged or unreadable"),
  /** The listen address is in use by another process, or cannot be bound. */
  PORT_IN_USE(4, "listen address in use or not available"),
  /** MongoDB ({@code mongo_url}) did not answer, refused the connection or the credentials at start-up. */
  STORE_UNREACHABLE(5, "store unreachable"),
  /**
   * {@code data_dir} (or the file in it) cannot be created, read or written (a file system error), or
   * another running instance uses it.
   */
  DATA_DIR(6, "data_dir not usable");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  int code() {
    return code;
  }

  String meaning() {
    return meaning;
  }

  /** The code for a start-up failure: the most specific cause found along the chain of causes. */
  static ExitCode of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidConfigException) {
        return INVALID_CONFIG;
      }
      if (t instanceof StoreFileException) {
        return STORE_FILE; // empty, truncated or damaged, left unchanged (README, Stores)
      }
      if (t instanceof java.net.BindException || isBindFailure(t)) {
        return PORT_IN_USE;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = lower(t.getMessage());
      if (message.contains("cannot create the data directory") || message.contains("is locked by another")) {
        return DATA_DIR;
      }
      if (t instanceof FileSystemException) {
        return DATA_DIR;
      }
    }
    boolean embedded = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String type = t.getClass().getName();
      String message = lower(t.getMessage());
      if (type.startsWith("org.h2.") || message.contains("store file") && message.contains("damaged")) {
        return STORE_FILE;
      }
      if (type.startsWith("com.mongodb.")) {
        return STORE_UNREACHABLE;
      }
      if (t instanceof IllegalArgumentException && (message.startsWith("mongo_url:")
          || message.startsWith("aes_encryption_key") || message.startsWith("jwt_verify_key:"))) {
        return INVALID_CONFIG;
      }
      embedded |= message.contains("embedded server cannot start");
    }
    if (embedded) {
      return STORE_FILE;
    }
    if (failure instanceof ApplicationException.StoreUnavailable
        || failure instanceof java.util.concurrent.TimeoutException) {
      return STORE_UNREACHABLE;
    }
    return FAILURE;
  }

  /** Netty's native transports report a failed bind with their own exception type. */
  private static boolean isBindFailure(Throwable t) {
    String message = lower(t.getMessage());
    return message.contains("address already in use") || message.contains("cannot assign requested address")
        || (message.contains("bind(") && message.contains("failed"));
  }

  private static String lower(String message) {
    return message == null ? "" : message.toLowerCase(Locale.ROOT);
  }

  /**
   * One line about a failure: its message, then the messages of its causes that add something, without
   * line breaks (the stack trace is logged at debug level only).
   */
  static String describe(Throwable failure) {
    StringBuilder line = new StringBuilder();
    String previous = null;
    for (Throwable t = failure; t != null && line.length() < 2000; t = t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (previous != null && previous.contains(message)) {
        continue;
      }
      if (line.length() > 0) {
        line.append(": ");
      }
      line.append(message);
      previous = message;
    }
    return line.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
