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
import java.util.TreeMap;
import java.util.UUID;

/**
 * Maps {@link Integration} to and from its document in {@value #COLLECTION}:
 * <pre>{@code
 * {_id: "<uuid>", tenant_id: "<tenant>", provider: "webhook",
 *  credentials: {type: "http", http: {url: "https://…", secret: "<hex>" | {enc: "<base64>"}}},
 *  description: "…", created_at: <Date>}
 * }</pre>
 * Other providers keep their opaque credential fields under {@code credentials}, a dotted name as a
 * nested document, e.g. {@code credentials: {type: "sas", connection_string: …}} or
 * {@code credentials: {type: "aws", aws: {access_key_id: "…", secret_access_key: …}}}; the fields that
 * {@link Credentials#isSecretField} names are stored like the webhook secret (encrypted under the key,
 * else as text). {@code secret} is absent when there is none.
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
    new TreeMap<>(credentials.opaque()).forEach((name, value) -> {
      Object stored = Credentials.isSecretField(name) ? keys.encodeText(value) : value;
      int dot = name.indexOf('.');
      if (dot > 0 && dot < name.length() - 1) {
        Object group = document.getValue(name.substring(0, dot));
        if (!(group instanceof JsonObject)) {
          group = new JsonObject();
          document.put(name.substring(0, dot), group);
        }
        ((JsonObject) group).put(name.substring(dot + 1), stored);
      } else {
        document.put(name, stored);
      }
    });
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
        String name = field.getKey();
        Object value = field.getValue();
        if (value instanceof JsonObject group && !isStoredSecret(name, value)) {
          for (Map.Entry<String, Object> inner : group) {
            if (inner.getValue() != null) {
              opaque.put(name + "." + inner.getKey(), opaqueValue(name + "." + inner.getKey(), inner.getValue(), keys));
            }
          }
        } else {
          opaque.put(name, opaqueValue(name, value, keys));
        }
      }
    }
    return new Credentials(type, http, opaque);
  }

  /** True when {@code value} is the stored form of a secret field (not a group of nested fields). */
  static boolean isStoredSecret(String name, Object value) {
    return Credentials.isSecretField(name) && SecretCodec.encryptedBlob(value).isPresent();
  }

  private static String opaqueValue(String name, Object value, SecretStorage keys) {
    if (Credentials.isSecretField(name)) {
      return keys.decodeText(value);
    }
    return value instanceof String text ? text : String.valueOf(value);
  }

  /**
   * The dotted paths (under {@code credentials}) of the secret fields of another provider's stored
   * credentials, with their stored values, for re-encryption.
   */
  static Map<String, Object> storedOpaqueSecrets(JsonObject credentials) {
    Map<String, Object> secrets = new TreeMap<>();
    if (credentials == null) {
      return secrets;
    }
    for (Map.Entry<String, Object> field : credentials) {
      String name = field.getKey();
      if (name.equals(TYPE) || name.equals(HTTP) || field.getValue() == null || name.contains(".")) {
        continue; // a legacy flat dotted name cannot be addressed by an update path
      }
      if (field.getValue() instanceof JsonObject group && !isStoredSecret(name, group)) {
        for (Map.Entry<String, Object> inner : group) {
          if (inner.getValue() != null && !inner.getKey().contains(".")
              && Credentials.isSecretField(name + "." + inner.getKey())) {
            secrets.put(name + "." + inner.getKey(), inner.getValue());
          }
        }
      } else if (Credentials.isSecretField(name)) {
        secrets.put(name, field.getValue());
      }
    }
    return secrets;
  }
}
