package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole service as an operator runs it: the fat jar in a process of its own ({@link JarProcess}), on
 * a real socket and a real store: the MongoDB named by {@code IOT_MANAGER_MONGO_URL} when set (a fresh
 * database per instance: names are random), else the embedded server in a temporary directory.
 * Configure it with the same keys and values as the environment (e.g.
 * {@code "webhooks_retry_schedule" -> "200ms,200ms"}). Every API response it receives is checked against
 * the OpenAPI documents ({@link Contract}).
 */
final class TestService implements AutoCloseable {
  static final String MANAGEMENT = "/api/management/v1/iot-manager";
  static final String INTERNAL = "/api/internal/v1/iot-manager";
  private static final Pattern STORE = Pattern.compile("store: (.*)");

  final JarProcess jar;
  /** The configuration the jar runs with, as it parses it from the same environment. */
  final ServiceConfig config;
  final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestService(JarProcess jar, ServiceConfig config) {
    this.jar = jar;
    this.config = config;
    this.port = jar.port;
  }

  static boolean realMongo() {
    String url = System.getenv("IOT_MANAGER_MONGO_URL");
    return url != null && !url.isBlank();
  }

  /**
   * Whether the real MongoDB of this run is CI's: the Windows build under Wine
   * ({@code IOT_MANAGER_TEST_MONGO_UNDER_WINE=1}, set by {@code .ci/run}). Many simultaneous conflicting
   * writes on one document crash it there (an access violation in the emulation, not MongoDB behaviour),
   * so tests built on such contention run on the embedded store instead.
   */
  static boolean mongoUnderWine() {
    return realMongo() && "1".equals(System.getenv("IOT_MANAGER_TEST_MONGO_UNDER_WINE"));
  }

  /** Starts the jar with these settings (keys as in the YAML file) over the test store. */
  static TestService start(Map<String, String> settings) throws Exception {
    return startAll(List.of(settings)).get(0);
  }

  /**
   * Starts one jar per entry of {@code settings} (keys as in the YAML file), each over a test store of its
   * own, all at once (their start-ups overlap), and returns them once every one is alive, in the same
   * order. If one fails to start, all are stopped.
   */
  static List<TestService> startAll(List<Map<String, String>> settings) throws Exception {
    List<JarProcess> jars = new ArrayList<>();
    List<ServiceConfig> configs = new ArrayList<>();
    try {
      for (Map<String, String> one : settings) {
        Map<String, String> env = new HashMap<>();
        env.put("IOT_MANAGER_LISTEN", "127.0.0.1:" + JarProcess.freePort());
        env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
        env.put("IOT_MANAGER_MONGO_DBNAME", "it_" + UUID.randomUUID().toString().replace("-", ""));
        Path dir = Files.createTempDirectory("iot-webhooks-it");
        if (realMongo()) {
          env.put("IOT_MANAGER_MONGO_URL", System.getenv("IOT_MANAGER_MONGO_URL"));
        } else {
          env.put("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString());
        }
        one.forEach((k, v) -> env.put("IOT_MANAGER_" + k.toUpperCase(Locale.ROOT), v));
        configs.add(ConfigLoader.load(Optional.empty(), env));
        jars.add(JarProcess.start(env, List.of(), dir));
      }
      List<TestService> services = new ArrayList<>();
      for (int i = 0; i < jars.size(); i++) {
        jars.get(i).awaitAlive(Duration.ofSeconds(150));
        services.add(new TestService(jars.get(i), configs.get(i)));
      }
      return services;
    } catch (Exception | AssertionError e) {
      for (JarProcess jar : jars) {
        jar.close();
      }
      throw e;
    }
  }

  static TestService start() throws Exception {
    return start(Map.of());
  }

  /** An unverified user token of {@code tenant} (decode-only mode, as behind Mender's gateway). */
  static String userToken(String tenant) {
    return Jwts.userToken(tenant);
  }

  /** A JWT with an {@code alg: none} header, this payload and a dummy signature. */
  static String token(String payloadJson) {
    return Jwts.token(payloadJson);
  }

  /**
   * The store's description from the service's log: with its {@code mongodb://} address on MongoDB; the
   * embedded store's address is not logged (it serves only the service's own client).
   */
  String storeDescription() {
    try {
      Matcher m = STORE.matcher(jar.output());
      return m.find() ? m.group(1) : "";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Sends a request; {@code token} may be null, {@code body} may be null. */
  HttpResponse<String> call(String method, String path, String token, String body) throws IOException,
      InterruptedException {
    return callWithHeaders(method, path, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token),
        body);
  }

  /** Sends a request with exactly these extra headers (e.g. a {@code Cookie}); {@code body} may be null. */
  HttpResponse<String> callWithHeaders(String method, String path, Map<String, String> headers, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    if (body != null && !headers.containsKey("Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    return Contract.checked(method, path, http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
  }

  /**
   * Sends {@code body} without declaring its length ({@code Transfer-Encoding: chunked}), as a client
   * streaming a body of unknown size does.
   */
  HttpResponse<String> callStreaming(String method, String path, String token, byte[] body) throws IOException,
      InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
        .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return Contract.checked(method, path, http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
  }

  /** SIGTERM, then waits for the exit. */
  @Override
  public void close() throws Exception {
    if (jar.isAlive()) {
      jar.terminate(Duration.ofSeconds(30));
    }
  }
}
