package io.iotmanager.webhooks.bootstrap;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** The fat jar run as a separate process, as an operator runs it. */
final class JarProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  final int port;

  private JarProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  static Path jar() {
    String configured = System.getProperty("iot.jar");
    Path jar = configured != null ? Path.of(configured) : Path.of("target", "iot-webhooks.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("fat jar not built: " + jar.toAbsolutePath());
    }
    return jar;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /**
   * Starts the jar with exactly the given IOT_MANAGER_ variables (inherited ones are dropped, so a CI
   * MongoDB URL does not leak into an embedded-store test unless passed on purpose).
   */
  static JarProcess start(Map<String, String> env, List<String> args, Path workDir) throws IOException {
    int port = env.containsKey("IOT_MANAGER_LISTEN") ? Integer.parseInt(env.get("IOT_MANAGER_LISTEN")
        .substring(env.get("IOT_MANAGER_LISTEN").lastIndexOf(':') + 1)) : freePort();
    Map<String, String> full = new HashMap<>(env);
    full.putIfAbsent("IOT_MANAGER_LISTEN", "127.0.0.1:" + port);
    return launch(full, args, workDir, port);
  }

  static JarProcess launch(Map<String, String> env, List<String> args, Path workDir, int port) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    String hosts = System.getProperty("jdk.net.hosts.file");
    if (hosts != null) {
      // names resolve as in the test JVM: from the test hosts file, no DNS traffic
      command.add("-Djdk.net.hosts.file=" + hosts);
    }
    command.add("-jar");
    command.add(jar().toAbsolutePath().toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("IOT_MANAGER_"));
    pb.environment().putAll(env);
    Path log = Files.createTempFile(workDir, "jar-", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new JarProcess(pb.start(), log, port);
  }

  /** Waits until {@code GET /alive} answers 204; fails at once, with its log, if the process exits. */
  JarProcess awaitAlive(Duration timeout) throws IOException {
    try {
      Awaitility.await("GET /alive answers 204").atMost(timeout).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!process.isAlive()) {
              throw new IllegalStateException("service exited with " + process.exitValue() + ":\n" + output());
            }
            return status("GET", "/api/internal/v1/iot-manager/alive") == 204;
          });
      return this;
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("service not alive after " + timeout + ":\n" + output(), e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int status(String method, String path) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
          .openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(1000);
      c.setReadTimeout(5000);
      int code = c.getResponseCode();
      c.disconnect();
      return code;
    } catch (IOException e) {
      return -1;
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  String output() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** SIGTERM, then the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("service did not stop within " + timeout + " after SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGKILL: a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  int waitForExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("process still running after " + timeout);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
