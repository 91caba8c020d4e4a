package io.iotmanager.webhooks.adapter.http.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.ApiCalls;
import io.iotmanager.webhooks.adapter.http.testing.Jwts;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer;
import io.iotmanager.webhooks.adapter.http.testing.RouteServer.Reply;
import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsCommand;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The integrations of the management API (docs/api-management.md, docs/openapi/management-v1.yaml) over
 * a real socket, in front of fake use cases: every route, every error of its table, identity from the
 * JWT, tenant scoping, the shared behaviour (request ids, 404/405). Every response is checked against the
 * OpenAPI document. Each test uses its own tenants, so the tests share one server.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class IntegrationRoutesTest {
  static final String INTEGRATIONS = ApiPaths.MANAGEMENT + "/integrations";
  static final Pattern LOCATION = Pattern.compile(
      Pattern.quote(INTEGRATIONS + "/") + "([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})");
  static final String JSON_UTF8 = "application/json; charset=utf-8";
  static final String USER_MISSING = "user identity missing from authorization token";
  static final String BAD_ID = "integration ID is not a valid UUID";
  static final String NOT_FOUND = "integration not found";
  static final String MALFORMED = "malformed request body: ";

  static RouteServer service;

  @BeforeAll
  static void start(Vertx vertx) {
    service = RouteServer.start(vertx);
  }

  // ------------------------------------------------------------------------------------------ helpers

  static String tenant() {
    return ApiCalls.tenant();
  }

  static String webhook(String url) {
    return "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"" + url + "\"}}}";
  }

  static String webhook(String url, String secret, String description) {
    return new JsonObject().put("provider", "webhook")
        .put("credentials", new JsonObject().put("type", "http")
            .put("http", new JsonObject().put("url", url).put("secret", secret)))
        .put("description", description).encode();
  }

  /** Creates an integration and returns its id, asserting 201, the empty body and the Location. */
  static String create(RouteServer on, String token, String body) throws Exception {
    Reply created = on.call("POST", INTEGRATIONS, token, body);
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("", created.body());
    String location = created.headers().firstValue("Location").orElseThrow();
    Matcher m = LOCATION.matcher(location);
    assertTrue(m.matches(), "Location " + location);
    return m.group(1);
  }

  static String create(String token, String body) throws Exception {
    return create(service, token, body);
  }

  static Reply call(String method, String path, String token, String body) throws Exception {
    return service.call(method, path, token, body);
  }

  /**
   * An error of docs/wire-contract.md A1: the status, {@code {"error": message, "request_id": id}} and nothing else,
   * JSON in UTF-8, the request id echoed in {@code X-Men-Requestid}.
   */
  static JsonObject assertError(Reply response, int status, String message) {
    return ApiCalls.assertError(response, status, message);
  }

  /** An error whose message starts with {@code prefix}. */
  static String assertErrorStartingWith(Reply response, int status, String prefix) {
    String message = assertError(response, status, null).getString("error");
    assertTrue(message.startsWith(prefix), "\"" + message + "\" should start with \"" + prefix + "\"");
    return message;
  }

  // ------------------------------------------------------------------------------------------ routes

  @Test
  void listIsAnEmptyArrayWhenTheTenantHasNone() throws Exception {
    Reply list = call("GET", INTEGRATIONS, Jwts.userToken(tenant()), null);
    assertEquals(200, list.statusCode(), list.body());
    assertEquals("[]", list.body());
    assertEquals(JSON_UTF8, list.headers().firstValue("Content-Type").orElse(null));
    assertTrue(list.headers().firstValue("X-Men-Requestid").isPresent());
    assertTrue(list.headers().firstValue("Link").isEmpty(), "no pagination headers");
  }

  @Test
  void createAnswers201WithAnEmptyBodyAndTheLocationOfTheNewIntegration() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/hook"));
    Reply got = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertEquals(200, got.statusCode(), got.body());
    assertEquals(id, new JsonObject(got.body()).getString("id"));
  }

  @Test
  void aClientSuppliedIdIsIgnored() throws Exception {
    String token = Jwts.userToken(tenant());
    String supplied = UUID.randomUUID().toString();
    String id = create(token, new JsonObject(webhook("https://example.com/hook")).put("id", supplied).encode());
    assertNotEquals(supplied, id);
    assertError(call("GET", INTEGRATIONS + "/" + supplied, token, null), 404, NOT_FOUND);
  }

  @Test
  void getReturnsTheExactShapeOfA3WithTheSecretOmitted() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/hook?x=1", "deadbeef", "my hook"));
    String expected = "{\"id\":\"" + id + "\",\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\","
        + "\"http\":{\"url\":\"https://example.com/hook?x=1\",\"secret\":\"<omitted>\"}},\"description\":\"my hook\"}";
    Reply got = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertEquals(200, got.statusCode(), got.body());
    assertEquals(JSON_UTF8, got.headers().firstValue("Content-Type").orElse(null));
    assertEquals(expected, got.body());
    Reply list = call("GET", INTEGRATIONS, token, null);
    assertEquals(200, list.statusCode(), list.body());
    assertEquals("[" + expected + "]", list.body());
  }

  @Test
  void anAbsentSecretAndAnEmptyDescriptionAreOmitted() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("http://example.com/plain"));
    Reply got = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertEquals("{\"id\":\"" + id + "\",\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\","
        + "\"http\":{\"url\":\"http://example.com/plain\"}}}", got.body());
  }

  @Test
  void getAnswers404ForAnUnknownIdAnd400ForAnIdThatIsNotAUuid() throws Exception {
    String token = Jwts.userToken(tenant());
    assertError(call("GET", INTEGRATIONS + "/" + UUID.randomUUID(), token, null), 404, NOT_FOUND);
    for (String bad : List.of("not-a-uuid", "1234", "00000000-0000-0000-0000-00000000000g",
        "00000000-0000-0000-0000-0000000000000")) {
      assertError(call("GET", INTEGRATIONS + "/" + bad, token, null), 400, BAD_ID);
      assertError(call("DELETE", INTEGRATIONS + "/" + bad, token, null), 400, BAD_ID);
      assertError(call("PUT", INTEGRATIONS + "/" + bad + "/credentials", token,
          "{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/\"}}"), 400, BAD_ID);
    }
  }

  @Test
  void putCredentialsAnswers204AndTheNextGetShowsThem() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/old", "00ff", "keep me"));
    Reply put = call("PUT", INTEGRATIONS + "/" + id + "/credentials", token,
        "{\"type\":\"http\",\"http\":{\"url\":\"https://example.org/new\"}}");
    assertEquals(204, put.statusCode(), put.body());
    assertEquals("", put.body());
    Reply got = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertEquals("{\"id\":\"" + id + "\",\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\","
        + "\"http\":{\"url\":\"https://example.org/new\"}},\"description\":\"keep me\"}", got.body());

    put = call("PUT", INTEGRATIONS + "/" + id + "/credentials", token,
        "{\"type\":\"http\",\"http\":{\"url\":\"https://example.org/newer\",\"secret\":\"ABCDEF\"}}");
    assertEquals(204, put.statusCode(), put.body());
    JsonObject http = new JsonObject(call("GET", INTEGRATIONS + "/" + id, token, null).body())
        .getJsonObject("credentials").getJsonObject("http");
    assertEquals(new JsonObject().put("url", "https://example.org/newer").put("secret", "<omitted>"), http);
  }

  @Test
  void putCredentialsOnAnUnknownIntegrationIs404() throws Exception {
    String token = Jwts.userToken(tenant());
    assertError(call("PUT", INTEGRATIONS + "/" + UUID.randomUUID() + "/credentials", token,
        "{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/\"}}"), 404, NOT_FOUND);
  }

  static Stream<Arguments> badCredentials() {
    return Stream.of(
        Arguments.of("{\"type\":\"http\"}", "credentials: http: cannot be blank"),
        Arguments.of("{\"http\":{\"url\":\"https://example.com/\"}}", "credentials: type: cannot be blank"),
        Arguments.of("{\"type\":\"smtp\"}", "credentials: type: must be one of http, sas, aws"),
        Arguments.of("{\"type\":\"http\",\"http\":{}}", "credentials: http: url: cannot be blank"),
        Arguments.of("{\"type\":\"http\",\"http\":{\"url\":\"ftp://example.com/\"}}",
            "credentials: http: url: scheme must be http or https"),
        Arguments.of("{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/\",\"secret\":\"xyz0\"}}",
            "credentials: http: secret: must be a hexadecimal string"),
        Arguments.of("{\"type\":\"sas\",\"connection_string\":\"HostName=h;SharedAccessKey=k\"}",
            "credentials: type: must be \"http\" for provider \"webhook\""));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badCredentials")
  void putCredentialsWithABadBodyIs400NamingTheField(String body, String message) throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/hook"));
    assertError(call("PUT", INTEGRATIONS + "/" + id + "/credentials", token, body), 400, message);
    Reply got = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertTrue(got.body().contains("https://example.com/hook"), "unchanged: " + got.body());
  }

  @Test
  void putCredentialsWithAMalformedBodyIs400() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/hook"));
    for (String body : List.of("{", "[]", "\"http\"", "{\"type\":1}", "{\"type\":\"http\",\"http\":[]}")) {
      assertErrorStartingWith(call("PUT", INTEGRATIONS + "/" + id + "/credentials", token, body), 400, MALFORMED);
    }
    assertErrorStartingWith(call("PUT", INTEGRATIONS + "/" + id + "/credentials", token, null), 400, MALFORMED);
  }

  @Test
  void deleteAnswers204ThenTheIntegrationIsGone() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/hook"));
    Reply deleted = call("DELETE", INTEGRATIONS + "/" + id, token, null);
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals("", deleted.body());
    assertError(call("GET", INTEGRATIONS + "/" + id, token, null), 404, NOT_FOUND);
    assertError(call("DELETE", INTEGRATIONS + "/" + id, token, null), 404, NOT_FOUND);
    assertError(call("PUT", INTEGRATIONS + "/" + id + "/credentials", token,
        "{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/\"}}"), 404, NOT_FOUND);
    assertEquals("[]", call("GET", INTEGRATIONS, token, null).body());
    // the limit counts what exists: a new one may be created after a deletion
    create(token, webhook("https://example.com/again"));
  }

  @Test
  void aSecondIntegrationIsAConflictUnderTheDefaultLimit() throws Exception {
    String token = Jwts.userToken(tenant());
    create(token, webhook("https://example.com/one"));
    assertError(call("POST", INTEGRATIONS, token, webhook("https://example.com/two")), 409,
        "integration already exists");
    assertEquals(1, new JsonArray(call("GET", INTEGRATIONS, token, null).body()).size());
    // another tenant has its own allowance
    create(Jwts.userToken(tenant()), webhook("https://example.com/one"));
  }

  @Test
  void maxIntegrationsPerTenantRaisesTheLimit() throws Exception {
    RouteServer two = service;
    two.useCases.maxPerTenant = 2;
    try {
      String token = Jwts.userToken(tenant());
      String first = create(two, token, webhook("https://example.com/one"));
      String second = create(two, token, webhook("https://example.com/two"));
      assertError(two.call("POST", INTEGRATIONS, token, webhook("https://example.com/three")), 409,
          "integration already exists");
      JsonArray list = new JsonArray(two.call("GET", INTEGRATIONS, token, null).body());
      // in the order the use case answers (the store's order, by provider then id, is tested in adapters-mongo)
      assertEquals(List.of(first, second), List.of(list.getJsonObject(0).getString("id"),
          list.getJsonObject(1).getString("id")));
    } finally {
      two.useCases.maxPerTenant = 1;
    }
  }

  // ------------------------------------------------------------------------------------------ validation

  static Stream<Arguments> invalidIntegrations() {
    String http = "\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/\"}}";
    return Stream.of(
        Arguments.of("missing provider", "{" + http + "}", "provider: cannot be blank"),
        Arguments.of("empty provider", "{\"provider\":\"\"," + http + "}", "provider: cannot be blank"),
        Arguments.of("unknown provider", "{\"provider\":\"slack\"," + http + "}",
            "provider: must be one of webhook, iot-hub, iot-core"),
        Arguments.of("missing credentials", "{\"provider\":\"webhook\"}", "credentials: cannot be blank"),
        Arguments.of("missing credentials type", "{\"provider\":\"webhook\",\"credentials\":{\"http\":"
            + "{\"url\":\"https://example.com/\"}}}", "credentials: type: cannot be blank"),
        Arguments.of("webhook with sas credentials", "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"sas\","
            + "\"connection_string\":\"HostName=h;SharedAccessKeyName=n;SharedAccessKey=k\"}}",
            "credentials: type: must be \"http\" for provider \"webhook\""),
        Arguments.of("webhook with aws credentials", "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"aws\"}}",
            "credentials: type: must be \"http\" for provider \"webhook\""),
        Arguments.of("iot-hub with http credentials", "{\"provider\":\"iot-hub\"," + http + "}",
            "credentials: type: must be \"sas\" for provider \"iot-hub\""),
        Arguments.of("missing http", "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\"}}",
            "credentials: http: cannot be blank"),
        Arguments.of("missing url", body("webhook", "{}"), "credentials: http: url: cannot be blank"),
        Arguments.of("blank url", body("webhook", "{\"url\":\"  \"}"), "credentials: http: url: cannot be blank"),
        Arguments.of("unparseable url", body("webhook", "{\"url\":\"http://exa mple.com/\"}"),
            "credentials: http: url: must be a valid URL"),
        Arguments.of("unparseable url 2", body("webhook", "{\"url\":\"http://[::1/\"}"),
            "credentials: http: url: must be a valid URL"),
        Arguments.of("relative url", body("webhook", "{\"url\":\"/hooks/1\"}"),
            "credentials: http: url: scheme must be http or https"),
        Arguments.of("ftp url", body("webhook", "{\"url\":\"ftp://example.com/file\"}"),
            "credentials: http: url: scheme must be http or https"),
        Arguments.of("javascript url", body("webhook", "{\"url\":\"javascript:alert(1)\"}"),
            "credentials: http: url: scheme must be http or https"),
        Arguments.of("url without host", body("webhook", "{\"url\":\"http:///path\"}"),
            "credentials: http: url: must have a host"),
        Arguments.of("non-hex secret", body("webhook", "{\"url\":\"https://example.com/\",\"secret\":\"s3cr3t!!\"}"),
            "credentials: http: secret: must be a hexadecimal string"),
        Arguments.of("odd-length secret", body("webhook", "{\"url\":\"https://example.com/\",\"secret\":\"abc\"}"),
            "credentials: http: secret: must be a hexadecimal string"),
        Arguments.of("description over 1024 bytes",
            "{\"provider\":\"webhook\"," + http + ",\"description\":\"" + "d".repeat(1025) + "\"}",
            "description: the length must be no more than 1024"),
        Arguments.of("description over 1024 bytes in 513 characters",
            "{\"provider\":\"webhook\"," + http + ",\"description\":\"" + "\u00e9".repeat(513) + "\"}",
            "description: the length must be no more than 1024"));
  }

  static String body(String provider, String httpObject) {
    return "{\"provider\":\"" + provider + "\",\"credentials\":{\"type\":\"http\",\"http\":" + httpObject + "}}";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidIntegrations")
  void anInvalidIntegrationIs400NamingTheField(String name, String body, String message) throws Exception {
    String token = Jwts.userToken(tenant());
    assertError(call("POST", INTEGRATIONS, token, body), 400, message);
    assertEquals("[]", call("GET", INTEGRATIONS, token, null).body(), "nothing stored");
  }

  @Test
  void aDescriptionOfExactly1024BytesIsAccepted() throws Exception {
    String token = Jwts.userToken(tenant());
    String description = "\u00e9".repeat(512); // 1024 bytes in UTF-8
    assertEquals(1024, description.getBytes(StandardCharsets.UTF_8).length);
    String id = create(token, webhook("https://example.com/", "00", description));
    assertEquals(description, new JsonObject(call("GET", INTEGRATIONS + "/" + id, token, null).body())
        .getString("description"));
    create(Jwts.userToken(tenant()), webhook("https://example.com/", "00", "x".repeat(1024)));
  }

  @Test
  void anEmptySecretIsAValidSecretAndUpperCaseHexIsAccepted() throws Exception {
    for (String secret : List.of("", "DEADbeef")) {
      String token = Jwts.userToken(tenant());
      String id = create(token, webhook("https://example.com/", secret, ""));
      JsonObject http = new JsonObject(call("GET", INTEGRATIONS + "/" + id, token, null).body())
          .getJsonObject("credentials").getJsonObject("http");
      assertEquals("<omitted>", http.getString("secret"), "a present secret is always <omitted>: \"" + secret + "\"");
    }
  }

  static Stream<Arguments> malformedBodies() {
    return Stream.of(
        Arguments.of("not JSON", "provider=webhook"),
        Arguments.of("truncated", "{\"provider\":\"webhook\""),
        Arguments.of("an array", "[]"),
        Arguments.of("a string", "\"webhook\""),
        Arguments.of("null", "null"),
        Arguments.of("empty", ""),
        Arguments.of("provider is a number", "{\"provider\":5}"),
        Arguments.of("provider is an object", "{\"provider\":{}}"),
        Arguments.of("credentials is a string", "{\"provider\":\"webhook\",\"credentials\":\"http\"}"),
        Arguments.of("url is a number", body("webhook", "{\"url\":1}")),
        Arguments.of("secret is a number", body("webhook", "{\"url\":\"https://example.com/\",\"secret\":12}")),
        Arguments.of("secret is a boolean", body("webhook", "{\"url\":\"https://example.com/\",\"secret\":true}")),
        Arguments.of("description is a boolean",
            "{\"provider\":\"webhook\",\"description\":true,\"credentials\":{\"type\":\"http\",\"http\":"
                + "{\"url\":\"https://example.com/\"}}}"),
        Arguments.of("http is an array", "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":[]}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedBodies")
  void aBodyThatIsNotJsonOrHasWrongTypesIs400Malformed(String name, String body) throws Exception {
    String token = Jwts.userToken(tenant());
    String message = assertErrorStartingWith(call("POST", INTEGRATIONS, token, body), 400, MALFORMED);
    assertFalse(message.contains("Source") || message.contains("line:") || message.contains("\n"),
        "no parser internals: " + message);
    assertEquals("[]", call("GET", INTEGRATIONS, token, null).body(), "nothing stored");
  }

  @Test
  void unknownFieldsAreIgnored() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, "{\"provider\":\"webhook\",\"extra\":{\"a\":[1,2]},\"enabled\":true,"
        + "\"credentials\":{\"type\":\"http\",\"unknown\":\"u\",\"nested\":{\"n\":1},"
        + "\"http\":{\"url\":\"https://example.com/u\",\"headers\":{\"x\":\"y\"}}},\"description\":\"d\","
        + "\"created_ts\":\"2024-01-01T00:00:00Z\"}");
    assertEquals("{\"id\":\"" + id + "\",\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\","
        + "\"http\":{\"url\":\"https://example.com/u\"}},\"description\":\"d\"}",
        call("GET", INTEGRATIONS + "/" + id, token, null).body());
  }

  // ------------------------------------------------------------------------------------------ other providers

  @Test
  void anIotHubIntegrationIsStoredAndReadWithItsKeyOmitted() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, "{\"provider\":\"iot-hub\",\"credentials\":{\"type\":\"sas\",\"connection_string\":"
        + "\"HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=c2VjcmV0\"},"
        + "\"description\":\"azure\"}");
    Reply got = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertEquals(200, got.statusCode(), got.body());
    JsonObject integration = new JsonObject(got.body());
    assertEquals(id, integration.getString("id"));
    assertEquals("iot-hub", integration.getString("provider"));
    assertEquals("azure", integration.getString("description"));
    assertEquals("sas", integration.getJsonObject("credentials").getString("type"));
    assertEquals("<omitted>", integration.getJsonObject("credentials").getString("connection_string"), got.body());
    assertFalse(got.body().contains("c2VjcmV0"), "the shared access key is a secret: " + got.body());
    assertEquals(1, new JsonArray(call("GET", INTEGRATIONS, token, null).body()).size());
    assertEquals(204, call("DELETE", INTEGRATIONS + "/" + id, token, null).statusCode());
  }

  @Test
  void anIotCoreIntegrationIsStoredAndReadWithItsSecretKeyOmitted() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, "{\"provider\":\"iot-core\",\"credentials\":{\"type\":\"aws\",\"aws\":{"
        + "\"access_key_id\":\"AKIAEXAMPLE\",\"secret_access_key\":\"d2hhdGV2ZXI\",\"region\":\"eu-west-1\","
        + "\"device_policy_document\":\"{}\"}}}");
    Reply got = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertEquals(200, got.statusCode(), got.body());
    JsonObject credentials = new JsonObject(got.body()).getJsonObject("credentials");
    assertEquals("aws", credentials.getString("type"));
    assertEquals("eu-west-1", credentials.getJsonObject("aws").getString("region"));
    assertEquals("AKIAEXAMPLE", credentials.getJsonObject("aws").getString("access_key_id"));
    assertEquals("<omitted>", credentials.getJsonObject("aws").getString("secret_access_key"));
    assertFalse(got.body().contains("d2hhdGV2ZXI"), "the secret access key is a secret: " + got.body());

    Reply put = call("PUT", INTEGRATIONS + "/" + id + "/credentials", token,
        "{\"type\":\"aws\",\"aws\":{\"access_key_id\":\"AKIANEW\",\"secret_access_key\":\"bmV3\","
            + "\"region\":\"us-east-1\"}}");
    assertEquals(204, put.statusCode(), put.body());
    JsonObject aws = new JsonObject(call("GET", INTEGRATIONS + "/" + id, token, null).body())
        .getJsonObject("credentials").getJsonObject("aws");
    assertEquals(new JsonObject().put("access_key_id", "AKIANEW").put("region", "us-east-1")
        .put("secret_access_key", "<omitted>"), aws);
    assertError(call("PUT", INTEGRATIONS + "/" + id + "/credentials", token,
        "{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/\"}}"), 400,
        "credentials: type: must be \"aws\" for provider \"iot-core\"");
  }

  // ------------------------------------------------------------------------------------------ tenants

  @Test
  void twoTenantsCannotSeeOrTouchEachOthersIntegrations() throws Exception {
    String alice = Jwts.userToken(tenant());
    String bob = Jwts.userToken(tenant());
    String aliceId = create(alice, webhook("https://alice.example.com/", "aa", "alice"));
    String bobId = create(bob, webhook("https://bob.example.com/", "bb", "bob"));
    String aliceView = call("GET", INTEGRATIONS + "/" + aliceId, alice, null).body();

    JsonArray bobsList = new JsonArray(call("GET", INTEGRATIONS, bob, null).body());
    assertEquals(1, bobsList.size());
    assertEquals(bobId, bobsList.getJsonObject(0).getString("id"));

    assertError(call("GET", INTEGRATIONS + "/" + aliceId, bob, null), 404, NOT_FOUND);
    assertError(call("PUT", INTEGRATIONS + "/" + aliceId + "/credentials", bob,
        "{\"type\":\"http\",\"http\":{\"url\":\"https://evil.example.com/\"}}"), 404, NOT_FOUND);
    assertError(call("DELETE", INTEGRATIONS + "/" + aliceId, bob, null), 404, NOT_FOUND);
    assertError(call("GET", INTEGRATIONS + "/" + bobId, alice, null), 404, NOT_FOUND);

    assertEquals(aliceView, call("GET", INTEGRATIONS + "/" + aliceId, alice, null).body(), "untouched");
    assertEquals("[" + aliceView + "]", call("GET", INTEGRATIONS, alice, null).body());
  }

  @Test
  void aTokenWithoutTenantIsTheOpenSourceTenantSeparateFromTheOthers() throws Exception {
    String openSource = Jwts.token("{\"sub\":\"" + UUID.randomUUID() + "\",\"mender.user\":true}");
    String emptyTenant = Jwts.userToken("");
    Reply list = call("GET", INTEGRATIONS, openSource, null);
    assertEquals(200, list.statusCode(), list.body());
    String before = list.body();
    assertEquals(before, call("GET", INTEGRATIONS, emptyTenant, null).body(), "absent tenant means \"\"");
    String other = Jwts.userToken(tenant());
    create(other, webhook("https://example.com/other"));
    assertEquals(before, call("GET", INTEGRATIONS, openSource, null).body());
  }

  // ------------------------------------------------------------------------------------------ identity

  @Test
  void theJwtCookieIsUsedWhenThereIsNoAuthorizationHeader() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/cookie"));
    Reply got = service.callWithHeaders("GET", INTEGRATIONS + "/" + id, Map.of("Cookie", "JWT=" + token), null);
    assertEquals(200, got.statusCode(), got.body());
    Reply list = service.callWithHeaders("GET", INTEGRATIONS,
        Map.of("Cookie", "other=1; JWT=" + token + "; more=2"), null);
    assertEquals(200, list.statusCode(), list.body());
    assertEquals(1, new JsonArray(list.body()).size());
    Reply created = service.callWithHeaders("POST", INTEGRATIONS,
        Map.of("Cookie", "JWT=" + Jwts.userToken(tenant())), webhook("https://example.com/c"));
    assertEquals(201, created.statusCode(), created.body());
    // the header wins over the cookie
    Reply headerWins = service.callWithHeaders("GET", INTEGRATIONS,
        Map.of("Authorization", "Bearer " + Jwts.userToken(tenant()), "Cookie", "JWT=" + token), null);
    assertEquals("[]", headerWins.body());
  }

  @Test
  void aDeviceTokenIs403() throws Exception {
    String device = Jwts.token("{\"sub\":\"" + UUID.randomUUID() + "\",\"mender.device\":true,"
        + "\"mender.tenant\":\"t1\"}");
    String notUser = Jwts.token("{\"sub\":\"u\",\"mender.user\":false,\"mender.tenant\":\"t1\"}");
    String userAsString = Jwts.token("{\"sub\":\"u\",\"mender.user\":\"true\",\"mender.tenant\":\"t1\"}");
    for (String token : List.of(device, notUser, userAsString)) {
      assertError(call("GET", INTEGRATIONS, token, null), 403, USER_MISSING);
      assertError(call("POST", INTEGRATIONS, token, webhook("https://example.com/")), 403, USER_MISSING);
      assertError(call("GET", INTEGRATIONS + "/" + UUID.randomUUID(), token, null), 403, USER_MISSING);
      assertError(call("PUT", INTEGRATIONS + "/" + UUID.randomUUID() + "/credentials", token,
          "{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/\"}}"), 403, USER_MISSING);
      assertError(call("DELETE", INTEGRATIONS + "/" + UUID.randomUUID(), token, null), 403, USER_MISSING);
    }
  }

  @Test
  void aGarbageOrMissingTokenIs401WithWwwAuthenticate() throws Exception {
    List<Map<String, String>> unauthorized = List.of(
        Map.of(),
        Map.of("Authorization", "Bearer garbage"),
        Map.of("Authorization", "Bearer a.b.c"),
        Map.of("Authorization", "Bearer "),
        Map.of("Authorization", "Basic dXNlcjpwYXNz"),
        Map.of("Authorization", "Bearer " + Jwts.token("not json")),
        Map.of("Authorization", "Bearer " + Jwts.token("[1,2]")),
        Map.of("Authorization", "Bearer " + Jwts.token("{\"mender.user\":true,\"mender.tenant\":\"t\"}")),
        Map.of("Authorization", "Bearer " + Jwts.token("{\"sub\":7,\"mender.user\":true}")),
        Map.of("Authorization", "Bearer " + Jwts.token("{\"sub\":\"u\",\"mender.user\":true,"
            + "\"mender.tenant\":42}")),
        Map.of("Authorization", "Bearer " + Jwts.token("{\"sub\":\"u\",\"mender.user\":true,"
            + "\"mender.tenant\":[\"a\"]}")),
        Map.of("Cookie", "JWT=garbage"),
        Map.of("Cookie", "JWT="),
        Map.of("Cookie", "jwt=" + Jwts.userToken("t")));
    for (Map<String, String> headers : unauthorized) {
      Reply response = service.callWithHeaders("GET", INTEGRATIONS, headers, null);
      assertEquals(401, response.statusCode(), headers + ": " + response.body());
      assertError(response, 401, null);
    }
    assertError(service.callWithHeaders("POST", INTEGRATIONS, Map.of(), webhook("https://example.com/")), 401, null);
    assertError(service.callWithHeaders("DELETE", INTEGRATIONS + "/" + UUID.randomUUID(), Map.of(), null), 401, null);
    assertError(service.callWithHeaders("PUT", INTEGRATIONS + "/" + UUID.randomUUID() + "/credentials", Map.of(),
        "{}"), 401, null);
  }

  @Test
  void inDecodeOnlyModeNoOtherClaimIsInterpreted() throws Exception {
    String tenant = tenant();
    String dateExp = Jwts.token("{\"sub\":\"u1\",\"exp\":\"2024-01-01T00:00:00Z\",\"mender.user\":true,"
        + "\"mender.tenant\":\"" + tenant + "\",\"mender.plan\":\"enterprise\"}");
    String pastExp = Jwts.token("{\"sub\":\"u1\",\"exp\":1,\"nbf\":\"soon\",\"mender.user\":true,"
        + "\"mender.tenant\":\"" + tenant + "\"}");
    Reply created = call("POST", INTEGRATIONS, dateExp, webhook("https://example.com/exp"));
    assertEquals(201, created.statusCode(), created.body());
    Reply list = call("GET", INTEGRATIONS, pastExp, null);
    assertEquals(200, list.statusCode(), list.body());
    assertEquals(1, new JsonArray(list.body()).size(), "the same tenant");
  }

  // ------------------------------------------------------------------------------------------ A1

  @Test
  void aGivenRequestIdIsEchoedInTheHeaderAndTheErrorBody() throws Exception {
    String requestId = "req-" + UUID.randomUUID();
    Map<String, String> headers = new HashMap<>();
    headers.put("X-MEN-RequestID", requestId);
    Reply unauthorized = service.callWithHeaders("GET", INTEGRATIONS, headers, null);
    assertEquals(requestId, assertError(unauthorized, 401, null).getString("request_id"));

    headers.put("Authorization", "Bearer " + Jwts.userToken(tenant()));
    Reply ok = service.callWithHeaders("GET", INTEGRATIONS, headers, null);
    assertEquals(200, ok.statusCode());
    assertEquals(requestId, ok.headers().firstValue("X-Men-Requestid").orElse(null));
    Reply created = service.callWithHeaders("POST", INTEGRATIONS, headers, webhook("https://example.com/"));
    assertEquals(requestId, created.headers().firstValue("X-Men-Requestid").orElse(null));
    Reply conflict = service.callWithHeaders("POST", INTEGRATIONS, headers, webhook("https://example.com/"));
    assertEquals(requestId, assertError(conflict, 409, "integration already exists").getString("request_id"));
    Reply notFound = service.callWithHeaders("GET", INTEGRATIONS + "/" + UUID.randomUUID(), headers, null);
    assertEquals(requestId, assertError(notFound, 404, NOT_FOUND).getString("request_id"));
    Reply invalid = service.callWithHeaders("POST", INTEGRATIONS, headers, "{}");
    assertEquals(requestId, assertError(invalid, 400, "provider: cannot be blank").getString("request_id"));
  }

  @Test
  void withoutARequestIdAFreshUuidIsGenerated() throws Exception {
    Reply first = call("GET", INTEGRATIONS + "/x", Jwts.userToken(tenant()), null);
    Reply second = call("GET", INTEGRATIONS + "/x", Jwts.userToken(tenant()), null);
    String one = assertError(first, 400, BAD_ID).getString("request_id");
    String two = assertError(second, 400, BAD_ID).getString("request_id");
    assertEquals(4, UUID.fromString(one).version());
    assertNotEquals(one, two);
  }

  @Test
  void unknownRoutesAndMethodsAreJsonErrors() throws Exception {
    String token = Jwts.userToken(tenant());
    assertError(call("GET", ApiPaths.MANAGEMENT + "/nothing-here", token, null), 404, "not found");
    assertError(call("PATCH", INTEGRATIONS, token, "{}"), 405, "method not allowed");
    assertError(call("POST", INTEGRATIONS + "/" + UUID.randomUUID(), token, "{}"), 405, "method not allowed");
  }

  // ------------------------------------------------------------------------------------------ scopes, rotation

  static final String BAD_SCOPES = "scopes: must be a list of deviceauth, inventory";
  static final String BAD_OVERLAP = "previous_secret_valid_for: must be a whole number of seconds from 0 to 2592000";

  static String withScopes(String scopesJson) {
    return "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/s\"}},"
        + "\"scopes\":" + scopesJson + "}";
  }

  /** Scopes are stored and returned as given: a list (each value once), an empty list, or nothing (absent, null). */
  @ParameterizedTest
  @MethodSource("acceptedScopes")
  void scopesAreReturnedAsGiven(String sent, String returned) throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, withScopes(sent));

    Reply one = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertEquals(200, one.statusCode(), one.body());
    JsonObject integration = new JsonObject(one.body());
    assertEquals(returned, integration.containsKey("scopes") ? integration.getJsonArray("scopes").encode() : null);
    Reply list = call("GET", INTEGRATIONS, token, null);
    assertEquals(returned, new JsonArray(list.body()).getJsonObject(0).containsKey("scopes")
        ? new JsonArray(list.body()).getJsonObject(0).getJsonArray("scopes").encode() : null);
  }

  static Stream<Arguments> acceptedScopes() {
    return Stream.of(
        Arguments.of("[\"deviceauth\"]", "[\"deviceauth\"]"),
        Arguments.of("[\"inventory\",\"deviceauth\"]", "[\"inventory\",\"deviceauth\"]"),
        Arguments.of("[\"inventory\",\"inventory\"]", "[\"inventory\"]"),
        Arguments.of("[]", "[]"),
        Arguments.of("null", null));
  }

  @Test
  void anIntegrationWithoutScopesHasNoScopesField() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/none"));
    Reply one = call("GET", INTEGRATIONS + "/" + id, token, null);
    assertFalse(new JsonObject(one.body()).containsKey("scopes"), one.body());
  }

  @ParameterizedTest
  @MethodSource("refusedScopes")
  void scopesOtherThanDeviceauthAndInventoryAreABadRequest(String sent) throws Exception {
    String token = Jwts.userToken(tenant());
    assertError(call("POST", INTEGRATIONS, token, withScopes(sent)), 400, BAD_SCOPES);
    assertEquals("[]", call("GET", INTEGRATIONS, token, null).body(), "nothing was created");
  }

  static Stream<String> refusedScopes() {
    return Stream.of("[\"devices\"]", "[\"deviceauth\",\"Inventory\"]", "\"deviceauth\"", "[1]", "[null]",
        "{\"deviceauth\":true}", "[[\"deviceauth\"]]", "true");
  }

  static String credentialsWithOverlap(String overlapJson) {
    return "{\"type\":\"http\",\"http\":{\"url\":\"https://example.com/r\",\"secret\":\"c0ffee\"}"
        + (overlapJson == null ? "" : ",\"previous_secret_valid_for\":" + overlapJson) + "}";
  }

  @Test
  void previousSecretValidForIsHandedToTheCommandInSeconds() throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/r", "deadbeef", "d"));
    Map<String, Optional<Duration>> cases = Map.of(
        "3600", Optional.of(Duration.ofHours(1)),
        "0", Optional.of(Duration.ZERO),
        "2592000", Optional.of(Duration.ofDays(30)),
        "null", Optional.empty());
    for (Map.Entry<String, Optional<Duration>> c : cases.entrySet()) {
      Reply put = call("PUT", INTEGRATIONS + "/" + id + "/credentials", token, credentialsWithOverlap(c.getKey()));
      assertEquals(204, put.statusCode(), put.body());
      assertEquals(c.getValue(), service.useCases.last(SetIntegrationCredentialsCommand.class).previousSecretValidFor(),
          c.getKey());
    }
    Reply put = call("PUT", INTEGRATIONS + "/" + id + "/credentials", token, credentialsWithOverlap(null));
    assertEquals(204, put.statusCode(), put.body());
    assertEquals(Optional.empty(), service.useCases.last(SetIntegrationCredentialsCommand.class).previousSecretValidFor(),
        "absent: the default");
  }

  @ParameterizedTest
  @MethodSource("refusedOverlaps")
  void aPreviousSecretValidForThatIsNotZeroToThirtyDaysInSecondsIsABadRequest(String sent) throws Exception {
    String token = Jwts.userToken(tenant());
    String id = create(token, webhook("https://example.com/r", "deadbeef", "d"));
    int before = service.useCases.all(SetIntegrationCredentialsCommand.class).size();
    assertError(call("PUT", INTEGRATIONS + "/" + id + "/credentials", token, credentialsWithOverlap(sent)), 400,
        BAD_OVERLAP);
    assertEquals(before, service.useCases.all(SetIntegrationCredentialsCommand.class).size(), "nothing was changed");
  }

  static Stream<String> refusedOverlaps() {
    return Stream.of("-1", "2592001", "1.5", "\"3600\"", "\"24h\"", "true", "[60]", "{}", "99999999999999999999");
  }
}
