package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The calls a scenario makes on a running jar: create an integration, post device events, read the log. */
final class JarApi {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private JarApi() {}

  /** Creates a webhook integration (no secret) for {@code tenant}; returns its id. */
  static String createWebhook(JarProcess jar, String tenant, String url) throws IOException, InterruptedException {
    String body = new JsonObject().put("provider", "webhook").put("credentials", new JsonObject()
        .put("type", "http").put("http", new JsonObject().put("url", url))).encode();
    HttpResponse<String> r = send(jar, "POST", TestService.MANAGEMENT + "/integrations", TestService.userToken(tenant),
        body);
    assertEquals(201, r.statusCode(), r.body());
    String location = r.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** Points an integration at another URL ({@code PUT .../credentials}, no secret). */
  static void setUrl(JarProcess jar, String tenant, String integrationId, String url) throws IOException,
      InterruptedException {
    String body = new JsonObject().put("type", "http").put("http", new JsonObject().put("url", url)).encode();
    HttpResponse<String> r = send(jar, "PUT", TestService.MANAGEMENT + "/integrations/" + integrationId
        + "/credentials", TestService.userToken(tenant), body);
    assertEquals(204, r.statusCode(), r.body());
  }

  /** One bulk status change ({@code accepted}) for these devices; returns the HTTP status (202 = stored). */
  static int bulkAccepted(JarProcess jar, String tenant, List<String> devices) throws IOException,
      InterruptedException {
    JsonArray items = new JsonArray();
    devices.forEach(d -> items.add(new JsonObject().put("id", d)));
    return send(jar, "PUT", TestService.INTERNAL + "/tenants/" + tenant + "/bulk/devices/status/accepted", null,
        items.encode()).statusCode();
  }

  /** Posts {@code count} new devices in bulk calls of 100 and returns their ids (all answered 202). */
  static List<String> acceptDevices(JarProcess jar, String tenant, String prefix, int count) throws IOException,
      InterruptedException {
    List<String> all = new ArrayList<>(count);
    for (int start = 0; start < count; start += 100) {
      List<String> batch = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + 100); i++) {
        batch.add(prefix + "-" + i);
      }
      assertEquals(202, bulkAccepted(jar, tenant, batch), "bulk intake of " + batch.get(0) + "..");
      all.addAll(batch);
    }
    return all;
  }

  /** Every event of the tenant (pages of 500), newest first. */
  static List<JsonObject> events(JarProcess jar, String tenant) throws IOException, InterruptedException {
    List<JsonObject> all = new ArrayList<>();
    for (int page = 1; page <= 1000; page++) {
      HttpResponse<String> r = send(jar, "GET", TestService.MANAGEMENT + "/events?per_page=500&page=" + page,
          TestService.userToken(tenant), null);
      assertEquals(200, r.statusCode(), r.body());
      JsonArray items = new JsonArray(r.body());
      items.forEach(o -> all.add((JsonObject) o));
      if (items.size() < 500) {
        break;
      }
    }
    return all;
  }

  /** How many of the tenant's events are in each delivery state, e.g. {@code {delivered=300}}. */
  static java.util.Map<String, Long> states(JarProcess jar, String tenant) throws IOException, InterruptedException {
    return events(jar, tenant).stream()
        .map(e -> e.getJsonArray("delivery_statuses").getJsonObject(0).getString("state"))
        .collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting()));
  }

  /** Total attempts the store recorded over all events of the tenant. */
  static long recordedAttempts(JarProcess jar, String tenant) throws IOException, InterruptedException {
    return events(jar, tenant).stream()
        .mapToLong(e -> e.getJsonArray("delivery_statuses").getJsonObject(0).getLong("attempts"))
        .sum();
  }

  static HttpResponse<String> send(JarProcess jar, String method, String path, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(jar.url(path))).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return Contract.checked(method, path, HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
  }
}
