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
   * Counts the tenant's integrations, then inserts. Two concurrent inserts for the same tenant can both
   * pass the count and leave the tenant one over its limit: a small race accepted here, since
   * vertx-mongo-client has no transactions and creating integrations is a rare, human-paced action.
   * (Closing it would need a per-tenant counter document updated with a conditional {@code $inc}.) On a
   * database of the Go service with its unique index on {@code tenant_id}, the second insert is refused
   * by the index: a conflict as well.
   */
  @Override
  public Future<Void> insert(Integration integration, int maxPerTenant) {
    JsonObject document;
    try {
      document = IntegrationDocuments.toDocument(integration, keys);
    } catch (RuntimeException e) {
      return Future.failedFuture(StoreFailures.translate(e, "cannot store the integration"));
    }
    Future<Void> inserted = client.count(COLLECTION, byTenant(integration.tenantId()))
        .compose(count -> {
          if (count >= maxPerTenant) {
            return Future.failedFuture(new ApplicationException.Conflict(ALREADY_EXISTS));
          }
          return client.insert(COLLECTION, document)
              .<Void>mapEmpty()
              .recover(error -> StoreFailures.isDuplicateKey(error)
                  ? Future.failedFuture(new ApplicationException.Conflict(ALREADY_EXISTS))
                  : Future.failedFuture(error));
        });
    return guard(inserted, "cannot store the integration");
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
        .map(result -> result.getRemovedCount() > 0), "cannot delete the integration");
  }

  @Override
  public Future<Void> deleteTenant(String tenantId) {
    return guard(client.removeDocuments(COLLECTION, byTenant(tenantId)).mapEmpty(),
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
