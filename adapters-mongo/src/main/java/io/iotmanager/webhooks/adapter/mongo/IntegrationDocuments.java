package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationScope;
import io.iotmanager.webhooks.domain.PreviousSecret;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Maps {@link Integration} to and from its document in {@value #COLLECTION}, exactly as Mender's Go
 * iot-manager stores it (docs/wire-contract.md A9), so that either service reads what the other wrote:
 * <pre>{@code
 * {_id: BinData(4, <uuid>), tenant_id: "<tenant>", provider: "webhook",
 *  credentials: {type: "http", http: {url: "https://…", secret?: {algorithm: "AES_256_CFB_HMAC_SHA512", data: BinData}}},
 *  description?: "…"}
 * }</pre>
 * ({@link SecretStorage} writes and reads the secret.) Other providers keep their opaque credential fields
 * under {@code credentials}, a dotted name as a nested document, e.g. {@code credentials: {type: "sas",
 * connection_string: {algorithm, data}}} or {@code credentials: {type: "aws", aws: {access_key_id: "…",
 * secret_access_key: {algorithm, data}}}}; the fields that {@link Credentials#isSecretField} names are
 * stored like the webhook secret, the others as text. The Go service stores the AWS policy document as
 * {@code device_policy_arn}: that name is kept in the document. A description is absent when empty.
 *
 * <p>Fields of this service only, which the Go service does not know and ignores (extra fields do not stop
 * it from reading the document): {@code scopes: ["deviceauth", …]} when the integration was given scopes,
 * and during a secret rotation's overlap {@code credentials.http.previous_secret} (stored exactly like
 * {@code secret}) with {@code credentials.http.previous_secret_valid_until} (a date). A credentials change
 * through the Go service replaces {@code credentials} whole, and so drops the previous secret.
 *
 * <p>Reading never fails on another provider's secret field: one that no configured key decrypts reads
 * as {@code <omitted>} (it is never shown, sent or used), so such a tenant's listing and intake work.
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
  static final String SCOPES = "scopes";
  static final String PREVIOUS_SECRET = "previous_secret";
  static final String PREVIOUS_SECRET_VALID_UNTIL = "previous_secret_valid_until";
  /** Dotted path of the stored secret, for queries and conditional updates. */
  static final String SECRET_PATH = CREDENTIALS + "." + HTTP + "." + SECRET;
  /** Dotted path of the stored previous secret of a rotation. */
  static final String PREVIOUS_SECRET_PATH = CREDENTIALS + "." + HTTP + "." + PREVIOUS_SECRET;
  /** The policy document's name in the API, and the Go service's name for it in the document. */
  private static final String POLICY_API_NAME = "device_policy_document";
  private static final String POLICY_STORED_NAME = "device_policy_arn";

  private IntegrationDocuments() {}

  static JsonObject toDocument(Integration integration, SecretStorage keys) {
    JsonObject document = new JsonObject()
        .put(ID, DocumentValues.uuid(integration.id()))
        .put(TENANT_ID, integration.tenantId())
        .put(PROVIDER, integration.provider().wireName())
        .put(CREDENTIALS, credentials(integration.credentials(), keys));
    if (!integration.description().isEmpty()) {
      document.put(DESCRIPTION, integration.description());
    }
    integration.scopes().ifPresent(scopes -> document.put(SCOPES,
        new JsonArray(scopes.stream().map(IntegrationScope::wireName).toList())));
    return document;
  }

  static JsonObject credentials(Credentials credentials, SecretStorage keys) {
    JsonObject document = new JsonObject();
    // opaque fields first: the two structural fields below must win over a clashing name
    new TreeMap<>(credentials.opaque()).forEach((apiName, value) -> {
      Object stored = Credentials.isSecretField(apiName) ? keys.encodeText(value) : value;
      String name = storedName(apiName);
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
      http.secret().ifPresent(secret -> httpDocument.put(SECRET, keys.encode(secret.bytes())));
      http.previousSecret().ifPresent(previous -> httpDocument
          .put(PREVIOUS_SECRET, keys.encode(previous.secret().bytes()))
          .put(PREVIOUS_SECRET_VALID_UNTIL, DocumentValues.date(previous.validUntil())));
      document.put(HTTP, httpDocument);
    });
    return document;
  }

  private static String storedName(String apiName) {
    return renameLeaf(apiName, POLICY_API_NAME, POLICY_STORED_NAME);
  }

  private static String apiName(String storedName) {
    return renameLeaf(storedName, POLICY_STORED_NAME, POLICY_API_NAME);
  }

  private static String renameLeaf(String name, String from, String to) {
    int dot = name.lastIndexOf('.');
    return name.substring(dot + 1).equals(from) ? name.substring(0, dot + 1) + to : name;
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
      return new Integration(id, tenantId, provider, credentials, description, scopesFrom(document));
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
      Optional<WebhookSecret> secret = h.getValue(SECRET) != null
          ? Optional.of(WebhookSecret.ofBytes(keys.decode(h.getValue(SECRET))))
          : Optional.empty();
      return new HttpCredentials(HttpCredentials.parseUrl(url), secret, previousSecretFrom(h, keys));
    });
    Map<String, String> opaque = new HashMap<>();
    for (Map.Entry<String, Object> field : document) {
      if (!field.getKey().equals(TYPE) && !field.getKey().equals(HTTP) && field.getValue() != null) {
        String name = field.getKey();
        Object value = field.getValue();
        if (value instanceof JsonObject group && !SecretStorage.isStoredSecret(value)) {
          for (Map.Entry<String, Object> inner : group) {
            if (inner.getValue() != null) {
              String innerName = apiName(name + "." + inner.getKey());
              opaque.put(innerName, opaqueValue(innerName, inner.getValue(), keys));
            }
          }
        } else {
          opaque.put(apiName(name), opaqueValue(apiName(name), value, keys));
        }
      }
    }
    return new Credentials(type, http, opaque);
  }

  /** Absent when the document has none (or null); a value this service does not know is left out. */
  private static Optional<List<IntegrationScope>> scopesFrom(JsonObject document) {
    if (!(document.getValue(SCOPES) instanceof JsonArray stored)) {
      return Optional.empty();
    }
    List<IntegrationScope> scopes = new ArrayList<>();
    for (Object value : stored) {
      if (value instanceof String name) {
        IntegrationScope.fromWire(name).ifPresent(scopes::add);
      }
    }
    return Optional.of(scopes);
  }

  /**
   * The previous secret of a rotation, when both its fields are there; one no configured key decrypts is
   * left out (requests are then signed with the current secret only) rather than making the integration
   * unreadable.
   */
  private static Optional<PreviousSecret> previousSecretFrom(JsonObject http, SecretStorage keys) {
    Object stored = http.getValue(PREVIOUS_SECRET);
    if (stored == null) {
      return Optional.empty();
    }
    Optional<Instant> validUntil;
    try {
      validUntil = DocumentValues.optionalInstant(http, PREVIOUS_SECRET_VALID_UNTIL);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    return validUntil.flatMap(until -> keys.tryDecode(stored)
        .map(bytes -> new PreviousSecret(WebhookSecret.ofBytes(bytes), until)));
  }

  private static String opaqueValue(String name, Object value, SecretStorage keys) {
    if (Credentials.isSecretField(name) || SecretStorage.isStoredSecret(value)) {
      return keys.tryDecodeText(value).orElse(WebhookSecret.OMITTED);
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
      if (field.getValue() instanceof JsonObject group && !SecretStorage.isStoredSecret(group)) {
        for (Map.Entry<String, Object> inner : group) {
          if (inner.getValue() != null && !inner.getKey().contains(".")
              && (Credentials.isSecretField(name + "." + inner.getKey())
                  || SecretStorage.isStoredSecret(inner.getValue()))) {
            secrets.put(name + "." + inner.getKey(), inner.getValue());
          }
        }
      } else if (Credentials.isSecretField(name) || SecretStorage.isStoredSecret(field.getValue())) {
        secrets.put(name, field.getValue());
      }
    }
    return secrets;
  }
}
