package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.DomainValidationException;
import static io.iotmanager.webhooks.adapter.mongo.IntegrationDocuments.COLLECTION;
import static io.iotmanager.webhooks.adapter.mongo.StoreFailures.guard;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.Integration;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link IntegrationRepository} over the {@value IntegrationDocuments#COLLECTION} collection. */
final class MongoIntegrationRepository implements IntegrationRepository {
  static final String ALREADY_EXISTS = "integration already exists";

  private final MongoClient client;
  /**
   * A tenant's integrations in the order of the Go service's index {@code tenant_id_provider__id}: by
   * provider, then id.
   */
  static final JsonObject LIST_ORDER = new JsonObject()
      .put(IntegrationDocuments.PROVIDER, 1).put(IntegrationDocuments.ID, 1);

  private final SecretStorage keys;

  MongoIntegrationRepository(MongoClient client, SecretStorage keys) {
    this.client = client;
    this.keys = keys;
  }

  /**
   * Takes one of the tenant's {@code maxPerTenant} slots, then inserts; a failed insert gives the slot
   * back. The slots are a counter document per tenant in {@value #SLOTS} (a separate collection, so the
   * integration documents keep their shape), taken with one conditional {@code $inc}: the store applies
   * it atomically, so of any number of parallel creates exactly the free slots succeed, on MongoDB and
   * on the embedded server alike, without transactions. The counter is created on a tenant's first
   * create from a count of its integrations (so data written before it existed is counted). On a
   * database of the Go service with its unique index on {@code tenant_id}, a second insert is refused by
   * the index: a conflict as well.
   */
  @Override
  public Future<Void> insert(Integration integration, int maxPerTenant) {
    JsonObject document;
    try {
      document = IntegrationDocuments.toDocument(integration, keys);
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
    FindOptions options = new FindOptions().setSort(LIST_ORDER);
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

  private static JsonObject byTenant(String tenantId) {
    return new JsonObject().put(IntegrationDocuments.TENANT_ID, tenantId);
  }

  private static JsonObject byTenantAndId(String tenantId, UUID id) {
    return new JsonObject().put(IntegrationDocuments.ID, DocumentValues.uuid(id))
        .put(IntegrationDocuments.TENANT_ID, tenantId);
  }
}
