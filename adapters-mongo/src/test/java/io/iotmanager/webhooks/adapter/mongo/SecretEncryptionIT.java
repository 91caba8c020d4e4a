package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.domain.DomainValidationException;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.PreviousSecret;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets at rest (docs/wire-contract.md A7, A9), in the Go service's {@code {algorithm, data}} form: the plain bytes without
 * a key, AES blobs with one, the fallback key, the Go service's reading rules, and re-encryption.
 */
@ExtendWith(VertxExtension.class)
class SecretEncryptionIT {
  static final String KEY_A = newKey();
  static final String KEY_B = newKey();

  @RegisterExtension
  static final TestStores.ServerPerClass SERVER = new TestStores.ServerPerClass();

  Vertx vertx;
  String dbName;
  final List<MongoStore> opened = new ArrayList<>();


  @BeforeEach
  void newDatabase(Vertx vertx) {
    this.vertx = vertx;
    this.dbName = TestStores.randomDbName("secrets");
  }

  @AfterEach
  void dropDatabase() {
    if (!opened.isEmpty()) {
      TestStores.dropDatabase(opened.get(0));
    }
    opened.forEach(store -> await(store.close()));
  }

  static String newKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  MongoStore store(Optional<String> key, Optional<String> fallbackKey) {
    MongoStore store = TestStores.open(vertx, TestStores.settings(SERVER.server(), dbName).withAesKeys(key, fallbackKey));
    opened.add(store);
    return store;
  }

