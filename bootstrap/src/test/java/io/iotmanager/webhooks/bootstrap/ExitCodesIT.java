package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each documented exit code (README, Operations: Exit codes), from the fat jar run as a process: the
 * code of the cause, one clear ERROR line, and no stack trace at the default log level.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ExitCodesIT {
  @TempDir
  Path dir;

  private record Run(int code, String output) {}

  private Process launch(Map<String, String> env, String logPrefix, String... args) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(JarProcess.command(List.of(args))).directory(dir.toFile())
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("IOT_MANAGER_"));
    builder.environment().putAll(env);
    builder.redirectOutput(Files.createTempFile(dir, logPrefix, ".log").toFile());
    return builder.start();
  }

  private Run run(Map<String, String> env, String... args) throws Exception {
    Map<String, String> full = new HashMap<>(env);
    full.putIfAbsent("IOT_MANAGER_LISTEN", "127.0.0.1:" + freePort());
    full.putIfAbsent("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString());
    Process process = launch(full, "jar-", args);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the process must exit on its own");
    StringBuilder output = new StringBuilder();
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("jar-")).toList()) {
        output.append(Files.readString(log));
        Files.delete(log);
      }
    }
    return new Run(process.exitValue(), output.toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The code, one ERROR line naming the cause, no stack trace. */
  private static void assertExit(Run run, int code, String inTheErrorLine) {
    assertEquals(code, run.code(), run.output());
    List<String> errors = run.output().lines().filter(l -> l.contains("level=ERROR")).toList();
    assertEquals(1, errors.size(), run.output());
    assertTrue(errors.get(0).contains(inTheErrorLine), run.output());
    assertFalse(run.output().contains("\tat "), "no stack trace at the default level:\n" + run.output());
    assertFalse(run.output().contains("Exception in thread"), run.output());
  }

  @Test
  void helpExitsZero() throws Exception {
    Run run = run(Map.of(), "--help");
    assertEquals(0, run.code(), run.output());
  }

  @Test
  void invalidConfigurationExitsTwo() throws Exception {
    assertExit(run(Map.of("IOT_MANAGER_LISTEN", ":abc")), 2, "listen");
    assertExit(run(Map.of("IOT_MANAGER_JWT_VERIFY_KEY", "not a key")), 2, "jwt_verify_key");
    assertExit(run(Map.of(), "--no-such-option"), 2, "--no-such-option");
  }

  @Test
  void aDamagedStoreFileExitsThree() throws Exception {
    Path data = Files.createDirectories(dir.resolve("damaged"));
    byte[] garbage = new byte[64 * 1024];
    new java.util.Random(7).nextBytes(garbage);
    Files.write(data.resolve("iot-webhooks.mv.db"), garbage);
    assertExit(run(Map.of("IOT_MANAGER_DATA_DIR", data.toString())), 3, "exit code 3");
  }

  @Test
  void aListenAddressInUseExitsFour() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Run run = run(Map.of("IOT_MANAGER_LISTEN", "127.0.0.1:" + taken.getLocalPort()));
      assertExit(run, 4, "exit code 4");
    }
  }

  @Test
  void anUnreachableMongoDbExitsFive() throws Exception {
    int closed = freePort();
    Run run = run(Map.of("IOT_MANAGER_MONGO_URL",
        "mongodb://127.0.0.1:" + closed + "/?serverSelectionTimeoutMS=1500"));
    assertExit(run, 5, "exit code 5");
  }

  @Test
  void aDataDirThatCannotBeCreatedExitsSix() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    assertExit(run(Map.of("IOT_MANAGER_DATA_DIR", file.resolve("data").toString())), 6, "exit code 6");
  }

  @Test
  void aDataDirInUseByARunningInstanceExitsSix() throws Exception {
    Path data = dir.resolve("shared");
    int port = freePort();
    Process first = launch(Map.of("IOT_MANAGER_DATA_DIR", data.toString(), "IOT_MANAGER_LISTEN", "127.0.0.1:" + port),
        "first-");
    try {
      awaitAlive(first, port);
      assertExit(run(Map.of("IOT_MANAGER_DATA_DIR", data.toString())), 6, "exit code 6");
    } finally {
      first.destroy();
      assertTrue(first.waitFor(60, TimeUnit.SECONDS));
    }
    assertEquals(0, first.exitValue(), "the first instance stops cleanly on SIGTERM");
  }

  private static void awaitAlive(Process process, int port) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest alive = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/api/internal/v1/iot-manager/alive")).build();
    Awaitility.await("the first instance answers /alive").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(IOException.class) // not listening yet (a ConnectException)
        .until(() -> {
          assertTrue(process.isAlive(), () -> "the first instance exited with " + process.exitValue());
          return http.send(alive, HttpResponse.BodyHandlers.discarding()).statusCode() == 204;
        });
  }
}
