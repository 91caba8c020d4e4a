package io.iotmanager.webhooks.adapter.mongo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Go service's rules for reading a stored secret (API.md A9), and the previous version's forms. */
class SecretStorageTest {
  static final String KEY = key();
  static final String OLD_KEY = key();
  static final byte[] SECRET = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};

  static String key() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  static JsonObject stored(byte[] data) {
    return new JsonObject().put("algorithm", "AES_256_CFB_HMAC_SHA512").put("data", DocumentValues.binary(data));
  }

  static byte[] blob(String key, byte[] plain) {
    return SecretCipher.fromBase64Key(key).encrypt(plain);
  }

  static SecretStorage keys(String key, String fallback) {
    return SecretStorage.of(Optional.ofNullable(key), Optional.ofNullable(fallback));
  }

  @Test
  void writesTheLabelAndThePlainBytesWithoutAKeyAndABlobWithOne() {
    JsonObject plain = SecretStorage.plaintext().encode(SECRET);
    assertEquals("AES_256_CFB_HMAC_SHA512", plain.getString("algorithm"));
    assertArrayEquals(SECRET, SecretStorage.data(plain).orElseThrow());
    JsonObject encrypted = keys(KEY, null).encode(SECRET);
    assertArrayEquals(SECRET, SecretCipher.fromBase64Key(KEY).decrypt(SecretStorage.data(encrypted).orElseThrow()));
  }

  @Test
  void readsAsTheGoService() {
    byte[] underKey = blob(KEY, SECRET);
    byte[] underOld = blob(OLD_KEY, SECRET);
    assertArrayEquals(SECRET, SecretStorage.plaintext().decode(stored(SECRET)), "no key: the bytes");
    assertArrayEquals(underKey, SecretStorage.plaintext().decode(stored(underKey)), "no key: even a blob");
    assertArrayEquals(SECRET, keys(KEY, null).decode(stored(underKey)), "the key");
    assertArrayEquals(SECRET, keys(KEY, OLD_KEY).decode(stored(underOld)), "the fallback key");
    assertArrayEquals(SECRET, keys(KEY, null).decode(stored(SECRET)), "undecryptable, no fallback: plain");
    assertArrayEquals(underOld, keys(KEY, null).decode(stored(underOld)), "undecryptable, no fallback: as it is");
    assertThrows(StoredDocumentException.class, () -> keys(KEY, OLD_KEY).decode(stored(SECRET)),
        "undecryptable with a fallback key: an error");
    assertThrows(StoredDocumentException.class, () -> keys(KEY, key()).decode(stored(underOld)));
  }

  @Test
  void readsThePreviousVersionsForms() {
    assertArrayEquals(SECRET, SecretStorage.plaintext().decode("deadbeef"));
    JsonObject enc = new JsonObject().put("enc", Base64.getEncoder().encodeToString(blob(KEY, SECRET)));
    assertArrayEquals(SECRET, keys(KEY, null).decode(enc));
    assertArrayEquals(SECRET, keys(OLD_KEY, KEY).decode(enc));
    assertThrows(StoredDocumentException.class, () -> SecretStorage.plaintext().decode(enc),
        "the old encrypted form is never taken as plain");
    assertEquals(Optional.of("text"), SecretStorage.plaintext().tryDecodeText("text"));
    assertEquals(Optional.of("HostName=h"), keys(KEY, null).tryDecodeText(
        stored(blob(KEY, "HostName=h".getBytes(StandardCharsets.UTF_8)))));
  }

  @Test
  void rotationNeverTakesABlobForASecret() {
    byte[] underOld = blob(OLD_KEY, SECRET);
    assertEquals(Optional.empty(), keys(KEY, null).decodeForRotation(stored(underOld)));
    assertEquals(Optional.empty(), SecretStorage.plaintext().decodeForRotation(stored(underOld)));
    assertArrayEquals(SECRET, keys(KEY, null).decodeForRotation(stored(SECRET)).orElseThrow());
    assertTrue(SecretStorage.plaintext().isPlainForRotation(stored(SECRET)));
    assertFalse(keys(OLD_KEY, null).isPlainForRotation(stored(underOld)));
    assertTrue(keys(KEY, null).isCurrent(stored(blob(KEY, SECRET)), SECRET));
    assertFalse(keys(KEY, null).isCurrent(stored(underOld), SECRET));
    assertTrue(SecretStorage.plaintext().isCurrent(stored(SECRET), SECRET));
  }
}
