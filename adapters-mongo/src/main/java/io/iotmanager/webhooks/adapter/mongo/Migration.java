package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.Event;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves data written by version 1 of this service into the Go service's documents (docs/wire-contract.md A9), at
 * start-up, before anything else reads the store:
 * <ul>
 *   <li>integrations with a string {@code _id} get a BinData subtype 4 one, their secrets (hex text or
 *       {@code {enc: "<base64>"}}) the {@code {algorithm, data}} form ({@link SecretStorage}: an encrypted
 *       secret keeps its bytes, so no key is needed; a plain one is encrypted when a key is set), and lose
 *       {@code created_at} (and an empty description);</li>
 *   <li>events move from {@code events} to {@code log}, with their delivery state, lease and attempt
 *       records, in batches of {@value #BATCH}; then {@code events} is dropped;</li>
 *   <li>version 1's own index on {@code integrations}, {@code tenant} {@code {tenant_id: 1}}, is dropped
 *       (it would clash with the Go service's unique index of the same keys after a swap back), only where
 *       the schema version record says 1, so that no index of another's is ever dropped.</li>
 * </ul>
 * Nothing is lost at any point: each document is first written in its new form, then the old one removed;
 * a new form already there (an earlier run cut short, or another instance migrating at the same time) is
 * not an error. So the migration is idempotent and safe with several instances starting together. Where
 * the Go service's unique index on {@code tenant_id} stops the new form of an integration from being
 * written beside the old one, the old one is first moved aside under a placeholder tenant, keeping its
 * tenant in {@value #MIGRATING_TENANT}, and a rerun picks it up from there.
 *
 * <p>It looks for such data at every start-up (cheap: integrations are few, and {@code events} is gone once
 * migrated), so that an instance of version 1 left running during a rolling upgrade cannot strand data.
 */
final class Migration {
  private static final Logger LOG = LoggerFactory.getLogger(Migration.class);

  static final String LEGACY_EVENTS = "events";
  static final String LEGACY_TENANT_INDEX = "tenant";
  static final String MIGRATING_TENANT = "migrating_tenant_id";
  static final int BATCH = 500;

  // version 1's event fields that differ from version 2's
  private static final String V1_DEVICE_ID = "device_id";
  private static final String V1_TIME = "time";
  private static final String V1_EXPIRE_AT = "expire_at";
  private static final String V1_DELIVERIES = "deliveries";

  /** What one run moved. */
  record Result(long integrations, long events) {
    boolean any() {
      return integrations > 0 || events > 0;
    }
  }

  private final MongoClient client;
  private final SecretStorage secrets;

  Migration(MongoClient client, SecretStorage secrets) {
    this.client = client;
    this.secrets = secrets;
  }

  /** @param storedVersion the schema version recorded in the database (0: none) */
  Future<Result> run(int storedVersion) {
    // the index is ours only where version 1 of this service recorded itself
    return (storedVersion == 1 ? dropLegacyTenantIndex() : Future.<Void>succeededFuture())
        .compose(v -> migrateIntegrations())
        .compose(integrations -> migrateEvents().map(events -> new Result(integrations, events)))
        .onSuccess(result -> {
          if (result.any()) {
            LOG.info("migrated data of schema version 1: {} integration(s), {} event(s)", result.integrations(),
                result.events());
          }
        });
  }

  // ------------------------------------------------------------------------------------------ integrations

  private Future<Void> dropLegacyTenantIndex() {
    return client.listIndexes(IntegrationDocuments.COLLECTION).compose(indexes -> {
      JsonObject legacy = Schema.findIndex(indexes, LEGACY_TENANT_INDEX, null);
      if (legacy == null || Schema.isOnePerTenant(legacy)) {
        return Future.<Void>succeededFuture();
      }
      return client.dropIndex(IntegrationDocuments.COLLECTION, LEGACY_TENANT_INDEX)
          .recover(error -> Future.succeededFuture()); // dropped meanwhile by another instance
    });
  }

  private Future<Long> migrateIntegrations() {
    // the ids only (a database with many tenants has many integrations), then the string ones in full
    FindOptions idsOnly = new FindOptions().setFields(new JsonObject().put(IntegrationDocuments.ID, 1));
    return client.findWithOptions(IntegrationDocuments.COLLECTION, new JsonObject(), idsOnly).compose(ids -> {
      JsonArray legacy = new JsonArray();
      ids.stream().map(d -> d.getValue(IntegrationDocuments.ID)).filter(String.class::isInstance).forEach(legacy::add);
      if (legacy.isEmpty()) {
        return Future.succeededFuture(0L);
      }
      return client.find(IntegrationDocuments.COLLECTION,
              new JsonObject().put(IntegrationDocuments.ID, new JsonObject().put("$in", legacy)))
          .compose(documents -> migrateEach(documents.iterator(), 0L));
    });
  }

  private Future<Long> migrateEach(Iterator<JsonObject> documents, long migrated) {
    if (!documents.hasNext()) {
      return Future.succeededFuture(migrated);
    }
    JsonObject old = documents.next();
    JsonObject converted;
    try {
      converted = convertIntegration(old);
    } catch (RuntimeException e) {
      return Future.failedFuture(new StoredDocumentException("integration " + old.getValue(IntegrationDocuments.ID)
          + " of schema version 1 cannot be migrated: " + e.getMessage(), e));
    }
    return migrateOne(old, converted).compose(v -> migrateEach(documents, migrated + 1));
  }

  /** Writes the new form, then removes the old; see the class comment for the unique-tenant case. */
  private Future<Void> migrateOne(JsonObject old, JsonObject converted) {
    JsonObject oldId = new JsonObject().put(IntegrationDocuments.ID, old.getValue(IntegrationDocuments.ID));
    JsonObject newId = new JsonObject().put(IntegrationDocuments.ID, converted.getValue(IntegrationDocuments.ID));
    return client.insert(IntegrationDocuments.COLLECTION, converted)
        .<Void>mapEmpty()
        .recover(error -> {
          if (!StoreFailures.isDuplicateKey(error)) {
            return Future.failedFuture(error);
          }
          return client.findOne(IntegrationDocuments.COLLECTION, newId, new JsonObject()).compose(found -> {
            if (found != null) {
              return Future.<Void>succeededFuture(); // written before (a rerun, or another instance)
            }
            // the unique tenant index holds the old form: move it aside, then write the new one
            JsonObject aside = new JsonObject().put("$set", new JsonObject()
                .put(IntegrationDocuments.TENANT_ID, "\u0000migrating:" + old.getValue(IntegrationDocuments.ID))
                .put(MIGRATING_TENANT, converted.getString(IntegrationDocuments.TENANT_ID)));
            return client.updateCollection(IntegrationDocuments.COLLECTION, oldId, aside)
                .compose(moved -> client.insert(IntegrationDocuments.COLLECTION, converted))
                .<Void>mapEmpty()
                .recover(again -> StoreFailures.isDuplicateKey(again)
                    ? client.findOne(IntegrationDocuments.COLLECTION, newId, new JsonObject())
                        .compose(written -> written != null ? Future.<Void>succeededFuture() : Future.failedFuture(again))
                    : Future.failedFuture(again));
          });
        })
        .compose(v -> client.removeDocument(IntegrationDocuments.COLLECTION, oldId))
        .mapEmpty();
  }

  /** A version 1 integration in the Go service's form. */
  JsonObject convertIntegration(JsonObject old) {
    UUID id = DocumentValues.requiredUuid(old, IntegrationDocuments.ID);
    String tenant = old.getValue(MIGRATING_TENANT) instanceof String moved
        ? moved
        : DocumentValues.requiredString(old, IntegrationDocuments.TENANT_ID);
    JsonObject document = new JsonObject()
        .put(IntegrationDocuments.ID, DocumentValues.uuid(id))
        .put(IntegrationDocuments.TENANT_ID, tenant)
        .put(IntegrationDocuments.PROVIDER, DocumentValues.requiredString(old, IntegrationDocuments.PROVIDER))
        .put(IntegrationDocuments.CREDENTIALS, convertCredentials(old.getJsonObject(IntegrationDocuments.CREDENTIALS)));
    DocumentValues.optionalString(old, IntegrationDocuments.DESCRIPTION).filter(d -> !d.isEmpty())
        .ifPresent(d -> document.put(IntegrationDocuments.DESCRIPTION, d));
    return document;
  }

  private JsonObject convertCredentials(JsonObject old) {
    if (old == null) {
      throw new StoredDocumentException("field credentials is missing");
    }
    JsonObject credentials = new JsonObject();
    for (Map.Entry<String, Object> field : old) {
      String name = field.getKey();
      int dot = name.indexOf('.');
      if (dot > 0 && dot < name.length() - 1) { // a legacy flat dotted name: nested, as written since
        Object group = credentials.getValue(name.substring(0, dot));
        if (!(group instanceof JsonObject)) {
          group = new JsonObject();
          credentials.put(name.substring(0, dot), group);
        }
        ((JsonObject) group).put(name.substring(dot + 1), field.getValue());
      } else {
        credentials.put(name, field.getValue() instanceof JsonObject o ? o.copy() : field.getValue());
      }
    }
    if (credentials.getValue(IntegrationDocuments.HTTP) instanceof JsonObject http
        && http.getValue(IntegrationDocuments.SECRET) != null) {
      http.put(IntegrationDocuments.SECRET, convertSecret(http.getValue(IntegrationDocuments.SECRET), false));
    }
    for (Map.Entry<String, Object> secret : IntegrationDocuments.storedOpaqueSecrets(credentials).entrySet()) {
      String path = secret.getKey();
      int dot = path.indexOf('.');
      JsonObject parent = dot < 0 ? credentials : credentials.getJsonObject(path.substring(0, dot));
      parent.put(path.substring(dot + 1), convertSecret(secret.getValue(), true));
    }
    return credentials;
  }

  /** A version 1 secret in the {@code {algorithm, data}} form; one already in it is kept. */
  private Object convertSecret(Object stored, boolean text) {
    if (SecretStorage.data(stored).isPresent()) {
      return stored;
    }
    if (stored instanceof JsonObject object && object.getValue(SecretStorage.LEGACY_ENCRYPTED_FIELD) instanceof String b64) {
      // the same blob (0x01 || IV || ciphertext || HMAC) under the same key: only the wrapping changes
      return new JsonObject().put(SecretStorage.ALGORITHM_FIELD, SecretStorage.ALGORITHM)
          .put(SecretStorage.DATA_FIELD, DocumentValues.binary(java.util.Base64.getDecoder().decode(b64)));
    }
    if (stored instanceof String value) {
      return text ? secrets.encodeText(value) : secrets.encode(secrets.decode(value));
    }
    throw new StoredDocumentException("a stored secret is in no known form");
  }

  // ------------------------------------------------------------------------------------------ events

  private Future<Long> migrateEvents() {
    return client.getCollections().compose(collections -> collections.contains(LEGACY_EVENTS)
        ? migrateEventBatches(0L).compose(moved -> client.dropCollection(LEGACY_EVENTS)
            .recover(error -> Future.succeededFuture()) // dropped meanwhile by another instance
            .map(moved))
        : Future.succeededFuture(0L));
  }

  private Future<Long> migrateEventBatches(long moved) {
    FindOptions batch = new FindOptions().setSort(new JsonObject().put("_id", 1)).setLimit(BATCH);
    return client.findWithOptions(LEGACY_EVENTS, new JsonObject(), batch).compose(documents -> {
      if (documents.isEmpty()) {
        return Future.succeededFuture(moved);
      }
      List<BulkOperation> inserts = new ArrayList<>(documents.size());
      JsonArray ids = new JsonArray();
      for (JsonObject old : documents) {
        try {
          inserts.add(BulkOperation.createInsert(convertEvent(old)));
        } catch (RuntimeException e) {
          return Future.failedFuture(new StoredDocumentException("event " + old.getValue("_id")
              + " of schema version 1 cannot be migrated: " + e.getMessage(), e));
        }
        ids.add(old.getValue("_id"));
      }
      return client.bulkWriteWithOptions(EventDocuments.COLLECTION, inserts, new BulkWriteOptions(false))
          .<Void>mapEmpty()
          .recover(error -> StoreFailures.onlyDuplicateKeys(error) ? Future.succeededFuture() : Future.failedFuture(error))
          .compose(v -> client.removeDocuments(LEGACY_EVENTS, new JsonObject().put("_id", new JsonObject().put("$in", ids))))
          .compose(v -> migrateEventBatches(moved + documents.size()));
    });
  }

  /** A version 1 event in {@code log}'s form, with its delivery state, lease, expiry and attempt records. */
  static JsonObject convertEvent(JsonObject old) {
    UUID id = DocumentValues.requiredUuid(old, EventDocuments.ID);
    String typeName = DocumentValues.requiredString(old, EventDocuments.TYPE);
    EventType type = EventType.fromWire(typeName)
        .orElseThrow(() -> new StoredDocumentException("unknown event type " + typeName));
    Instant time = DocumentValues.optionalString(old, EventDocuments.TIME_TEXT).map(EventTime::parse)
        .orElseGet(() -> DocumentValues.requiredInstant(old, V1_TIME));
    Event event = new Event(id, DocumentValues.requiredString(old, EventDocuments.TENANT_ID), type,
        DocumentValues.requiredString(old, V1_DEVICE_ID), time, DocumentValues.requiredString(old, EventDocuments.BODY));
    JsonArray stored = old.getValue(V1_DELIVERIES) instanceof JsonArray array ? array : new JsonArray();
    List<DeliveryStatus> deliveries = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      deliveries.add(EventDocuments.deliveryFrom(stored.getJsonObject(i)));
    }
    Instant expire = DocumentValues.optionalInstant(old, V1_EXPIRE_AT).orElse(time);
    JsonObject document = EventDocuments.toDocument(new EventRecord(event, deliveries), Duration.ZERO, "",
        Instant.EPOCH);
    document.put(EventDocuments.EXPIRE_TS, DocumentValues.date(expire));
    document.remove(EventDocuments.LEASE_OWNER);
    document.remove(EventDocuments.LEASE_UNTIL);
    for (String lease : List.of(EventDocuments.LEASE_OWNER, EventDocuments.LEASE_UNTIL, EventDocuments.CLAIM)) {
      if (old.getValue(lease) != null) {
        document.put(lease, old.getValue(lease));
      }
    }
    List<Attempt> attempts = EventDocuments.attemptsFrom(old);
    if (!attempts.isEmpty()) {
      JsonArray log = new JsonArray();
      attempts.forEach(a -> log.add(EventDocuments.attemptDocument(a)));
      document.put(EventDocuments.ATTEMPT_LOG, log);
    }
    return document;
  }
}
