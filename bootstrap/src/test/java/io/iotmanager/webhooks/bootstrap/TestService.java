package io.iotmanager.webhooks.bootstrap;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The whole service wired in this JVM, on real sockets and a real store: the MongoDB named by
 * {@code IOT_MANAGER_MONGO_URL} when set (a fresh database per instance, dropped by nobody: names are
 * random), else the embedded server in a temporary directory. Configure it with the same keys and
 * values as the environment (e.g. {@code "webhooks_retry_schedule" -> "200ms,200ms"}).
 */
final class TestService implements AutoCloseable {
  static final String MANAGEMENT = "/api/management/v1/iot-manager";
  static final String INTERNAL = "/api/internal/v1/iot-manager";

  final Vertx vertx;
  final Service service;
  final ServiceConfig config;
  final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestService(Vertx vertx, Service service, ServiceConfig config) {
    this.vertx = vertx;
    this.service = service;
    this.config = config;
    this.port = config.listenPort();
  }

  static boolean realMongo() {
    String url = System.getenv("IOT_MANAGER_MONGO_URL");
    return url != null && !url.isBlank();
  }

  /** Starts the service with these settings (keys as in the YAML file) over the test store. */
  static TestService start(Map<String, String> settings) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("IOT_MANAGER_LISTEN", "127.0.0.1:" + JarProcess.freePort());
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    env.put("IOT_MANAGER_MONGO_DBNAME", "it_" + UUID.randomUUID().toString().replace("-", ""));
    if (realMongo()) {
      env.put("IOT_MANAGER_MONGO_URL", System.getenv("IOT_MANAGER_MONGO_URL"));
    } else {
      Path dir = Files.createTempDirectory("iot-webhooks-it");
      env.put("IOT_MANAGER_DATA_DIR", dir.toString());
    }
    settings.forEach((k, v) -> env.put("IOT_MANAGER_" + k.toUpperCase(java.util.Locale.ROOT), v));
    ServiceConfig config = ConfigLoader.load(Optional.empty(), env);
    Vertx vertx = Vertx.vertx();
    try {
      Service service = Service.start(vertx, config).await(60, TimeUnit.SECONDS);
      return new TestService(vertx, service, config);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  static TestService start() throws Exception {
    return start(Map.of());
  }

  /** An unverified user token of {@code tenant} (decode-only mode, as behind Mender's gateway). */
  static String userToken(String tenant) {
    return token("{\"sub\":\"" + UUID.randomUUID() + "\",\"mender.user\":true,\"mender.tenant\":\"" + tenant + "\"}");
  }

  /** A JWT with an {@code alg: none} header, this payload and a dummy signature. */
  static String token(String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
  }

  /** The store's description, with its {@code mongodb://} address (not the embedded server's). */
  String storeDescription() {
    return service.storeDescription();
  }

  /** The URL this service's own client uses, with the embedded store's per-process credentials. */
  String storeConnectionString() {
    return service.storeConnectionString();
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
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws Exception {
    try {
      service.stop().await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