  static Integration webhook(String tenant, String hexSecret) {
    return new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK, Credentials.http(
        new HttpCredentials(URI.create("https://example.com/" + tenant), Optional.of(WebhookSecret.fromHex(hexSecret)))),
        "");
  }

  static String secretOf(MongoStore store, Integration integration) {
    return await(store.integrations().findById(integration.tenantId(), integration.id())).orElseThrow()
        .credentials().http().orElseThrow().secret().orElseThrow().toHex();
  }

  static Object storedSecret(MongoStore store, Integration integration) {
    JsonObject document = await(store.client().findOne("integrations",
        new JsonObject().put("_id", DocumentValues.uuid(integration.id())), null));
    return document.getJsonObject("credentials").getJsonObject("http").getValue("secret");
  }

  /** The bytes of a stored {@code {algorithm, data}} secret, checking the label. */
  static byte[] storedData(Object stored) {
    JsonObject secret = assertInstanceOf(JsonObject.class, stored);
    assertEquals("AES_256_CFB_HMAC_SHA512", secret.getString("algorithm"), secret.encode());
    return DocumentValues.optionalBinary(secret, "data").orElseThrow();
  }

  static Throwable readFailure(MongoStore store, Integration integration) {
    return failure(store.integrations().findById(integration.tenantId(), integration.id()));
  }

  @Test
  void withoutAKeySecretsAreStoredAsTheirBytesUnderTheAlgorithmLabel() {
    MongoStore plain = store(Optional.empty(), Optional.empty());
    Integration integration = webhook("t1", "00ff10");
    await(plain.integrations().insert(integration, 1));
    assertArrayEquals(HexFormat.of().parseHex("00ff10"), storedData(storedSecret(plain, integration)));
    assertEquals("00ff10", secretOf(plain, integration));
  }

  @Test
  void withAKeySecretsAreStoredAsAesBlobsThatDecryptUnderThatKey() {
    MongoStore encrypted = store(Optional.of(KEY_A), Optional.empty());
    Integration integration = webhook("t1", "deadbeef");
    Integration empty = webhook("t2", "");
    await(encrypted.integrations().insert(integration, 1));
    await(encrypted.integrations().insert(empty, 1));

    byte[] blob = storedData(storedSecret(encrypted, integration));
    assertEquals(1 + 16 + 4 + 64, blob.length, "0x01 || IV || ciphertext || HMAC-SHA512");
    assertEquals(SecretCipher.VERSION, blob[0]);
    assertArrayEquals(HexFormat.of().parseHex("deadbeef"), SecretCipher.fromBase64Key(KEY_A).decrypt(blob));
    assertEquals("deadbeef", secretOf(encrypted, integration));
    assertEquals("", secretOf(encrypted, empty), "an empty secret still round-trips");

    // the same key reads it back from another instance; updating credentials re-encrypts
    MongoStore again = store(Optional.of(KEY_A), Optional.empty());
    assertEquals("deadbeef", secretOf(again, integration));
    Credentials replaced = Credentials.http(new HttpCredentials(URI.create("https://example.com/new"),
        Optional.of(WebhookSecret.fromHex("0102"))));
    assertTrue(await(again.integrations().updateCredentials("t1", integration.id(), replaced)));
    assertArrayEquals(new byte[] {1, 2},
        SecretCipher.fromBase64Key(KEY_A).decrypt(storedData(storedSecret(again, integration))));
    assertEquals("0102", secretOf(encrypted, integration));
  }

  /**
   * As the Go service: with a fallback key, bytes neither key decrypts are an error; without one, they are
   * taken as the plain secret (that is how secrets stored before a key was set stay readable).
   */
  @Test
  void aWrongKeyWithAFallbackCannotReadAndSaysSoWithoutOneTheBytesAreTakenAsTheyAre() {
    MongoStore encrypted = store(Optional.of(KEY_A), Optional.empty());
    Integration integration = webhook("t1", "deadbeef");
    await(encrypted.integrations().insert(integration, 1));
    byte[] blob = storedData(storedSecret(encrypted, integration));

    Throwable wrongKeys = readFailure(store(Optional.of(KEY_B), Optional.of(newKey())), integration);
    assertInstanceOf(ApplicationException.StoreUnavailable.class, wrongKeys);
    assertTrue(wrongKeys.getMessage().contains("aes_encryption_key"), wrongKeys.getMessage());
    assertEquals(HexFormat.of().formatHex(blob), secretOf(store(Optional.of(KEY_B), Optional.empty()), integration));
    assertEquals(HexFormat.of().formatHex(blob), secretOf(store(Optional.empty(), Optional.empty()), integration));
  }

  @Test
  void theFallbackKeyReadsSecretsOfThePreviousKeyDuringARotation() {
    MongoStore old = store(Optional.of(KEY_A), Optional.empty());
    Integration before = webhook("t1", "aa");
    await(old.integrations().insert(before, 1));

    MongoStore rotating = store(Optional.of(KEY_B), Optional.of(KEY_A));
    assertEquals("aa", secretOf(rotating, before));
    Integration after = webhook("t2", "bb");
    await(rotating.integrations().insert(after, 1));
    // new secrets are written under the new key only
    byte[] blob = storedData(storedSecret(rotating, after));
    assertArrayEquals(new byte[] {(byte) 0xbb}, SecretCipher.fromBase64Key(KEY_B).decrypt(blob));
    assertInstanceOf(ApplicationException.StoreUnavailable.class,
        readFailure(store(Optional.of(KEY_A), Optional.of(newKey())), after));
  }

  @Test
  void plaintextSecretsStayReadableOnceAKeyIsConfigured() {
    MongoStore plain = store(Optional.empty(), Optional.empty());
    Integration integration = webhook("t1", "cafe");
    await(plain.integrations().insert(integration, 1));
    assertEquals("cafe", secretOf(store(Optional.of(KEY_A), Optional.empty()), integration));
  }

  @Test
  void reencryptSecretsRewritesEverySecretUnderTheNewKey() {
    MongoStore plain = store(Optional.empty(), Optional.empty());
    Integration one = webhook("t1", "01");
    Integration two = webhook("t2", "0202");
    Integration noSecret = new Integration(UUID.randomUUID(), "t3", Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create("https://example.com/3"), Optional.empty())), "");
    await(plain.integrations().insert(one, 1));
    await(plain.integrations().insert(two, 1));
    await(plain.integrations().insert(noSecret, 1));

    // plaintext -> key A
    assertEquals(2L, await(plain.reencryptSecrets(Optional.empty(), Optional.of(KEY_A))));
    assertEquals(0L, await(plain.reencryptSecrets(Optional.empty(), Optional.of(KEY_A))), "idempotent");
    MongoStore underA = store(Optional.of(KEY_A), Optional.empty());
    assertEquals("01", secretOf(underA, one));
    assertEquals("0202", secretOf(underA, two));
    assertArrayEquals(new byte[] {1}, SecretCipher.fromBase64Key(KEY_A).decrypt(storedData(storedSecret(plain, one))));

    // key A -> key B, reading with an explicit old key
    assertEquals(2L, await(plain.reencryptSecrets(Optional.of(KEY_A), Optional.of(KEY_B))));
    MongoStore underB = store(Optional.of(KEY_B), Optional.empty());
    assertEquals("01", secretOf(underB, one));
    assertEquals("0202", secretOf(underB, two));
    assertInstanceOf(ApplicationException.StoreUnavailable.class,
        readFailure(store(Optional.of(KEY_A), Optional.of(newKey())), one));
    assertEquals(Optional.empty(), await(underB.integrations().findById("t3", noSecret.id())).orElseThrow()
        .credentials().http().orElseThrow().secret());

    // the configured keys (B, fallback A) decrypt; back to plaintext
    MongoStore rotating = store(Optional.of(KEY_B), Optional.of(KEY_A));
    assertEquals(2L, await(rotating.reencryptSecrets(Optional.empty(), Optional.empty())));
    assertEquals(0L, await(rotating.reencryptSecrets(Optional.empty(), Optional.empty())), "idempotent");
    assertArrayEquals(new byte[] {1}, storedData(storedSecret(rotating, one)));
    assertArrayEquals(new byte[] {2, 2}, storedData(storedSecret(rotating, two)));
  }

  @Test
  void reencryptSecretsRefusesAKeyThatDoesNotDecrypt() {
    MongoStore encrypted = store(Optional.of(KEY_A), Optional.empty());
    Integration integration = webhook("t1", "01");
    await(encrypted.integrations().insert(integration, 1));

    Throwable wrongKey = failure(encrypted.reencryptSecrets(Optional.of(KEY_B), Optional.empty()));
    assertInstanceOf(DomainValidationException.class, wrongKey);
    assertTrue(wrongKey.getMessage().contains(integration.id().toString()), wrongKey.getMessage());
    assertEquals("01", secretOf(encrypted, integration), "nothing was rewritten");

    assertInstanceOf(DomainValidationException.class,
        failure(encrypted.reencryptSecrets(Optional.empty(), Optional.of("not a key"))));
  }

  static Integration iotHub(String tenant, String connectionString) {
    return new Integration(UUID.randomUUID(), tenant, Provider.IOT_HUB, new Credentials(CredentialType.SAS,
        Optional.empty(), Map.of("connection_string", connectionString)), "");
  }

  static Integration iotCore(String tenant, String secretAccessKey) {
    return new Integration(UUID.randomUUID(), tenant, Provider.IOT_CORE, new Credentials(CredentialType.AWS,
        Optional.empty(), Map.of("aws.access_key_id", "AKIAEXAMPLE", "aws.secret_access_key", secretAccessKey,
            "aws.region", "eu-west-1")), "");
  }

  JsonObject storedCredentials(MongoStore store, Integration integration) {
    return await(store.client().findOne("integrations", new JsonObject().put("_id", DocumentValues.uuid(integration.id())),
        null)).getJsonObject("credentials");
  }

  Map<String, String> opaqueOf(MongoStore store, Integration integration) {
    return await(store.integrations().findById(integration.tenantId(), integration.id())).orElseThrow()
        .credentials().opaque();
  }

  @Test
  void otherProvidersSecretFieldsAreEncryptedLikeWebhookSecrets() {
    MongoStore encrypted = store(Optional.of(KEY_A), Optional.empty());
    Integration hub = iotHub("t1", "HostName=h;SharedAccessKeyName=n;SharedAccessKey=c2VjcmV0");
    Integration core = iotCore("t2", "wJalrXUtnFEMI");
    await(encrypted.integrations().insert(hub, 1));
    await(encrypted.integrations().insert(core, 1));

    JsonObject hubStored = storedCredentials(encrypted, hub);
    assertEquals("HostName=h;SharedAccessKeyName=n;SharedAccessKey=c2VjcmV0", new String(SecretCipher.fromBase64Key(KEY_A)
        .decrypt(storedData(hubStored.getValue("connection_string"))), StandardCharsets.UTF_8));
    JsonObject coreStored = storedCredentials(encrypted, core);
    JsonObject aws = coreStored.getJsonObject("aws");
    assertNotNull(aws, "dotted names are nested documents: " + coreStored.encode());
    assertEquals("wJalrXUtnFEMI", new String(SecretCipher.fromBase64Key(KEY_A)
        .decrypt(storedData(aws.getValue("secret_access_key"))), StandardCharsets.UTF_8));
    assertEquals("AKIAEXAMPLE", aws.getString("access_key_id"));
    assertEquals("eu-west-1", aws.getString("region"));

    assertEquals(hub.credentials().opaque(), opaqueOf(encrypted, hub));
    assertEquals(core.credentials().opaque(), opaqueOf(encrypted, core));
    assertEquals(hub.credentials().opaque(), opaqueOf(store(Optional.of(KEY_B), Optional.of(KEY_A)), hub));
    // never a failure: a secret field no key decrypts reads as <omitted> (it is never shown nor used)
    assertEquals(Map.of("connection_string", WebhookSecret.OMITTED),
        opaqueOf(store(Optional.of(KEY_B), Optional.of(newKey())), hub));
  }

  @Test
  void withoutAKeyOtherProvidersSecretFieldsAreTheirBytesUnderTheAlgorithmLabel() {
    MongoStore plain = store(Optional.empty(), Optional.empty());
    Integration core = iotCore("t1", "wJalrXUtnFEMI");
    await(plain.integrations().insert(core, 1));
    assertArrayEquals("wJalrXUtnFEMI".getBytes(StandardCharsets.UTF_8),
        storedData(storedCredentials(plain, core).getJsonObject("aws").getValue("secret_access_key")));
    assertEquals(core.credentials().opaque(), opaqueOf(plain, core));
    // once a key is configured, such fields stay readable, as plaintext webhook secrets do
    assertEquals(core.credentials().opaque(), opaqueOf(store(Optional.of(KEY_A), Optional.empty()), core));
  }

  @Test
  void reencryptSecretsCoversOtherProvidersSecretFields() {
    MongoStore plain = store(Optional.empty(), Optional.empty());
    Integration hook = webhook("t1", "01");
    Integration hub = iotHub("t2", "HostName=h;SharedAccessKey=k");
    Integration core = iotCore("t3", "wJalrXUtnFEMI");
    for (Integration integration : List.of(hook, hub, core)) {
      await(plain.integrations().insert(integration, 1));
    }

    assertEquals(3L, await(plain.reencryptSecrets(Optional.empty(), Optional.of(KEY_A))));
    assertEquals(0L, await(plain.reencryptSecrets(Optional.empty(), Optional.of(KEY_A))), "idempotent");
    assertEquals("HostName=h;SharedAccessKey=k", new String(SecretCipher.fromBase64Key(KEY_A)
        .decrypt(storedData(storedCredentials(plain, hub).getValue("connection_string"))), StandardCharsets.UTF_8));
    MongoStore underA = store(Optional.of(KEY_A), Optional.empty());
    assertEquals(hub.credentials().opaque(), opaqueOf(underA, hub));
    assertEquals(core.credentials().opaque(), opaqueOf(underA, core));

    Throwable wrongKey = failure(plain.reencryptSecrets(Optional.of(KEY_B), Optional.empty()));
    assertInstanceOf(DomainValidationException.class, wrongKey);

    assertEquals(3L, await(plain.reencryptSecrets(Optional.of(KEY_A), Optional.of(KEY_B))));
    assertEquals(core.credentials().opaque(), opaqueOf(store(Optional.of(KEY_B), Optional.empty()), core));
    assertEquals(3L, await(plain.reencryptSecrets(Optional.of(KEY_B), Optional.empty())), "back to plain bytes");
    assertArrayEquals("HostName=h;SharedAccessKey=k".getBytes(StandardCharsets.UTF_8),
        storedData(storedCredentials(plain, hub).getValue("connection_string")));
  }

  @Test
  void aMalformedKeyFailsTheOpen() {
    Throwable malformed = failure(MongoStore.open(vertx,
        TestStores.settings(SERVER.server(), dbName).withAesKeys(Optional.of("c2hvcnQ="), Optional.empty())));
    assertInstanceOf(IllegalArgumentException.class, malformed);
    assertTrue(malformed.getMessage().contains("aes_encryption_key"), malformed.getMessage());
  }

  static Object storedPreviousSecret(MongoStore store, Integration integration) {
    JsonObject document = await(store.client().findOne("integrations",
        new JsonObject().put("_id", DocumentValues.uuid(integration.id())), null));
    return document.getJsonObject("credentials").getJsonObject("http").getValue("previous_secret");
  }

  static Credentials rotated(Integration integration, String newHex, String previousHex) {
    return Credentials.http(new HttpCredentials(integration.credentials().http().orElseThrow().url(),
        Optional.of(WebhookSecret.fromHex(newHex)),
        Optional.of(new PreviousSecret(WebhookSecret.fromHex(previousHex), Instant.parse("2030-01-01T00:00:00Z")))));
  }

  static String previousSecretOf(MongoStore store, Integration integration) {
    return await(store.integrations().findById(integration.tenantId(), integration.id())).orElseThrow()
        .credentials().http().orElseThrow().previousSecret().orElseThrow().secret().toHex();
  }

  /** The previous secret of a rotation is stored exactly like the secret: an AES blob under the key. */
  @Test
  void withAKeyThePreviousSecretIsStoredEncryptedLikeTheSecret() {
    MongoStore encrypted = store(Optional.of(KEY_A), Optional.empty());
    Integration integration = webhook("t1", "deadbeef");
    await(encrypted.integrations().insert(integration, 1));
    assertTrue(await(encrypted.integrations().updateCredentials("t1", integration.id(),
        rotated(integration, "c0ffee", "deadbeef"))));

    byte[] blob = storedData(storedPreviousSecret(encrypted, integration));
    assertEquals(1 + 16 + 4 + 64, blob.length, "0x01 || IV || ciphertext || HMAC-SHA512");
    assertEquals(SecretCipher.VERSION, blob[0]);
    assertArrayEquals(HexFormat.of().parseHex("deadbeef"), SecretCipher.fromBase64Key(KEY_A).decrypt(blob));
    assertEquals("deadbeef", previousSecretOf(store(Optional.of(KEY_A), Optional.empty()), integration));
    assertEquals("c0ffee", secretOf(encrypted, integration));
  }

  /** {@code re-encrypt} rewrites the previous secret with the secret, and reads it under the new key after. */
  @Test
  void reencryptSecretsCoversThePreviousSecret() {
    MongoStore plain = store(Optional.empty(), Optional.empty());
    Integration integration = webhook("t1", "01");
    await(plain.integrations().insert(integration, 1));
    assertTrue(await(plain.integrations().updateCredentials("t1", integration.id(), rotated(integration, "02", "01"))));

    assertEquals(2L, await(plain.reencryptSecrets(Optional.empty(), Optional.of(KEY_A))), "the secret and the previous one");
    assertEquals(0L, await(plain.reencryptSecrets(Optional.empty(), Optional.of(KEY_A))), "idempotent");
    assertArrayEquals(new byte[] {1},
        SecretCipher.fromBase64Key(KEY_A).decrypt(storedData(storedPreviousSecret(plain, integration))));
    MongoStore underA = store(Optional.of(KEY_A), Optional.empty());
    assertEquals("01", previousSecretOf(underA, integration));
    assertEquals("02", secretOf(underA, integration));

    assertEquals(2L, await(plain.reencryptSecrets(Optional.of(KEY_A), Optional.empty())), "back to plain bytes");
    assertArrayEquals(new byte[] {1}, storedData(storedPreviousSecret(plain, integration)));
  }
}
