package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.DomainValidationException;
import static io.iotmanager.webhooks.adapter.mongo.IntegrationDocuments.COLLECTION;
import static io.iotmanager.webhooks.adapter.mongo.StoreFailures.guard;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.HealthChange;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.MonitoredIntegration;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.Integration;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link IntegrationRepository} over the {@value IntegrationDocuments#COLLECTION} collection. */
final class MongoIntegrationRepository implements IntegrationRepository {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MongoIntegrationRepository.class);
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
   * back. The slots are a document per tenant in {@value #SLOTS} (a separate collection, so the
   * integration documents keep their shape) holding one entry per integration, {@code {id, at}}, taken
   * with one conditional {@code $push} (only while there are fewer than {@code maxPerTenant} entries):
   * the store applies it atomically, so of any number of parallel creates exactly the free slots
   * succeed, on MongoDB and on the embedded server alike, without transactions. A delete removes its
   * integration's entry (by id, so doing it twice is harmless).
   *
   * <p>Self-healing: a process that dies between taking a slot and inserting (or between deleting and
   * freeing the slot) leaves an entry without an integration. When a create would be refused, entries
   * older than {@link #SLOT_GRACE} whose integration does not exist are removed and the create tries
   * again; a create that is still under way is younger than that, since a create gives up (and takes its
   * integration back out) once {@link #CREATE_DEADLINE} has passed since it took its slot.
   *
   * <p>The document is made on a tenant's first create from its integrations (so data written before it
   * existed is counted); a counter of the earlier form ({@code used}) is rebuilt the same way. On a
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
    String id = integration.id().toString();
    long started = System.nanoTime();
    Future<Void> inserted = ensureSlots(tenant)
        .compose(v -> takeSlot(tenant, id, maxPerTenant))
        .compose(taken -> taken ? Future.succeededFuture(true)
            : reclaimLeakedSlots(tenant).compose(reclaimed -> reclaimed > 0 ? takeSlot(tenant, id, maxPerTenant)
                : Future.succeededFuture(false)))
        .compose(taken -> {
          if (!taken) {
            return Future.failedFuture(new ApplicationException.Conflict(ALREADY_EXISTS));
          }
          return client.insert(COLLECTION, document)
              .<Void>mapEmpty()
              .recover(error -> releaseSlot(tenant, id).transform(ignored -> StoreFailures.isDuplicateKey(error)
                  ? Future.failedFuture(new ApplicationException.Conflict(ALREADY_EXISTS))
                  : Future.failedFuture(error)))
              .compose(v -> System.nanoTime() - started <= CREATE_DEADLINE.toNanos() ? Future.<Void>succeededFuture()
                  // too late: its slot may count as leaked by now, so it must not stay
                  : client.removeDocument(COLLECTION, byTenantAndId(tenant, integration.id()))
                      .compose(removed -> releaseSlot(tenant, id))
                      .transform(ignored -> Future.<Void>failedFuture(new ApplicationException.StoreUnavailable(
                          "store unavailable: the store took longer than " + CREATE_DEADLINE.toSeconds()
                              + " s to store the integration; it was not created", null))));
        });
    return guard(inserted, "cannot store the integration");
  }

  /** The per-tenant slots of the integration limit. */
  static final String SLOTS = "integration_slots";
  static final String SLOT_LIST = "slots";
  static final String SLOT_ID = "id";
  static final String SLOT_AT = "at";
  /** The slot counter of the earlier form, replaced by {@link #SLOT_LIST}. */
  static final String USED = "used";
  /** How long a create may take from its slot to its insert; a slower one takes its integration out again. */
  static final Duration CREATE_DEADLINE = Duration.ofSeconds(30);
  /** How old an entry without an integration must be to count as leaked (covers clock skew between instances). */
  static final Duration SLOT_GRACE = Duration.ofMinutes(2);

  private Future<Boolean> takeSlot(String tenant, String id, int max) {
    if (max <= 0) {
      return Future.succeededFuture(false);
    }
    JsonObject free = new JsonObject().put("_id", tenant)
        .put(SLOT_LIST + "." + (max - 1), new JsonObject().put("$exists", false));
    JsonObject take = new JsonObject().put("$push", new JsonObject().put(SLOT_LIST, slot(id, Instant.now())));
    return client.updateCollection(SLOTS, free, take).map(result -> result.getDocModified() == 1);
  }

  private static JsonObject slot(String id, Instant at) {
    return new JsonObject().put(SLOT_ID, id).put(SLOT_AT, DocumentValues.date(at));
  }

  /** Makes the tenant's slot document (or rebuilds one of the earlier form) from its integrations. */
  private Future<Void> ensureSlots(String tenant) {
    JsonObject id = new JsonObject().put("_id", tenant);
    return client.findOne(SLOTS, id, null).compose(found -> {
      if (found != null && found.getValue(SLOT_LIST) instanceof JsonArray) {
        return Future.<Void>succeededFuture();
      }
      return existingSlots(tenant).compose(slots -> found == null
          ? client.insert(SLOTS, id.copy().put(SLOT_LIST, slots)).<Void>mapEmpty()
              .recover(error -> StoreFailures.isDuplicateKey(error) ? Future.succeededFuture() // made meanwhile
                  : Future.failedFuture(error))
          : client.updateCollection(SLOTS, id.copy().put(SLOT_LIST, new JsonObject().put("$exists", false)),
              new JsonObject().put("$set", new JsonObject().put(SLOT_LIST, slots))
                  .put("$unset", new JsonObject().put(USED, ""))).<Void>mapEmpty());
    });
  }

  /** One slot entry per integration the tenant has. */
  private Future<JsonArray> existingSlots(String tenant) {
    FindOptions idsOnly = new FindOptions().setFields(new JsonObject().put(IntegrationDocuments.ID, 1));
    return client.findWithOptions(COLLECTION, byTenant(tenant), idsOnly).map(found -> {
      JsonArray slots = new JsonArray();
      found.forEach(d -> slots.add(slot(DocumentValues.uuidValue(d.getValue(IntegrationDocuments.ID),
          IntegrationDocuments.ID).toString(), Instant.EPOCH)));
      return slots;
    });
  }

  /**
   * Removes the tenant's entries older than {@link #SLOT_GRACE} whose integration does not exist (left
   * by a process that died between taking a slot and inserting, or between deleting and freeing it);
   * returns how many.
   */
  private Future<Integer> reclaimLeakedSlots(String tenant) {
    Instant oldEnough = Instant.now().minus(SLOT_GRACE);
    return client.findOne(SLOTS, new JsonObject().put("_id", tenant), null).compose(found -> {
      List<String> old = new ArrayList<>();
      if (found != null && found.getValue(SLOT_LIST) instanceof JsonArray slots) {
        for (Object o : slots) {
          if (o instanceof JsonObject entry && entry.getString(SLOT_ID) != null
              && DocumentValues.optionalInstant(entry, SLOT_AT).map(at -> at.isBefore(oldEnough)).orElse(true)) {
            old.add(entry.getString(SLOT_ID));
          }
        }
      }
      if (old.isEmpty()) {
        return Future.succeededFuture(0);
      }
      JsonArray ids = new JsonArray();
      for (String id : old) {
        try {
          ids.add(DocumentValues.uuid(UUID.fromString(id)));
        } catch (IllegalArgumentException notAUuid) {
          // cannot be an integration's id: leaked for sure
        }
      }
      FindOptions idsOnly = new FindOptions().setFields(new JsonObject().put(IntegrationDocuments.ID, 1));
      return client.findWithOptions(COLLECTION, byTenant(tenant).put(IntegrationDocuments.ID,
          new JsonObject().put("$in", ids)), idsOnly).compose(existing -> {
            Set<String> live = new HashSet<>();
            existing.forEach(d -> live.add(DocumentValues.uuidValue(d.getValue(IntegrationDocuments.ID),
                IntegrationDocuments.ID).toString()));
            JsonArray leaked = new JsonArray();
            old.stream().filter(id -> !live.contains(id)).forEach(leaked::add);
            if (leaked.isEmpty()) {
              return Future.succeededFuture(0);
            }
            LOG.warn("tenant {}: {} integration slot(s) held by no integration (a create or delete interrupted by "
                + "a crash); freed", tenant, leaked.size());
            return client.updateCollection(SLOTS, new JsonObject().put("_id", tenant), new JsonObject().put("$pull",
                    new JsonObject().put(SLOT_LIST, new JsonObject().put(SLOT_ID, new JsonObject().put("$in", leaked)))))
                .map(result -> (int) result.getDocModified());
          });
    });
  }

  private Future<Void> releaseSlot(String tenant, String id) {
    return client.updateCollection(SLOTS, new JsonObject().put("_id", tenant), new JsonObject().put("$pull",
            new JsonObject().put(SLOT_LIST, new JsonObject().put(SLOT_ID, id))))
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

  /**
   * Removes every previous secret whose overlap ended at or before {@code now} (one command for all
   * tenants): a rotated-out secret signs nothing after its overlap, and is not kept either. Completes
   * with the number of integrations changed.
   */
  Future<Long> dropEndedPreviousSecrets(java.time.Instant now) {
    JsonObject ended = new JsonObject().put(IntegrationDocuments.CREDENTIALS + "." + IntegrationDocuments.HTTP + "."
        + IntegrationDocuments.PREVIOUS_SECRET_VALID_UNTIL, new JsonObject().put("$lte", DocumentValues.date(now)));
    JsonObject unset = new JsonObject().put("$unset", new JsonObject()
        .put(IntegrationDocuments.PREVIOUS_SECRET_PATH, "")
        .put(IntegrationDocuments.CREDENTIALS + "." + IntegrationDocuments.HTTP + "."
            + IntegrationDocuments.PREVIOUS_SECRET_VALID_UNTIL, ""));
    return guard(client.updateCollectionWithOptions(COLLECTION, ended, unset,
        new io.vertx.ext.mongo.UpdateOptions().setMulti(true)).map(result -> result.getDocModified()),
        "cannot drop ended previous secrets");
  }

  @Override
  public Future<Boolean> delete(String tenantId, UUID id) {
    return guard(client.removeDocument(COLLECTION, byTenantAndId(tenantId, id))
        .compose(result -> result.getRemovedCount() > 0
            ? releaseSlot(tenantId, id.toString()).map(true)
            : Future.succeededFuture(false)), "cannot delete the integration");
  }

  @Override
  public Future<Void> deleteTenant(String tenantId) {
    return guard(client.removeDocuments(COLLECTION, byTenant(tenantId))
        .compose(v -> client.removeDocument(SLOTS, new JsonObject().put("_id", tenantId))).mapEmpty(),
        "cannot delete the tenant's integrations");
  }

  @Override
  public Future<List<MonitoredIntegration>> findByTenantWithHealth(String tenantId) {
    FindOptions options = new FindOptions().setSort(LIST_ORDER);
    return guard(client.findWithOptions(COLLECTION, byTenant(tenantId), options)
        .map(documents -> documents.stream().map(d -> new MonitoredIntegration(IntegrationDocuments.fromDocument(d, keys),
            IntegrationHealthDocuments.fromDocument(d))).toList()), "cannot read integrations");
  }

  /** One unordered bulk write of one update per integration; an integration that is gone matches nothing. */
  @Override
  public Future<Void> recordHealth(List<HealthChange> changes) {
    if (changes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<BulkOperation> updates = new ArrayList<>(changes.size());
    for (HealthChange change : changes) {
      JsonObject filter = new JsonObject().put(IntegrationDocuments.ID, DocumentValues.uuidForBulk(change.integrationId()))
          .put(IntegrationDocuments.TENANT_ID, change.tenantId());
      updates.add(BulkOperation.createUpdate(filter, IntegrationHealthDocuments.update(change)));
    }
    return guard(client.bulkWriteWithOptions(COLLECTION, updates, new BulkWriteOptions(false)).mapEmpty(),
        "cannot record integration health");
  }

  @Override
  public Future<Boolean> enable(String tenantId, UUID id) {
    return guard(client.updateCollection(COLLECTION, byTenantAndId(tenantId, id), IntegrationHealthDocuments.enable())
        .map(result -> result.getDocMatched() > 0), "cannot enable the integration");
  }

  private static JsonObject byTenant(String tenantId) {
    return new JsonObject().put(IntegrationDocuments.TENANT_ID, tenantId);
  }

  private static JsonObject byTenantAndId(String tenantId, UUID id) {
    return new JsonObject().put(IntegrationDocuments.ID, DocumentValues.uuid(id))
        .put(IntegrationDocuments.TENANT_ID, tenantId);
  }
}
