package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretKeyRingTest {
  private static final byte[] PLAINTEXT = "my data".getBytes(StandardCharsets.UTF_8);
  private final SecretCipher oldKey = SecretCipher.ofKey(
      "passphrasewhichneedstobe32bytes!".getBytes(StandardCharsets.US_ASCII));
  private final SecretCipher newKey = SecretCipher.ofKey(
      "anotherpassphrasewhichis32bytes!".getBytes(StandardCharsets.US_ASCII));
  private final SecretCipher strayKey = SecretCipher.ofKey(new byte[32]);

  @Test
  void encryptsWithThePrimaryKey() {
    SecretKeyRing ring = new SecretKeyRing(newKey, Optional.of(oldKey));
    byte[] blob = ring.encrypt(PLAINTEXT);
    assertArrayEquals(PLAINTEXT, newKey.decrypt(blob));
    assertThrows(SecretDecryptionException.class, () -> oldKey.decrypt(blob));
  }

  @Test
  void primaryDecrypts() {
    SecretKeyRing ring = new SecretKeyRing(newKey, Optional.of(oldKey));
    assertArrayEquals(PLAINTEXT, ring.decrypt(newKey.encrypt(PLAINTEXT)));
  }

  @Test
  void fallbackDecryptsOldData() {
    SecretKeyRing ring = new SecretKeyRing(newKey, Optional.of(oldKey));
    assertArrayEquals(PLAINTEXT, ring.decrypt(oldKey.encrypt(PLAINTEXT)));
  }

  @Test
  void withoutFallbackOldDataFails() {
    byte[] blob = oldKey.encrypt(PLAINTEXT);
    assertThrows(SecretDecryptionException.class, () -> SecretKeyRing.of(newKey).decrypt(blob));
  }

  @Test
  void neitherKeyDecryptsReportsThePrimaryFailure() {
    SecretKeyRing ring = new SecretKeyRing(newKey, Optional.of(oldKey));
    byte[] blob = strayKey.encrypt(PLAINTEXT);
    SecretDecryptionException e = assertThrows(SecretDecryptionException.class, () -> ring.decrypt(blob));
    assertEquals("unable to decrypt the data", e.getMessage());
    assertEquals(1, e.getSuppressed().length);
  }

  @Test
  void tamperedDataFailsWithBothKeys() {
    SecretKeyRing ring = new SecretKeyRing(newKey, Optional.of(oldKey));
    byte[] blob = oldKey.encrypt(PLAINTEXT);
    blob[20] ^= 0x40;
    assertThrows(SecretDecryptionException.class, () -> ring.decrypt(blob));
  }

  @Test
  void construction() {
    assertThrows(DomainValidationException.class, () -> new SecretKeyRing(null, Optional.empty()));
    SecretKeyRing ring = new SecretKeyRing(newKey, null);
    assertEquals(Optional.empty(), ring.fallback());
    assertSame(newKey, SecretKeyRing.of(newKey).primary());
  }
}
