package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static io.iotmanager.webhooks.bootstrap.Api.INTEGRATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation end to end on the fat jar and the embedded store (docs/wire-contract.md A7, issue 3): secrets written
 * under K1, {@code re-encrypt --to-key K2} reports what it rewrote, the service under K2 alone reads
 * and signs with them, under K1 (with another fallback key) it cannot decrypt them. No output ever shows a secret or a key.
 */
class ReEncryptIT {
  static final Duration START = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> outputs = new ArrayList<>();

  @TempDir
  Path dir;

  Map<String, String> env(String key) {
    Map<String, String> env = new HashMap<>();
    env.put("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString());
    env.put("IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    env.put("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", "");
    if (key != null) {
      env.put("IOT_MANAGER_AES_ENCRYPTION_KEY", key);
    }
    return env;
  }

  HttpResponse<String> send(JarProcess jar, String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(jar.url(path))).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** Runs {@code re-encrypt} with these arguments to its end; returns its output, asserting exit 0. */
  String reEncrypt(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("re-encrypt"));
    command.addAll(List.of(args));
    JarProcess run = JarProcess.launch(env, command, dir, JarProcess.freePort());
    int exit = run.waitForExit(Duration.ofSeconds(120));
    String output = run.output();
    outputs.add(output);
    assertEquals(0, exit, output);
    return output;
  }

  String stop(JarProcess jar) throws Exception {
    assertEquals(0, jar.terminate(Duration.ofSeconds(30)), "SIGTERM exits 0");
    String output = jar.output();
    outputs.add(output);
    return output;
  }

  @Test
  void reEncryptRewritesEverySecretUnderTheNewKey() throws Exception {
    String k1 = SecretsAtRestIT.newAesKey();
    String k2 = SecretsAtRestIT.newAesKey();
    String secretHex = SecretsAtRestIT.newSecretHex();
    String tenant = "t-" + UUID.randomUUID();
    String token = TestService.userToken(tenant);
    String location;

    try (Receiver receiver = Receiver.start()) {
      try (JarProcess jar = JarProcess.start(env(k1), List.of(), dir).awaitAlive(START)) {
        HttpResponse<String> created = send(jar, "POST", INTEGRATIONS, token,
            Api.webhook(receiver.url("/hook"), secretHex, "rotated"));
        assertEquals(201, created.statusCode(), created.body());
        location = created.headers().firstValue("Location").orElseThrow();
        // a second tenant without a secret: nothing to rewrite there
        HttpResponse<String> plain = send(jar, "POST", INTEGRATIONS, TestService.userToken("t-" + UUID.randomUUID()),
            Api.webhook("https://example.com/no-secret"));
        assertEquals(201, plain.statusCode(), plain.body());
        stop(jar);
      }

      String first = reEncrypt(env(k1), "--to-key", k2);
      assertTrue(first.contains("re-encrypt: 1 secret(s) rewritten under the new key"), first);
      String again = reEncrypt(env(k1), "--to-key", k2);
      assertTrue(again.contains("re-encrypt: 0 secret(s) rewritten"), "a second run changes nothing:\n" + again);

      try (JarProcess jar = JarProcess.start(env(k2), List.of(), dir).awaitAlive(START)) {
        HttpResponse<String> got = send(jar, "GET", location, token, null);
        assertEquals(200, got.statusCode(), got.body());
        assertTrue(got.body().contains("\"secret\":\"<omitted>\""), got.body());
        HttpResponse<String> intake = send(jar, "POST",
            TestService.INTERNAL + "/tenants/" + tenant + "/devices", null, "{\"id\":\"dev-1\"}");
        assertEquals(202, intake.statusCode(), intake.body());
        Receiver.Received webhook = SecretsAtRestIT.awaitRequest(receiver, 1);
        assertEquals(SecretsAtRestIT.hmacHex(secretHex, webhook.body()), webhook.headers().get("x-men-signature"),
            "signed with the secret decrypted under K2");
        stop(jar);
      }

      // as the Go service: with a fallback key, bytes that neither key decrypts are an error (without one,
      // they would be taken as a plain secret, which is how unencrypted data stays readable)
      Map<String, String> k1AndAnother = env(k1);
      k1AndAnother.put("IOT_MANAGER_AES_ENCRYPTION_FALLBACK_KEY", SecretsAtRestIT.newAesKey());
      try (JarProcess jar = JarProcess.start(k1AndAnother, List.of(), dir).awaitAlive(START)) {
        HttpResponse<String> got = send(jar, "GET", location, token, null);
        assertNotEquals(200, got.statusCode(), "K1 cannot read a secret now under K2: " + got.body());
        assertTrue(got.statusCode() >= 500, got.statusCode() + " " + got.body());
        assertTrue(got.body().contains("cannot be decrypted"), got.body());
        String output = stop(jar);
        assertTrue(output.contains("cannot be decrypted"), output);
      }

      // back to K1 with the fallback: re-encrypt reads with --from-key and writes under the configured key
      String back = reEncrypt(env(k1), "--from-key", k2);
      assertTrue(back.contains("re-encrypt: 1 secret(s) rewritten under the new key"), back);
      Map<String, String> k1WithFallback = env(k1);
      k1WithFallback.put("IOT_MANAGER_AES_ENCRYPTION_FALLBACK_KEY", k2);
      try (JarProcess jar = JarProcess.start(k1WithFallback, List.of(), dir).awaitAlive(START)) {
        assertEquals(200, send(jar, "GET", location, token, null).statusCode());
        stop(jar);
      }
    }

    for (String output : outputs) {
      assertFalse(output.toLowerCase(Locale.ROOT).contains(secretHex), "a secret in the output:\n" + output);
      assertFalse(output.contains(k1) || output.contains(k2), "a key in the output:\n" + output);
    }
  }

  @Test
  void aKeyThatCannotDecryptFailsWithoutChangingAnything() throws Exception {
    String k1 = SecretsAtRestIT.newAesKey();
    String token = TestService.userToken("t-" + UUID.randomUUID());
    String location;
    try (JarProcess jar = JarProcess.start(env(k1), List.of(), dir).awaitAlive(START)) {
      HttpResponse<String> created = send(jar, "POST", INTEGRATIONS, token,
          Api.webhook("https://example.com/x", "c0ffee", ""));
      assertEquals(201, created.statusCode(), created.body());
      location = created.headers().firstValue("Location").orElseThrow();
      stop(jar);
    }
    JarProcess wrong = JarProcess.launch(env(k1), List.of("re-encrypt", "--from-key", SecretsAtRestIT.newAesKey(),
        "--to-key", SecretsAtRestIT.newAesKey()), dir, JarProcess.freePort());
    assertEquals(1, wrong.waitForExit(Duration.ofSeconds(120)), wrong.output());
    assertTrue(wrong.output().contains("cannot be decrypted with the given key"), wrong.output());
    JarProcess malformed = JarProcess.launch(env(k1), List.of("re-encrypt", "--to-key", "not-a-key"), dir,
        JarProcess.freePort());
    assertNotEquals(0, malformed.waitForExit(Duration.ofSeconds(120)), malformed.output());
    try (JarProcess jar = JarProcess.start(env(k1), List.of(), dir).awaitAlive(START)) {
      assertEquals(200, send(jar, "GET", location, token, null).statusCode(), "still readable under K1");
      stop(jar);
    }
  }
}
