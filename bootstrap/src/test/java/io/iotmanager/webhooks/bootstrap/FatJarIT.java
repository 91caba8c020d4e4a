package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The foundation's promises, checked on the fat jar run as a process with no database installed. */
class FatJarIT {
  private static final String JWT = "Bearer " + jwt("{\"alg\":\"none\"}") + "." + jwt(
      "{\"sub\":\"u1\",\"mender.user\":true,\"mender.tenant\":\"t1\"}") + ".sig";
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private static String jwt(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
  }

  @Test
  void runsOnTheEmbeddedStoreKeepsDataAcrossRestartsAndStopsCleanlyOnSigterm() throws Exception {
    Map<String, String> env = Map.of("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString(),
        "IOT_MANAGER_DOMAIN_SKIPVERIFY", "true");
    String location;
    try (JarProcess jar = JarProcess.start(env, List.of(), dir).awaitAlive(Duration.ofSeconds(30))) {
      assertEquals(204, jar.status("GET", "/api/internal/v1/iot-manager/health"));
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(
              jar.url("/api/management/v1/iot-manager/integrations")))
          .header("Authorization", JWT)
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"http://127.0.0.1:9/x\"}}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, created.statusCode(), created.body());
      location = created.headers().firstValue("Location").orElseThrow();
      assertEquals(0, jar.terminate(Duration.ofSeconds(30)), "SIGTERM must exit 0");
      String out = jar.output();
      assertTrue(out.contains("store: embedded"), out);
      assertTrue(out.contains("listening on"), out);
      // test jars run with webhooks_warm_up 0s (JarProcess): no warm-up at all (ColdStartIT runs one)
      assertFalse(out.contains("warmed up in"), out);
    }
    assertTrue(Files.list(dir.resolve("data")).findAny().isPresent(), "the embedded store writes under data_dir");
    try (JarProcess jar = JarProcess.start(env, List.of(), dir).awaitAlive(Duration.ofSeconds(30))) {
      HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(jar.url(location)))
          .header("Authorization", JWT).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, got.statusCode(), got.body());
      assertTrue(got.body().contains("http://127.0.0.1:9/x"), got.body());
      assertEquals(0, jar.terminate(Duration.ofSeconds(30)));
    }
  }

  /** (An invalid {@code listen} is ExitCodesIT's: exit 2, one ERROR line naming it, no stack trace.) */
  @Test
  void invalidConfigurationExitsTwoNamingTheKey() throws Exception {
    assertInvalid(Map.of("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", "5s,soon"), "webhooks_retry_schedule");
    assertInvalid(Map.of("IOT_MANAGER_AES_ENCRYPTION_KEY", "not-a-key"), "aes_encryption_key");
  }

  @Test
  void invalidConfigFileExitsTwo() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "webhooks_timeout_seconds: soon\n");
    JarProcess jar = JarProcess.launch(Map.of("IOT_MANAGER_DATA_DIR", dir.resolve("d").toString()),
        List.of("--config", config.toString()), dir, JarProcess.freePort());
    assertEquals(2, jar.waitForExit(Duration.ofSeconds(30)));
    assertTrue(jar.output().contains("webhooks_timeout_seconds"), jar.output());
  }

  private void assertInvalid(Map<String, String> env, String key) throws Exception {
    JarProcess jar = JarProcess.launch(env, List.of(), dir, 0);
    assertEquals(2, jar.waitForExit(Duration.ofSeconds(30)), jar.output());
    assertTrue(jar.output().contains(key), jar.output());
  }
}
