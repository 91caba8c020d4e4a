package io.iotmanager.webhooks.adapter.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MongoStoreTest {
  @Test
  void aRealServerGetsFastFailureTimeoutsAndDurableWrites() {
    JsonObject config = MongoStore.clientConfig("mongodb://db:27017/?replicaSet=rs0", "iot", true);
    assertEquals("mongodb://db:27017/?replicaSet=rs0", config.getString("connection_string"));
    assertEquals("iot", config.getString("db_name"));
    assertEquals(5000L, config.getLong("serverSelectionTimeoutMS"));
    assertEquals(5000, config.getInteger("connectTimeoutMS"));
    assertEquals("majority", config.getString("w"));
    assertTrue(config.getBoolean("j"));
  }

  @Test
  void optionsInTheUrlWin() {
    JsonObject config = MongoStore.clientConfig(
        "mongodb://db/?serverSelectionTimeoutMS=100&ConnectTimeoutMS=50&w=1", "iot", true);
    assertFalse(config.containsKey("serverSelectionTimeoutMS"));
    assertFalse(config.containsKey("connectTimeoutMS"));
    assertFalse(config.containsKey("w"));
    assertFalse(config.containsKey("j"));
    assertFalse(MongoStore.clientConfig("mongodb://db/?journal=true", "iot", true).containsKey("w"));
  }

  @Test
  void theEmbeddedServerGetsNoWriteConcern() {
    JsonObject config = MongoStore.clientConfig("mongodb://127.0.0.1:1234", "iot", false);
    assertNull(config.getValue("w"));
    assertEquals(5000L, config.getLong("serverSelectionTimeoutMS"));
  }

  @Test
  void logsNeverShowUrlCredentialsOrKeys() {
    assertEquals("mongodb://<credentials>@db:27017/x?authSource=admin",
        MongoStore.redact("mongodb://user:secret@db:27017/x?authSource=admin"));
    assertEquals("mongodb+srv://<credentials>@cluster.example/",
        MongoStore.redact("mongodb+srv://u%40x:p%3A@cluster.example/"));
    assertEquals("mongodb://db:27017", MongoStore.redact("mongodb://db:27017"));
    String settings = new MongoStoreSettings("mongodb://u:pw@db", "iot", Path.of("d"), 1, Optional.of("KEY"),
        Optional.of("OLDKEY"), Duration.ofSeconds(1)).toString();
    assertFalse(settings.contains("pw"), settings);
    assertFalse(settings.contains("KEY"), settings);
  }

  @Test
  void settingsNormaliseBlanksAndRejectNonsense() {
    MongoStoreSettings settings = new MongoStoreSettings(null, "iot", Path.of("d"), 10, Optional.of("  "), null, null);
    assertTrue(settings.embeddedServer());
    assertEquals(Optional.empty(), settings.aesKey());
    assertEquals(Optional.empty(), settings.aesFallbackKey());
    assertEquals(MongoStoreSettings.DEFAULT_HEALTH_TIMEOUT, settings.healthTimeout());
    assertThrows(IllegalArgumentException.class,
        () -> new MongoStoreSettings("", " ", Path.of("d"), 10, Optional.empty(), Optional.empty(), null));
    assertThrows(IllegalArgumentException.class,
        () -> new MongoStoreSettings("", "iot", Path.of("d"), 0, Optional.empty(), Optional.empty(), null));
  }
}
