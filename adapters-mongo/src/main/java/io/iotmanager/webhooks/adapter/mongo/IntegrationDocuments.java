package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Maps {@link Integration} to and from its document in {@value #COLLECTION}:
 * <pre>{@code
 * {_id: "<uuid>", tenant_id: "<tenant>", provider: "webhook",
 *  credentials: {type: "http", http: {url: "https://…", secret: "<hex>" | {enc: "<base64>"}}},
 *  description: "…", created_at: <Date>}
 * }</pre>
 * Other providers keep their opaque credential fields flattened under {@code credentials}, e.g.
 * {@code credentials: {type: "sas", connection_string: "…"}}. {@code secret} is absent when there is none.
 */
final class IntegrationDocuments {
  static final String COLLECTION = "integrations";
  static final String ID = "_id";
  static final String TENANT_ID = "tenant_id";
  static final String PROVIDER = "provider";
  static final String CREDENTIALS = "credentials";
  static final String TYPE = "type";
  static final String HTTP = "http";
  static final String URL = "url";
  static final String SECRET = "secret";
  static final String DESCRIPTION = "description";
  static final String CREATED_AT = "created_at";
  /** Dotted path of the stored secret, for queries and conditional updates. */
  static final String SECRET_PATH = CREDENTIALS + "." + HTTP + "." + SECRET;

  private IntegrationDocuments() {}

  static JsonObject toDocument(Integration integration, Instant createdAt, SecretStorage keys) {
    return new JsonObject()
        .put(ID, integration.id().toString())
        .put(TENANT_ID, integration.tenantId())
        .put(PROVIDER, integration.provider().wireName())
        .put(CREDENTIALS, credentials(integration.credentials(), keys))
        .put(DESCRIPTION, integration.description())
        .put(CREATED_AT, DocumentValues.date(createdAt));
  }

  static JsonObject credentials(Credentials credentials, SecretStorage keys) {
    JsonObject document = new JsonObject();
    // opaque fields first: the two structural fields below must win over a clashing name
    credentials.opaque().forEach(document::put);
    document.put(TYPE, credentials.type().wireName());
    credentials.http().ifPresent(http -> {
      JsonObject httpDocument = new JsonObject().put(URL, http.url().toString());
      http.secret().ifPresent(secret -> httpDocument.put(SECRET, keys.encode(secret)));
      document.put(HTTP, httpDocument);
    });
    return document;
  }

  /**
   * Reads a stored integration.
   *
   * @throws StoredDocumentException when the document does not map to a valid integration, or its
   *         secret cannot be decrypted with the configured keys
   */
  static Integration fromDocument(JsonObject document, SecretStorage keys) {
    UUID id = DocumentValues.requiredUuid(document, ID);
    try {
      String tenantId = DocumentValues.requiredString(document, TENANT_ID);
      String providerName = DocumentValues.requiredString(document, PROVIDER);
      Provider provider = Provider.fromWire(providerName)
          .orElseThrow(() -> new StoredDocumentException("unknown provider " + providerName));
      Credentials credentials = credentialsFrom(document.getJsonObject(CREDENTIALS), keys);
      String description = DocumentValues.optionalString(document, DESCRIPTION).orElse("");
      return new Integration(id, tenantId, provider, credentials, description);
    } catch (StoredDocumentException | DomainValidationException | ClassCastException e) {
      throw new StoredDocumentException("integration " + id + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static Credentials credentialsFrom(JsonObject document, SecretStorage keys) {
    if (document == null) {
      throw new StoredDocumentException("field credentials is missing");
    }
    String typeName = DocumentValues.requiredString(document, TYPE);
    CredentialType type = CredentialType.fromWire(typeName)
        .orElseThrow(() -> new StoredDocumentException("unknown credentials type " + typeName));
    Optional<HttpCredentials> http = Optional.ofNullable(document.getJsonObject(HTTP)).map(h -> {
      String url = DocumentValues.requiredString(h, URL);
      Optional<WebhookSecret> secret = h.containsKey(SECRET)
          ? Optional.of(keys.decode(h.getValue(SECRET)))
          : Optional.empty();
      return new HttpCredentials(HttpCredentials.parseUrl(url), secret);
    });
    Map<String, String> opaque = new HashMap<>();
    for (Map.Entry<String, Object> field : document) {
      if (!field.getKey().equals(TYPE) && !field.getKey().equals(HTTP) && field.getValue() != null) {
        Object value = field.getValue();
        opaque.put(field.getKey(), value instanceof String text ? text : String.valueOf(value));
      }
    }
    return new Credentials(type, http, opaque);
  }
}
