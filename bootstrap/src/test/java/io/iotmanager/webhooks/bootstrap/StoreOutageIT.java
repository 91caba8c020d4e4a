package io.iotmanager.webhooks.bootstrap;

import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.Api.assertErrorStatus;
import static io.iotmanager.webhooks.bootstrap.Api.bulk;
import static io.iotmanager.webhooks.bootstrap.Api.devices;
import static io.iotmanager.webhooks.bootstrap.Api.errorOf;
import static io.iotmanager.webhooks.bootstrap.Api.tenant;
import static io.iotmanager.webhooks.bootstrap.TestService.INTERNAL;
import static io.iotmanager.webhooks.bootstrap.TestService.MANAGEMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/wire-contract.md B1 when the store goes away under a running service: intake answers 503 with an error body
 * within a bound, never 202, health says 503, and once the store is back nothing of the refused calls
 * is there. The store is reached through a {@link TcpProxy} the test cuts: in front of the real MongoDB
 * of {@code IOT_MANAGER_MONGO_URL} when set, else in front of an in-process server of the same kind as
 * the embedded store (mongo-java-server on H2).
 */
class StoreOutageIT {
  /** The driver gives up selecting a server after 5 s; the answer must come well before a client gives up. */
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static final Pattern HOST_PORT = Pattern.compile("^mongodb://(?:[^@/]*@)?([^:/,?]+):(\\d+)");

  private static MongoServer embedded;
  private static String host;
  private static int port;

  @BeforeAll
  static void backend() {
    if (TestService.realMongo()) {
      Matcher m = HOST_PORT.matcher(System.getenv("IOT_MANAGER_MONGO_URL"));
      assertTrue(m.find(), "IOT_MANAGER_MONGO_URL names one host:port");
      host = m.group(1);
      port = Integer.parseInt(m.group(2));
    } else {
      embedded = new MongoServer(H2Backend.inMemory());
      embedded.bind("127.0.0.1", 0);
      InetSocketAddress address = embedded.getLocalAddress();
      host = "127.0.0.1";
      port = address.getPort();
    }
  }

  @AfterAll
  static void stopBackend() {
    if (embedded != null) {
      embedded.shutdownNow();
    }
  }

  @Test
  void aStoreThatIsDownGets503AndKeepsNothingOfTheRefusedCalls() throws Exception {
    try (TcpProxy proxy = TcpProxy.start(host, port); Receiver receiver = Receiver.start();
        TestService service = TestService.start(Map.of("mongo_url", viaProxy(proxy)))) {
      String tenant = tenant();
      Api.addIntegration(service, tenant, receiver.url("/hook"), null);
      assertEquals(202, service.call("POST", devices(tenant), null, "{\"id\":\"before\"}").statusCode());
      assertEquals(204, service.call("GET", INTERNAL + "/health", null, null).statusCode());

      proxy.cut();

      assertUnavailableWithinBound(service, tenant);

      proxy.restore();

      assertRecovers(service, tenant);
    }
  }

  @Test
  void aStoreThatHangsGets503AndKeepsNothingOfTheRefusedCalls() throws Exception {
    try (TcpProxy proxy = TcpProxy.start(host, port); Receiver receiver = Receiver.start();
        TestService service = TestService.start(Map.of("mongo_url", viaProxy(proxy)))) {
      String tenant = tenant();
      Api.addIntegration(service, tenant, receiver.url("/hook"), null);
      assertEquals(202, service.call("POST", devices(tenant), null, "{\"id\":\"before\"}").statusCode());

      proxy.blackHole();

      assertUnavailableWithinBound(service, tenant);

      proxy.restore();

      assertRecovers(service, tenant);
    }
  }

  /** Through the proxy only: a direct connection, so the driver does not go around it to the members. */
  private static String viaProxy(TcpProxy proxy) {
    return "mongodb://127.0.0.1:" + proxy.port() + "/?directConnection=true";
  }

  private static void assertUnavailableWithinBound(TestService service, String tenant) throws Exception {
    List<Call> calls = List.of(
        new Call("POST", devices(tenant), null, "{\"id\":\"during\"}"),
        new Call("PUT", bulk(tenant, "accepted"), null, "[{\"id\":\"bulk-1\"},{\"id\":\"bulk-2\"}]"),
        new Call("DELETE", devices(tenant) + "/gone", null, null),
        new Call("GET", INTERNAL + "/health", null, null),
        new Call("GET", MANAGEMENT + "/events", TestService.userToken(tenant), null),
        new Call("DELETE", INTERNAL + "/tenants/" + tenant, null, null));
    for (Call call : calls) {
      long start = System.nanoTime();
      HttpResponse<String> reply = service.call(call.method(), call.path(), call.token(), call.body());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertErrorStatus(reply, 503);
      assertTrue(errorOf(reply).startsWith("store unavailable"), call + " -> " + reply.body());
      assertTrue(took.compareTo(BOUND) < 0, call + " took " + took);
    }
  }

  private static void assertRecovers(TestService service, String tenant) throws Exception {
    Awaitility.await("health is 204 again").atMost(Duration.ofSeconds(60))
        .until(() -> service.call("GET", INTERNAL + "/health", null, null).statusCode() == 204);
    assertEquals(List.of("before"), deviceIds(Api.events(service, tenant, "")),
        "nothing of the refused calls was stored, and the tenant was not deleted");
    assertEquals(1, Api.integrations(service, tenant).size());
    assertEquals(202, service.call("POST", devices(tenant), null, "{\"id\":\"after\"}").statusCode());
    assertEquals(List.of("after", "before"), deviceIds(Api.events(service, tenant, "")));
  }

  private static List<String> deviceIds(JsonArray events) {
    return events.stream().map(e -> ((JsonObject) e).getJsonObject("data").getString("id")).toList();
  }

  private record Call(String method, String path, String token, String body) {}
}
