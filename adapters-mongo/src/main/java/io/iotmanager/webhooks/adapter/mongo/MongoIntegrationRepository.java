package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.IntegrationDocuments.COLLECTION;
import static io.iotmanager.webhooks.adapter.mongo.StoreFailures.guard;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link IntegrationRepository} over the {@value IntegrationDocuments#COLLECTION} collection. */
final class MongoIntegrationRepository implements IntegrationRepository {
  static final String ALREADY_EXISTS = "integration already exists";

  private final MongoClient client;
  private final SecretStorage keys;
  private final Clock clock;

  MongoIntegrationRepository(MongoClient client, SecretStorage keys, Clock clock) {
    this.client = client;
    this.keys = keys;
    this.clock = clock;
  }

  /**
   * Takes one of the tenant's {@code maxPerTenant} slots, then inserts; a failed insert gives the slot
   * back. The slots are a counter document per tenant in {@value #SLOTS} (a separate collection, so the
   * integration documents keep their shape), taken with one conditional {@code $inc}: the store applies
   * it atomically, so of any number of parallel creates exactly the free slots succeed, on MongoDB and
   * on the embedded server alike, without transactions. The counter is created on a tenant's first
   * create from a count of its integrations (so data written before it existed is counted).
   */
  @Override
  public Future<Void> insert(Integration integration, int maxPerTenant) {
    JsonObject document;
    try {
      document = IntegrationDocuments.toDocument(integration, clock.instant(), keys);
    } catch (RuntimeException e) {
      return Future.failedFuture(StoreFailures.translate(e, "cannot store the integration"));
    }
    String tenant = integration.tenantId();
    Future<Void> inserted = takeSlot(tenant, maxPerTenant).compose(taken -> {
      if (!taken) {
        return Future.failedFuture(new ApplicationException.Conflict(ALREADY_EXISTS));
      }
      return client.insert(COLLECTION, document)
          .<Void>mapEmpty()
          .recover(error -> releaseSlot(tenant).transform(ignored -> StoreFailures.isDuplicateKey(error)
              ? Future.failedFuture(new ApplicationException.Conflict(ALREADY_EXISTS))
              : Future.failedFuture(error)));
    });
    return guard(inserted, "cannot store the integration");
  }

  /** The per-tenant slot counters of the integration limit. */
  static final String SLOTS = "integration_slots";
  static final String USED = "used";

  private Future<Boolean> takeSlot(String tenant, int max) {
    JsonObject free = new JsonObject().put("_id", tenant).put(USED, new JsonObject().put("$lt", max));
    JsonObject take = new JsonObject().put("$inc", new JsonObject().put(USED, 1));
    return ensureSlots(tenant)
        .compose(v -> client.updateCollection(SLOTS, free, take))
        .map(result -> result.getDocModified() == 1);
  }

  private Future<Void> ensureSlots(String tenant) {
    JsonObject id = new JsonObject().put("_id", tenant);
    return client.findOne(SLOTS, id, null).compose(found -> found != null ? Future.<Void>succeededFuture()
        : client.count(COLLECTION, byTenant(tenant))
            .compose(count -> client.insert(SLOTS, id.copy().put(USED, count)))
            .<Void>mapEmpty()
            .recover(error -> StoreFailures.isDuplicateKey(error) ? Future.succeededFuture() // made meanwhile
                : Future.failedFuture(error)));
  }

  private Future<Void> releaseSlot(String tenant) {
    JsonObject used = new JsonObject().put("_id", tenant).put(USED, new JsonObject().put("$gt", 0));
    return client.updateCollection(SLOTS, used, new JsonObject().put("$inc", new JsonObject().put(USED, -1)))
        .mapEmpty();
  }

  @Override
  public Future<List<Integration>> findByTenant(String tenantId) {
    FindOptions options = new FindOptions().setSort(new JsonObject()
        .put(IntegrationDocuments.CREATED_AT, 1)
        .put(IntegrationDocuments.ID, 1));
    return guard(client.findWithOptions(COLLECTION, byTenant(tenantId), options)
        .map(documents -> documents.stream().map(d -> IntegrationDocuments.fromDocument(d, keys)).toList()),
        "cannot read integrations");
  }

  @Override
  public Future<Optional<Integration>> findById(String tenantId, UUID id) {
    return guard(client.findOne(COLLECTION, byTenantAndId(tenantId, id), null)
        .map(document -> Optional.ofNullable(document).map(d -> IntegrationDocuments.fromDocument(d, keys))),
        "cannot read the integration");
  }

  @Override
  public Future<Boolean> updateCredentials(String tenantId, UUID id, Credentials credentials) {
    JsonObject update;
    try {
      update = new JsonObject().put("$set", new JsonObject()
          .put(IntegrationDocuments.CREDENTIALS, IntegrationDocuments.credentials(credentials, keys)));
    } catch (RuntimeException e) {
      return Future.failedFuture(StoreFailures.translate(e, "cannot update the integration"));
    }
    return guard(client.updateCollection(COLLECTION, byTenantAndId(tenantId, id), update)
        .map(result -> result.getDocMatched() > 0), "cannot update the integration");
  }

  @Override
  public Future<Boolean> delete(String tenantId, UUID id) {
    return guard(client.removeDocument(COLLECTION, byTenantAndId(tenantId, id))
        .compose(result -> result.getRemovedCount() > 0
            ? releaseSlot(tenantId).map(true)
            : Future.succeededFuture(false)), "cannot delete the integration");
  }

  @Override
  public Future<Void> deleteTenant(String tenantId) {
    return guard(client.removeDocuments(COLLECTION, byTenant(tenantId))
        .compose(v -> client.removeDocument(SLOTS, new JsonObject().put("_id", tenantId))).mapEmpty(),
        "cannot delete the tenant's integrations");
  }

  /**
   * Rewrites every stored secret into the form {@code to} writes, reading it with {@code from}. A secret
   * already in that form is left alone, so a second run changes nothing. Each rewrite is conditional on
   * the secret not having changed meanwhile. Runs one document at a time (integrations are few).
   *
   * @return how many secrets were rewritten; fails with {@code InvalidInput} naming the integration
   *         whose secret {@code from} cannot decrypt (those before it are already rewritten: rerun after
   *         fixing the keys), or {@code StoreUnavailable}
   */
  Future<Long> reencryptSecrets(SecretStorage from, SecretStorage to) {
    JsonObject withSecret = new JsonObject()
        .put(IntegrationDocuments.SECRET_PATH, new JsonObject().put("$exists", true));
    FindOptions options = new FindOptions()
        .setFields(new JsonObject().put(IntegrationDocuments.SECRET_PATH, 1))
        .setSort(new JsonObject().put(IntegrationDocuments.ID, 1));
    JsonObject otherProviders = new JsonObject().put(IntegrationDocuments.CREDENTIALS + "." + IntegrationDocuments.TYPE,
        new JsonObject().put("$ne", IntegrationDocuments.HTTP));
    FindOptions credentialsOnly = new FindOptions()
        .setFields(new JsonObject().put(IntegrationDocuments.CREDENTIALS, 1))
        .setSort(new JsonObject().put(IntegrationDocuments.ID, 1));
    return guard(client.findWithOptions(COLLECTION, withSecret, options)
        .compose(documents -> reencryptEach(documents.iterator(), from, to, 0L))
        .compose(webhooks -> client.findWithOptions(COLLECTION, otherProviders, credentialsOnly)
            .compose(documents -> reencryptOpaque(documents.iterator(), from, to, webhooks))),
        "cannot re-encrypt secrets");
  }

  /** The secret fields of iot-hub and iot-core credentials ({@code connection_string}, …), one at a time. */
  private Future<Long> reencryptOpaque(Iterator<JsonObject> documents, SecretStorage from, SecretStorage to,
      long changed) {
    while (documents.hasNext()) {
      JsonObject document = documents.next();
      Object id = document.getValue(IntegrationDocuments.ID);
      Future<Long> chain = Future.succeededFuture(changed);
      boolean any = false;
      for (var field : IntegrationDocuments.storedOpaqueSecrets(
          document.getJsonObject(IntegrationDocuments.CREDENTIALS)).entrySet()) {
        Object stored = field.getValue();
        if (to.isCurrentText(stored)) {
          continue;
        }
        Optional<String> text = from.tryDecodeText(stored);
        if (text.isEmpty()) {
          return chain.compose(n -> Future.failedFuture(new ApplicationException.InvalidInput(
              "the secret of integration " + id + " cannot be decrypted with the given key")));
        }
        String path = IntegrationDocuments.CREDENTIALS + "." + field.getKey();
        JsonObject filter = new JsonObject().put(IntegrationDocuments.ID, id).put(path, stored);
        JsonObject update = new JsonObject().put("$set", new JsonObject().put(path, to.encodeText(text.get())));
        chain = chain.compose(n -> client.updateCollection(COLLECTION, filter, update)
            .map(result -> n + result.getDocModified()));
        any = true;
      }
      if (any) {
        return chain.compose(n -> reencryptOpaque(documents, from, to, n));
      }
    }
    return Future.succeededFuture(changed);
  }

  private Future<Long> reencryptEach(Iterator<JsonObject> documents, SecretStorage from, SecretStorage to,
      long changed) {
    while (documents.hasNext()) {
      JsonObject document = documents.next();
      Object stored = document.getJsonObject(IntegrationDocuments.CREDENTIALS)
          .getJsonObject(IntegrationDocuments.HTTP).getValue(IntegrationDocuments.SECRET);
      if (to.isCurrent(stored)) {
        continue;
      }
      Object id = document.getValue(IntegrationDocuments.ID);
      Optional<WebhookSecret> secret = from.tryDecode(stored);
      if (secret.isEmpty()) {
        return Future.failedFuture(new ApplicationException.InvalidInput(
            "the secret of integration " + id + " cannot be decrypted with the given key"));
      }
      JsonObject filter = new JsonObject().put(IntegrationDocuments.ID, id)
          .put(IntegrationDocuments.SECRET_PATH, stored);
      JsonObject update = new JsonObject().put("$set",
          new JsonObject().put(IntegrationDocuments.SECRET_PATH, to.encode(secret.get())));
      return client.updateCollection(COLLECTION, filter, update)
          .compose(result -> reencryptEach(documents, from, to, changed + result.getDocModified()));
    }
    return Future.succeededFuture(changed);
  }

  private static JsonObject byTenant(String tenantId) {
    return new JsonObject().put(IntegrationDocuments.TENANT_ID, tenantId);
  }

  private static JsonObject byTenantAndId(String tenantId, UUID id) {
    return new JsonObject().put(IntegrationDocuments.ID, id.toString()).put(IntegrationDocuments.TENANT_ID, tenantId);
  }
}
