package io.iotmanager.webhooks.adapter.mongo;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexModel;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the database at start-up, idempotently (several instances may start at once): the collections
 * of the Go iot-manager ({@code integrations}, {@code log}, docs/wire-contract.md A9) and {@code meta}; the migration of
 * data written by version 1 of this service ({@link Migration}); the indexes; and the schema version,
 * recorded in {@code meta: {_id: "schema", version: 2}}. A database written by a newer schema is refused
 * rather than misread, before anything is changed (version 1 builds refuse a version 2 database the same
 * way).
 *
 * <p>Indexes. The Go service's indexes are never dropped or redefined. Where one is missing (a database
 * this service created), it is created with the Go service's exact name and keys, so that the Go
 * service's own migrations find it as they would make it after a swap back (an equivalent index under
 * another name would make them fail): {@code integrations.tenant_id_provider__id}
 * {@code {tenant_id: 1, provider: 1, _id: 1}} (which also serves the listing), {@code log.tenant_id__id}
 * {@code {tenant_id: 1, event_ts: -1}} and the TTL index {@code log.log_TTL} {@code {expire_ts: 1}},
 * {@code expireAfterSeconds: 0} (each event carries its own expiry). The unique index
 * {@code integration_one_per_tenant} of the mender-server flavour is never created, only respected. An
 * index is not created when one with the same name or the same keys exists. Our own, on {@code log}:
 * <ul>
 *   <li>{@code tenant_time} {@code {tenant_id: 1, event_ts: -1, _id: -1}} and {@code tenant_integration_time}
 *       {@code {tenant_id: 1, status.integration_id: 1, event_ts: -1, _id: -1}} serve the events log filter
 *       and its newest-first sort (with its {@code _id} tie-break) without an in-memory sort;</li>
 *   <li>{@code due_at_pending} {@code {due_at: 1}} partial on {@code due_at} existing, so only events with
 *       pending deliveries are in it (the delivery engine's claim query).</li>
 * </ul>
 * The embedded server keeps {@code _id}, unique, single-field and some compound indexes in memory, and
 * never expires (a timer deletes expired events there). It reads a query naming {@code _id} (the
 * outcome update's lease-guarded {@code {_id, lease_owner}} filter, for one) from the documents' own
 * keys, as a real MongoDB serves it from {@code _id}.
 */
final class Schema {
  private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

  /** 1: string ids, {@code events}, {@code {enc}} secrets; 2: the Go service's documents (docs/wire-contract.md A9). */
  static final int VERSION = 2;
  static final String META = "meta";
  static final String SCHEMA_ID = "schema";
  static final String MIGRATED_FROM_1 = "migrated_from_1";

  // the Go service's
  static final String GO_INTEGRATIONS_INDEX = "tenant_id_provider__id";
  static final String GO_ONE_PER_TENANT_INDEX = "integration_one_per_tenant";
  static final String GO_EVENTS_INDEX = "tenant_id__id";
  static final String GO_TTL_INDEX = "log_TTL";
  // ours
  static final String TENANT_TIME_INDEX = "tenant_time";
  static final String TENANT_INTEGRATION_TIME_INDEX = "tenant_integration_time";
  static final String DUE_INDEX = "due_at_pending";
  /**
   * Earlier versions gave the embedded server's {@code log} a unique index {@code {_id: 1, lease_owner: 1}}
   * for the outcome update's filter; it serves a query naming {@code _id} from the documents' own keys
   * now, so the index only cost memory and work on every write, and start-up drops it.
   */
  static final String FORMER_ID_LEASE_OWNER_INDEX = "id_lease_owner_embedded";

  private Schema() {}

  static Future<Void> ensure(MongoClient client, Instant now, boolean embeddedServer, SecretStorage secrets,
      int maxIntegrationsPerTenant) {
    return ensureCollections(client, List.of(IntegrationDocuments.COLLECTION, EventDocuments.COLLECTION, META))
        .compose(v -> checkVersion(client))
        .compose(stored -> new Migration(client, secrets).run(stored))
        .compose(migrated -> ensureIndexes(client, IntegrationDocuments.COLLECTION, integrationIndexes())
            .map(migrated))
        .compose(migrated -> ensureIndexes(client, EventDocuments.COLLECTION, eventIndexes())
            .compose(v -> embeddedServer
                ? dropIndex(client, EventDocuments.COLLECTION, FORMER_ID_LEASE_OWNER_INDEX)
                : Future.<Void>succeededFuture())
            .compose(v -> warnAboutOnePerTenant(client, maxIntegrationsPerTenant))
            .compose(v -> recordVersion(client, now, migrated, true)));
  }

  /** Drops the index with this name if the collection has it. */
  static Future<Void> dropIndex(MongoClient client, String collection, String name) {
    return client.listIndexes(collection).compose(existing -> existing.stream()
        .anyMatch(index -> index instanceof JsonObject spec && name.equals(spec.getString("name")))
        ? client.dropIndex(collection, name)
        : Future.<Void>succeededFuture());
  }

  static List<IndexModel> integrationIndexes() {
    return List.of(new IndexModel(new JsonObject()
        .put(IntegrationDocuments.TENANT_ID, 1)
        .put(IntegrationDocuments.PROVIDER, 1)
        .put(IntegrationDocuments.ID, 1),
        new IndexOptions().name(GO_INTEGRATIONS_INDEX)));
  }

  static List<IndexModel> eventIndexes() {
    return List.of(
        new IndexModel(new JsonObject().put(EventDocuments.TENANT_ID, 1).put(EventDocuments.EVENT_TS, -1),
            new IndexOptions().name(GO_EVENTS_INDEX)),
        new IndexModel(new JsonObject().put(EventDocuments.EXPIRE_TS, 1),
            new IndexOptions().name(GO_TTL_INDEX).expireAfter(0L, TimeUnit.SECONDS)),
        new IndexModel(new JsonObject()
            .put(EventDocuments.TENANT_ID, 1)
            .put(EventDocuments.EVENT_TS, -1)
            .put(EventDocuments.ID, -1),
            new IndexOptions().name(TENANT_TIME_INDEX)),
        new IndexModel(new JsonObject()
            .put(EventDocuments.TENANT_ID, 1)
            .put(EventDocuments.STATUS_INTEGRATION_ID, 1)
            .put(EventDocuments.EVENT_TS, -1)
            .put(EventDocuments.ID, -1),
            new IndexOptions().name(TENANT_INTEGRATION_TIME_INDEX)),
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

  /**
   * Creates each index unless one with its name or its keys exists; an index created meanwhile by
   * another instance starting at the same time is not an error.
   */
  static Future<Void> ensureIndexes(MongoClient client, String collection, List<IndexModel> wanted) {
    return client.listIndexes(collection).compose(existing -> {
      List<IndexModel> missing = new ArrayList<>();
      for (IndexModel model : wanted) {
        if (findIndex(existing, model.getOptions().getName(), model.getKey()) == null) {
          missing.add(model);
        }
      }
      if (missing.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return client.createIndexes(collection, missing)
          .recover(error -> StoreFailures.isAlreadyExists(error) || StoreFailures.isIndexConflict(error)
              ? Future.succeededFuture()
              : Future.failedFuture(error));
    });
  }

  /** The index of {@code indexes} (as listIndexes returns them) with this name or these keys, or null. */
  static JsonObject findIndex(JsonArray indexes, String name, JsonObject key) {
    for (Object index : indexes) {
      if (index instanceof JsonObject spec
          && (Objects.equals(spec.getString("name"), name) || sameKeys(spec.getJsonObject("key"), key))) {
        return spec;
      }
    }
    return null;
  }

  /** Same fields in the same order with the same directions (1 and 1.0 alike). */
  static boolean sameKeys(JsonObject a, JsonObject b) {
    if (a == null || b == null || a.size() != b.size()) {
      return false;
    }
    List<String> namesA = new ArrayList<>(a.fieldNames());
    List<String> namesB = new ArrayList<>(b.fieldNames());
    if (!namesA.equals(namesB)) {
      return false;
    }
    for (String name : namesA) {
      Object x = a.getValue(name);
      Object y = b.getValue(name);
      boolean same = x instanceof Number nx && y instanceof Number ny
          ? nx.doubleValue() == ny.doubleValue()
          : Objects.equals(x, y);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code index} (from listIndexes) is unique on exactly {@code {tenant_id: 1}}. */
  static boolean isOnePerTenant(JsonObject index) {
    return Boolean.TRUE.equals(index.getValue("unique"))
        && sameKeys(index.getJsonObject("key"), new JsonObject().put(IntegrationDocuments.TENANT_ID, 1));
  }

  /**
   * The mender-server flavour of the Go service keeps one integration per tenant with a unique index; with
   * {@code max_integrations_per_tenant} above 1, say once at start-up that the index wins.
   */
  private static Future<Void> warnAboutOnePerTenant(MongoClient client, int maxIntegrationsPerTenant) {
    if (maxIntegrationsPerTenant <= 1) {
      return Future.succeededFuture();
    }
    return client.listIndexes(IntegrationDocuments.COLLECTION).map(indexes -> {
      for (Object index : indexes) {
        if (index instanceof JsonObject spec && isOnePerTenant(spec)) {
          LOG.warn("max_integrations_per_tenant is {}, but the database allows one integration per tenant: "
              + "the unique index {} on integrations.tenant_id (created by Mender's iot-manager) refuses a "
              + "second one with 409; it is kept, so that iot-manager can be swapped back in",
              maxIntegrationsPerTenant, spec.getString("name"));
        }
      }
      return null;
    });
  }

  /** Fails when the database was written by a newer schema than this build knows. */
  static Future<Integer> checkVersion(MongoClient client) {
    return client.findOne(META, new JsonObject().put("_id", SCHEMA_ID), null).compose(found -> {
      int stored = found == null ? 0 : found.getInteger("version", 0);
      if (stored > VERSION) {
        return Future.failedFuture(new StoredDocumentException("the database has schema version " + stored
            + ", newer than this build understands (" + VERSION + "); run a newer build"));
      }
      return Future.succeededFuture(stored);
    });
  }

  /**
   * Records the version; when this start-up migrated data of version 1, also {@code migrated_from_1:
   * {at, integrations, events}} (what this instance moved; another starting at once may have moved the rest).
   */
  private static Future<Void> recordVersion(MongoClient client, Instant now, Migration.Result migrated,
      boolean retry) {
    JsonObject id = new JsonObject().put("_id", SCHEMA_ID);
    JsonObject set = new JsonObject().put("updated_at", DocumentValues.date(now));
    if (migrated.any()) {
      set.put(MIGRATED_FROM_1, new JsonObject().put("at", DocumentValues.date(now))
          .put("integrations", migrated.integrations()).put("events", migrated.events()));
    }
    JsonObject update = new JsonObject()
        .put("$max", new JsonObject().put("version", VERSION))
        .put("$set", set);
    return client.updateCollectionWithOptions(META, id, update, new UpdateOptions().setUpsert(true))
        .<Void>mapEmpty()
        // two instances upserting at once: one may lose the insert race; the record then exists
        .recover(error -> retry && StoreFailures.isDuplicateKey(error)
            ? recordVersion(client, now, migrated, false)
            : Future.failedFuture(error));
  }

  /** For tests: the names of the indexes of a collection. */
  static List<String> names(JsonArray indexes) {
    List<String> names = new ArrayList<>();
    for (Object index : indexes) {
      if (index instanceof JsonObject spec) {
        names.add(spec.getString("name"));
      }
    }
    return names;
  }
}
