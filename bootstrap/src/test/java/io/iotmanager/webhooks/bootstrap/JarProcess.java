package io.iotmanager.webhooks.bootstrap;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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

  /**
   * A port free now, for a jar that binds it a few seconds later. Chosen at random below the kernel's
   * ephemeral range (32768 and up on Linux), where the outgoing connections of every process on the
   * machine (MongoDB clients, HTTP clients) take their local ports: a port from there can be taken by
   * one of them before the jar binds it.
   */
  static int freePort() throws IOException {
    for (int tries = 0; tries < 200; tries++) {
      int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress("127.0.0.1", candidate));
        return candidate;
      } catch (IOException inUse) {
        // taken: try another
      }
    }
    throw new IOException("no free port found between 20000 and 32000");
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

  /** The start-up warm-up's budget; off for test jars unless the test's variables set it. */
  static final String WARM_UP = "IOT_MANAGER_WEBHOOKS_WARM_UP";

  static JarProcess launch(Map<String, String> env, List<String> args, Path workDir, int port) throws IOException {
    return launch(env, args, workDir, port, jvmOptions());
  }

  /** {@link #launch(Map, List, Path, int)} with these JVM options instead of {@link #jvmOptions()}. */
  static JarProcess launch(Map<String, String> env, List<String> args, Path workDir, int port,
      List<String> jvmOptions) throws IOException {
    List<String> command = command(args, jvmOptions);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("IOT_MANAGER_"));
    // no start-up warm-up (seconds per start) unless a test asks for it: ColdStartIT is about it
    pb.environment().put(WARM_UP, "0s");
    pb.environment().putAll(env);
    Path log = Files.createTempFile(workDir, "jar-", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new JarProcess(pb.start(), log, port);
  }

  /**
   * The command line that runs the fat jar with {@code args}: {@code java -jar iot-webhooks.jar ...} with
   * the test JVM options ({@link #jvmOptions()}).
   */
  static List<String> command(List<String> args) {
    return command(args, jvmOptions());
  }

  private static List<String> command(List<String> args, List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    classArchive().ifPresent(archive -> command.addAll(List.of("-XX:SharedArchiveFile=" + archive,
        // an archive the JVM cannot use (another jar) is skipped; say nothing about it in the output tests read
        "-Xlog:cds=off", "-Xlog:cds+dynamic=off")));
    command.add("-jar");
    command.add(jar().toAbsolutePath().toString());
    command.addAll(args);
    return command;
  }

  /**
   * The JVM options of every jar the tests start. None changes what the service does; they make a start
   * cheaper on a small machine, where the tests start the jar some seventy times: the client compiler
   * only ({@code TieredStopAtLevel=1}: a test's process is short-lived, C2's compile threads would only
   * compete for the two cores) and the serial collector (a 256 MiB heap).
   */
  static List<String> jvmOptions() {
    List<String> options = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    String hosts = System.getProperty("jdk.net.hosts.file");
    if (hosts != null) {
      // names resolve as in the test JVM: from the test hosts file, no DNS traffic
      options.add("-Djdk.net.hosts.file=" + hosts);
    }
    return options;
  }

  private static Optional<Path> archive;

  /**
   * A class-data sharing archive of the jar's classes (AppCDS), made once per built jar by a start of
   * its own and then mapped by every start, which then loads and verifies no class of its own: a start
   * costs less than half the CPU. Named after the jar's size and time, so a rebuilt jar gets a new one;
   * the test JVMs running side by side make it once between them (a file lock). Empty when it cannot
   * be made (the tests then run without it, only slower).
   */
  static synchronized Optional<Path> classArchive() {
    if (archive != null) {
      return archive;
    }
    archive = Optional.empty();
    if (Boolean.getBoolean("iot.noClassArchive")) {
      return archive;
    }
    try {
      Path jar = jar().toAbsolutePath();
      Path file = jar.resolveSibling("iot-webhooks-" + Files.size(jar) + "-"
          + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
      try (FileChannel lock = FileChannel.open(jar.resolveSibling("iot-webhooks.jsa.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = lock.lock()) {
        if (!Files.exists(file)) {
          dumpClassArchive(file);
        }
      }
      archive = Optional.of(file);
    } catch (Exception | AssertionError e) {
      System.err.println("[JarProcess] no class-data archive, starting the jar without one: " + e);
    }
    return archive;
  }

  /**
   * Starts the jar on an embedded store of its own with {@code -XX:ArchiveClassesAtExit}, takes it
   * through an integration and an event (so the archive holds the classes of the API and of a delivery
   * as well as those of the start), stops it with SIGTERM and keeps the archive it writes on the way out.
   */
  private static void dumpClassArchive(Path file) throws Exception {
    Path dir = Files.createTempDirectory("iot-webhooks-cds");
    Path partial = dir.resolve("partial.jsa");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions());
    command.addAll(List.of("-XX:ArchiveClassesAtExit=" + partial, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
        "-jar", jar().toAbsolutePath().toString()));
    int port = freePort();
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("IOT_MANAGER_"));
    pb.environment().putAll(Map.of("IOT_MANAGER_LISTEN", "127.0.0.1:" + port,
        "IOT_MANAGER_DATA_DIR", dir.resolve("data").toString(), "IOT_MANAGER_DOMAIN_SKIPVERIFY", "true"));
    Path log = dir.resolve("jar.log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    JarProcess jar = new JarProcess(pb.start(), log, port);
    try {
      jar.awaitAlive(Duration.ofSeconds(120));
      String tenant = "cds";
      JarApi.createWebhook(jar, tenant, "http://127.0.0.1:" + freePort() + "/hook");
      JarApi.bulkAccepted(jar, tenant, List.of("dev-1"));
      Awaitility.await("the warm-up event attempted").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> JarApi.events(jar, tenant).stream().flatMap(e -> e.getJsonArray("delivery_statuses").stream())
              .anyMatch(d -> ((io.vertx.core.json.JsonObject) d).getInteger("attempts", 0) > 0));
      if (jar.terminate(Duration.ofSeconds(120)) != 0 || !Files.exists(partial)) {
        throw new IllegalStateException("the archive was not written:\n" + jar.output());
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      jar.close();
    }
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
      String log = output();
      try {
        close(); // not left running when the caller never got hold of it
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("service not alive after " + timeout + ":\n" + log, e);
    }
  }

  long pid() {
    return process.pid();
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
