package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.IntegrationDocuments.COLLECTION;
import static io.iotmanager.webhooks.adapter.mongo.StoreFailures.guard;

import io.iotmanager.webhooks.domain.DomainValidationException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Key rotation ({@code re-encrypt}): rewrites every stored secret (webhook secrets, the previous secret of a
 * webhook secret rotation while it is stored, and the secret fields of other providers' credentials such as
 * iot-hub's {@code connection_string}) into the form {@code to}
 * writes, reading each with {@code from}. A secret already in that form is left alone, so a second run
 * changes nothing; each rewrite is conditional on the stored value not having changed meanwhile. Runs
 * one secret at a time (integrations are few).
 */
final class SecretRotation {
  private final MongoClient client;

  SecretRotation(MongoClient client) {
    this.client = client;
  }

  /**
   * @return how many secrets were rewritten; fails with {@code DomainValidationException} naming the integration whose
   *         secret {@code from} cannot decrypt (those before it are already rewritten: rerun after fixing
   *         the keys), or {@code StoreUnavailable}
   */
  Future<Long> rotate(SecretStorage from, SecretStorage to) {
    FindOptions options = new FindOptions()
        .setFields(new JsonObject().put(IntegrationDocuments.CREDENTIALS, 1))
        .setSort(new JsonObject().put(IntegrationDocuments.ID, 1));
    return guard(client.findWithOptions(COLLECTION, new JsonObject(), options)
        .compose(documents -> rewriteEach(stored(documents).iterator(), from, to, 0L)),
        "cannot re-encrypt secrets");
  }

  /** One stored secret: its document, its path under the document, its stored value. */
  private record StoredSecret(Object id, String path, Object value, boolean text) {}

  private static List<StoredSecret> stored(List<JsonObject> documents) {
    List<StoredSecret> secrets = new ArrayList<>();
    for (JsonObject document : documents) {
      Object id = document.getValue(IntegrationDocuments.ID);
      JsonObject credentials = document.getJsonObject(IntegrationDocuments.CREDENTIALS);
      if (credentials == null) {
        continue;
      }
      JsonObject http = credentials.getValue(IntegrationDocuments.HTTP) instanceof JsonObject h ? h : null;
      if (http != null && http.getValue(IntegrationDocuments.SECRET) != null) {
        secrets.add(new StoredSecret(id, IntegrationDocuments.SECRET_PATH,
            http.getValue(IntegrationDocuments.SECRET), false));
      }
      if (http != null && http.getValue(IntegrationDocuments.PREVIOUS_SECRET) != null) {
        secrets.add(new StoredSecret(id, IntegrationDocuments.PREVIOUS_SECRET_PATH,
            http.getValue(IntegrationDocuments.PREVIOUS_SECRET), false));
      }
      for (Map.Entry<String, Object> field : IntegrationDocuments.storedOpaqueSecrets(credentials).entrySet()) {
        secrets.add(new StoredSecret(id, IntegrationDocuments.CREDENTIALS + "." + field.getKey(), field.getValue(),
            true));
      }
    }
    return secrets;
  }

  private Future<Long> rewriteEach(Iterator<StoredSecret> secrets, SecretStorage from, SecretStorage to,
      long changed) {
    while (secrets.hasNext()) {
      StoredSecret secret = secrets.next();
      if (to.encrypts() ? to.isCurrent(secret.value(), null) : from.isPlainForRotation(secret.value())) {
        continue;
      }
      Optional<byte[]> plain = secret.text() && secret.value() instanceof String text
          ? Optional.of(text.getBytes(StandardCharsets.UTF_8))
          : from.decodeForRotation(secret.value());
      if (plain.isEmpty()) {
        return Future.failedFuture(new DomainValidationException(
            "the secret of integration " + describe(secret.id()) + " cannot be decrypted with the given key"));
      }
      if (!to.encrypts() && to.isCurrent(secret.value(), plain.get())) {
        continue;
      }
      JsonObject filter = new JsonObject().put(IntegrationDocuments.ID, secret.id()).put(secret.path(), secret.value());
      JsonObject update = new JsonObject().put("$set", new JsonObject().put(secret.path(), to.encode(plain.get())));
      return client.updateCollection(COLLECTION, filter, update)
          .compose(result -> rewriteEach(secrets, from, to, changed + result.getDocModified()));
    }
    return Future.succeededFuture(changed);
  }

  private static String describe(Object id) {
    try {
      return DocumentValues.uuidValue(id, IntegrationDocuments.ID).toString();
    } catch (StoredDocumentException e) {
      return String.valueOf(id);
    }
  }
}
