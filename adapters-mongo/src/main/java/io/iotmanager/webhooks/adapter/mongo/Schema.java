package io.iotmanager.webhooks.adapter.mongo;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexModel;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Creates the collections and indexes, idempotently (several instances may start at once), and records
 * the schema version in {@code meta: {_id: "schema", version: 1}}. A database written by a newer schema
 * is refused rather than misread.
 *
 * <p>Indexes:
 * <ul>
 *   <li>{@code integrations}: {@code {tenant_id: 1}}.</li>
 *   <li>{@code events}: {@code {tenant_id: 1, time: -1, _id: -1}} and
 *       {@code {tenant_id: 1, integration_ids: 1, time: -1, _id: -1}} serve the events log filter and its
 *       newest-first sort (with its {@code _id} tie-break) without an in-memory sort; TTL
 *       {@code {expire_at: 1}} with {@code expireAfterSeconds: 0}, as each event carries its own expiry;
 *       {@code {due_at: 1}} partial on {@code due_at} existing, so only events with pending deliveries
 *       are in it (the delivery engine's claim query).</li>
 * </ul>
 * The embedded server accepts these but keeps only {@code _id} and unique indexes, and never expires.
 * It also uses an index only for a query on exactly the index's fields: the delivery engine's outcome
 * update, filtered on {@code {_id, lease_owner}} (the lease guard), would scan the whole collection once
 * per event. So on the embedded server only, {@code events} also gets the unique index
 * {@code {_id: 1, lease_owner: 1}} (unique because {@code _id} is), which serves exactly that filter. A
 * real MongoDB serves it from {@code _id} and does not get this index.
 */
final class Schema {
  static final int VERSION = 1;
  static final String META = "meta";
  static final String SCHEMA_ID = "schema";

  static final String TENANT_INDEX = "tenant";
  static final String TENANT_TIME_INDEX = "tenant_time";
  static final String TENANT_INTEGRATION_TIME_INDEX = "tenant_integration_time";
  static final String EXPIRE_INDEX = "expire_at_ttl";
  static final String DUE_INDEX = "due_at_pending";
  static final String ID_LEASE_OWNER_INDEX = "id_lease_owner_embedded";

  private Schema() {}

  static Future<Void> ensure(MongoClient client, Instant now, boolean embeddedServer) {
    return ensureCollections(client, List.of(IntegrationDocuments.COLLECTION, EventDocuments.COLLECTION, META))
        .compose(v -> client.createIndexes(IntegrationDocuments.COLLECTION, integrationIndexes()))
        .compose(v -> client.createIndexes(EventDocuments.COLLECTION, eventIndexes()))
        .compose(v -> embeddedServer
            ? client.createIndexes(EventDocuments.COLLECTION, embeddedEventIndexes())
            : Future.<Void>succeededFuture())
        .compose(v -> recordVersion(client, now));
  }

  /** Only for the embedded server: lets it find an event by {@code {_id, lease_owner}} without a scan. */
  static List<IndexModel> embeddedEventIndexes() {
    return List.of(new IndexModel(new JsonObject().put(EventDocuments.ID, 1).put(EventDocuments.LEASE_OWNER, 1),
        new IndexOptions().name(ID_LEASE_OWNER_INDEX).unique(true)));
  }

  static List<IndexModel> integrationIndexes() {
    return List.of(new IndexModel(new JsonObject().put(IntegrationDocuments.TENANT_ID, 1),
        new IndexOptions().name(TENANT_INDEX)));
  }

  static List<IndexModel> eventIndexes() {
    return List.of(
        new IndexModel(new JsonObject()
            .put(EventDocuments.TENANT_ID, 1)
            .put(EventDocuments.TIME, -1)
            .put(EventDocuments.ID, -1),
            new IndexOptions().name(TENANT_TIME_INDEX)),
        new IndexModel(new JsonObject()
            .put(EventDocuments.TENANT_ID, 1)
            .put(EventDocuments.INTEGRATION_IDS, 1)
            .put(EventDocuments.TIME, -1)
            .put(EventDocuments.ID, -1),
            new IndexOptions().name(TENANT_INTEGRATION_TIME_INDEX)),
        new IndexModel(new JsonObject().put(EventDocuments.EXPIRE_AT, 1),
            new IndexOptions().name(EXPIRE_INDEX).expireAfter(0L, TimeUnit.SECONDS)),
        new IndexModel(new JsonObject().put(EventDocuments.DUE_AT, 1),
            new IndexOptions().name(DUE_INDEX)
                .partialFilterExpression(new JsonObject().put(EventDocuments.DUE_AT,
                    new JsonObject().put("$exists", true)))));
  }

  private static Future<Void> ensureCollections(MongoClient client, List<String> wanted) {
    return client.getCollections().compose(existing -> {
      List<Future<Void>> created = new ArrayList<>();
      for (String name : wanted) {
        if (!existing.contains(name)) {
          created.add(client.createCollection(name)
              .recover(error -> StoreFailures.isAlreadyExists(error)
                  ? Future.succeededFuture()
                  : Future.failedFuture(error)));
        }
      }
      return Future.all(created).mapEmpty();
    });
  }

  private static Future<Void> recordVersion(MongoClient client, Instant now) {
    JsonObject id = new JsonObject().put("_id", SCHEMA_ID);
    return client.findOne(META, id, null).compose(found -> {
      int stored = found == null ? 0 : found.getInteger("version", 0);
      if (stored > VERSION) {
        return Future.failedFuture(new StoredDocumentException("the database has schema version " + stored
            + ", newer than this build understands (" + VERSION + "); run a newer build"));
      }
      JsonObject update = new JsonObject()
          .put("$max", new JsonObject().put("version", VERSION))
          .put("$set", new JsonObject().put("updated_at", DocumentValues.date(now)));
      return client.updateCollectionWithOptions(META, id, update, new UpdateOptions().setUpsert(true)).mapEmpty();
    });
  }
}
