package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexModel;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A database as Mender's Go iot-manager leaves it (docs/wire-contract.md A9), written document by document with the
 * driver, in the BSON types the Go service uses: BinData subtype 4 ids, {@code {algorithm, data: BinData}}
 * secrets, BSON dates, its indexes, and the {@code devices} and {@code migration_info} collections that
 * belong to it. Nothing here goes through the adapter under test.
 */
final class GoFixture {
  /** RFC 4122's name space for ISO OIDs, which the standalone Go service derives integration ids from. */
  static final UUID NAMESPACE_OID = UUID.fromString("6ba7b812-9dad-11d1-80b4-00c04fd430c8");
  static final String ALGORITHM = "AES_256_CFB_HMAC_SHA512";

  private final MongoClient client;

  GoFixture(MongoClient client) {
    this.client = client;
  }

  /** UUIDv5(namespace, name), as Go's {@code uuid.NewSHA1}. */
  static UUID uuidV5(UUID namespace, String name) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits())
          .putLong(namespace.getLeastSignificantBits()).array());
      sha1.update(name.getBytes(StandardCharsets.UTF_8));
      byte[] hash = sha1.digest();
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
      ByteBuffer buffer = ByteBuffer.wrap(hash, 0, 16);
      return new UUID(buffer.getLong(), buffer.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject bin4(UUID id) {
    return new JsonObject().put("$binary", ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits()).array()).put("$type", 4);
  }

  static JsonObject bin0(byte[] bytes) {
    return new JsonObject().put("$binary", bytes).put("$type", 0);
  }

  static JsonObject date(Instant instant) {
    return new JsonObject().put("$date", Instant.ofEpochMilli(instant.toEpochMilli()).toString());
  }

  /** A {@code crypto.String} as the Go service marshals it: the label and the (encrypted or plain) bytes. */
  static JsonObject cryptoString(byte[] data) {
    return new JsonObject().put("algorithm", ALGORITHM).put("data", bin0(data));
  }

  static JsonObject webhook(UUID id, String tenant, String url, byte[] secretData, String description) {
    JsonObject http = new JsonObject().put("url", url);
    if (secretData != null) {
      http.put("secret", cryptoString(secretData));
    }
    JsonObject document = new JsonObject().put("_id", bin4(id)).put("tenant_id", tenant).put("provider", "webhook")
        .put("credentials", new JsonObject().put("type", "http").put("http", http));
    if (description != null) {
      document.put("description", description);
    }
    return document;
  }

  static JsonObject iotHub(UUID id, String tenant, byte[] connectionStringData) {
    return new JsonObject().put("_id", bin4(id)).put("tenant_id", tenant).put("provider", "iot-hub")
        .put("credentials", new JsonObject().put("type", "sas")
            .put("connection_string", cryptoString(connectionStringData)));
  }

  /** A {@code log} document: the event as delivered once by the Go service, with its outcomes. */
  static JsonObject event(UUID id, String tenant, String type, JsonObject data, Instant time, Instant expire,
      JsonArray statuses) {
    JsonObject document = new JsonObject().put("_id", bin4(id)).put("type", type).put("data", data)
        .put("event_ts", date(time)).put("tenant_id", tenant).put("expire_ts", date(expire));
    if (statuses != null) {
      document.put("status", statuses);
    }
    return document;
  }

  static JsonObject status(UUID integration, boolean success, Integer code, String error) {
    JsonObject status = new JsonObject().put("integration_id", bin4(integration)).put("success", success);
    if (error != null) {
      status.put("err", error);
    }
    if (code != null) {
      status.put("status", code);
    }
    return status;
  }

  void insert(String collection, JsonObject document) {
    await(client.insert(collection, document));
  }

  /** The Go service's indexes: the mender-server flavour adds the unique one-per-tenant index. */
  void createGoIndexes(boolean menderServer) {
    List<IndexModel> integrations = new java.util.ArrayList<>(List.of(new IndexModel(
        new JsonObject().put("tenant_id", 1).put("provider", 1).put("_id", 1),
        new IndexOptions().name("tenant_id_provider__id"))));
    if (menderServer) {
      integrations.add(new IndexModel(new JsonObject().put("tenant_id", 1),
          new IndexOptions().name("integration_one_per_tenant").unique(true)));
    }
    await(client.createIndexes("integrations", integrations));
    await(client.createIndexes("log", List.of(
        new IndexModel(new JsonObject().put("tenant_id", 1).put("event_ts", -1),
            new IndexOptions().name("tenant_id__id")),
        new IndexModel(new JsonObject().put("expire_ts", 1),
            new IndexOptions().name("log_TTL").expireAfter(0L, TimeUnit.SECONDS)))));
  }

  /** The Go service's own collections, which this service must never change. */
  void insertGoOwnCollections(String tenant, UUID integration) {
    insert("devices", new JsonObject().put("_id", "dev-linked").put("tenant_id", tenant)
        .put("integration_ids", new JsonArray().add(bin4(integration))));
    for (String version : List.of("1.0.0", "1.1.0", "1.1.1", "1.1.2")) {
      String[] parts = version.split("\\.");
      insert("migration_info", new JsonObject()
          .put("version", new JsonObject().put("major", Integer.parseInt(parts[0]))
              .put("minor", Integer.parseInt(parts[1])).put("patch", Integer.parseInt(parts[2])))
          .put("timestamp", date(Instant.parse("2024-03-01T10:00:00Z"))));
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
