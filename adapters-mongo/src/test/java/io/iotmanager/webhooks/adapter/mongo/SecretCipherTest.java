package io.iotmanager.webhooks.adapter.mongo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixed vectors were computed outside Java, twice, with identical results:
 * <pre>
 * printf '%s' "$PLAINTEXT" | openssl enc -aes-256-cfb -K "$KEY_HEX" -iv "$IV_HEX" | xxd -p   # ciphertext
 * printf '%s' "$PLAINTEXT" | openssl dgst -sha512 -mac HMAC -macopt hexkey:"$KEY_HEX"        # HMAC
 * </pre>
 * and with python3 {@code cryptography} ({@code Cipher(AES(key), CFB(iv))}) plus {@code hmac.new(key,
 * plaintext, hashlib.sha512)}; the blob is {@code 01 || iv || ciphertext || hmac}.
 */
class SecretCipherTest {
  /** The test key of iot-manager's own crypto tests, as raw bytes. */
  private static final String GO_TEST_KEY = "passphrasewhichneedstobe32bytes!";
  private static final String GO_TEST_KEY_BASE64 = "cGFzc3BocmFzZXdoaWNobmVlZHN0b2JlMzJieXRlcyE=";
  private static final byte[] IV_COUNTING = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
  private static final String VECTOR_PLAINTEXT = "0123456789abcdef0123";
  private static final String VECTOR_BLOB = "01" + "000102030405060708090a0b0c0d0e0f"
      + "4251b5850f6be7709a9d75fb76c093a0bd98c6bf"
      + "a8754041da40f17cfc415b7b03aa3a954e51dbe0fdffd2a7ad3419d3b6fccf2d"
      + "91ad6f38daaac19a2acc01e41213cac54b750a66902cef70f8f9455138269a20";
  private static final String EMPTY_PLAINTEXT_BLOB = "01" + "000102030405060708090a0b0c0d0e0f"
      + "bc227b3271514f4a3cc7225495c95929dc38eb2acf72fc69d4e3c1daf0d9a860"
      + "b1ca880eb90353985c96d377340ba739affb1decafa6c4110e9831472cab97a2";
  /** Key bytes 00..1f, IV ff x 16, plaintext the secret bytes de ad be ef. */
  private static final String COUNTING_KEY_BLOB = "01" + "ffffffffffffffffffffffffffffffff" + "37345af2"
      + "d2e5d10f61a88461a93b8d08a6ac68a4420e5ec7fd8b3f67dc00fee310775df1"
      + "0e445e2ee3737797ed7c0938c3ee72b52b3aebc4ad9276759cd6618cb751e730";

  private static final HexFormat HEX = HexFormat.of();
  private final SecretCipher cipher = SecretCipher.fromBase64Key(GO_TEST_KEY_BASE64);
  private final SecretCipher other = SecretCipher.ofKey(
      "anotherpassphrasewhichis32bytes!".getBytes(StandardCharsets.US_ASCII));

  @Test
  void fixedVector() {
    byte[] blob = cipher.encrypt(VECTOR_PLAINTEXT.getBytes(StandardCharsets.UTF_8), IV_COUNTING);
    assertEquals(VECTOR_BLOB, HEX.formatHex(blob));
    assertEquals(VECTOR_PLAINTEXT, new String(cipher.decrypt(HEX.parseHex(VECTOR_BLOB)), StandardCharsets.UTF_8));
  }

  @Test
  void fixedVectorWithEmptyPlaintext() {
    assertEquals(EMPTY_PLAINTEXT_BLOB, HEX.formatHex(cipher.encrypt(new byte[0], IV_COUNTING)));
    assertArrayEquals(new byte[0], cipher.decrypt(HEX.parseHex(EMPTY_PLAINTEXT_BLOB)));
    assertEquals(SecretCipher.MIN_BLOB_LENGTH, HEX.parseHex(EMPTY_PLAINTEXT_BLOB).length);
  }

  @Test
  void fixedVectorWithBinarySecret() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) i;
    }
    SecretCipher counting = SecretCipher.fromBase64Key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    byte[] iv = new byte[16];
    Arrays.fill(iv, (byte) 0xff);
    assertEquals(COUNTING_KEY_BLOB, HEX.formatHex(counting.encrypt(HEX.parseHex("deadbeef"), iv)));
    assertEquals(COUNTING_KEY_BLOB, HEX.formatHex(SecretCipher.ofKey(key).encrypt(HEX.parseHex("deadbeef"), iv)));
  }

  @Test
  void layout() {
    byte[] plaintext = "secret".getBytes(StandardCharsets.UTF_8);
    byte[] blob = cipher.encrypt(plaintext, IV_COUNTING);
    assertEquals(1 + 16 + plaintext.length + 64, blob.length);
    assertEquals(SecretCipher.VERSION, blob[0]);
    assertArrayEquals(IV_COUNTING, Arrays.copyOfRange(blob, 1, 17));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 17, 32, 100, 4096})
  void roundTrip(int length) {
    byte[] plaintext = new byte[length];
    for (int i = 0; i < length; i++) {
      plaintext[i] = (byte) (i * 31 + 7);
    }
    byte[] blob = cipher.encrypt(plaintext);
    assertArrayEquals(plaintext, cipher.decrypt(blob));
  }

  @Test
  void randomIvsDiffer() {
    byte[] plaintext = "same".getBytes(StandardCharsets.UTF_8);
    byte[] first = cipher.encrypt(plaintext);
    byte[] second = cipher.encrypt(plaintext);
    assertFalse(Arrays.equals(Arrays.copyOfRange(first, 1, 17), Arrays.copyOfRange(second, 1, 17)));
    assertArrayEquals(cipher.decrypt(first), cipher.decrypt(second));
  }

  @Test
  void encryptionDoesNotAlterItsInputs() {
    byte[] plaintext = "abc".getBytes(StandardCharsets.UTF_8);
    byte[] iv = IV_COUNTING.clone();
    cipher.encrypt(plaintext, iv);
    assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), plaintext);
    assertArrayEquals(IV_COUNTING, iv);
  }

  @Test
  void wrongKeyFails() {
    byte[] blob = cipher.encrypt("value".getBytes(StandardCharsets.UTF_8));
    SecretDecryptionException e = assertThrows(SecretDecryptionException.class, () -> other.decrypt(blob));
    assertEquals("unable to decrypt the data", e.getMessage());
  }

  @Test
  void everyTamperedByteFails() {
    byte[] blob = HEX.parseHex(VECTOR_BLOB);
    for (int i = 1; i < blob.length; i++) {
      byte[] tampered = blob.clone();
      tampered[i] ^= 0x01;
      int index = i;
      assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(tampered), "byte " + index);
    }
  }

  @Test
  void otherVersionFails() {
    byte[] blob = HEX.parseHex(VECTOR_BLOB);
    blob[0] = 0x02;
    SecretDecryptionException e = assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(blob));
    assertTrue(e.getMessage().contains("version"), e.getMessage());
  }

  @Test
  void truncatedOrExtendedBlobFails() {
    byte[] blob = HEX.parseHex(VECTOR_BLOB);
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(Arrays.copyOf(blob, blob.length - 1)));
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(Arrays.copyOf(blob, blob.length + 1)));
  }

  @Test
  void shortInputFails() {
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(null));
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(new byte[0]));
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(new byte[] {1}));
    SecretDecryptionException e = assertThrows(SecretDecryptionException.class,
        () -> cipher.decrypt(new byte[SecretCipher.MIN_BLOB_LENGTH - 1]));
    assertEquals("cipher text is too short", e.getMessage());
  }

  @Test
  void plaintextStoredWithoutAKeyIsNotMistakenForCiphertext() {
    // the original stores raw bytes when no key is configured; they must not decrypt by accident
    assertThrows(SecretDecryptionException.class, () -> cipher.decrypt(new byte[100]));
  }

  @Test
  void keyAcceptsUrlSafeAlphabetAndMissingPadding() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0xfb);
    String standard = Base64.getEncoder().encodeToString(key);
    assertTrue(standard.contains("+") && standard.contains("/") && standard.endsWith("="), standard);
    String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    byte[] expected = SecretCipher.ofKey(key).encrypt(new byte[] {1, 2, 3}, IV_COUNTING);
    for (String text : new String[] {standard, urlSafe, standard.replace("=", ""), " " + standard + "\n"}) {
      assertArrayEquals(expected, SecretCipher.fromBase64Key(text).encrypt(new byte[] {1, 2, 3}, IV_COUNTING), text);
    }
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "not base64!", "AAAA", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", "A"})
  void keyMustBeBase64Of32Bytes(String text) {
    DomainValidationException e = assertThrows(DomainValidationException.class,
        () -> SecretCipher.fromBase64Key(text));
    assertEquals("aes encryption key must be base64 of 32 bytes", e.getMessage());
  }

  @Test
  void rawKeyMustBe32Bytes() {
    assertThrows(DomainValidationException.class, () -> SecretCipher.ofKey(null));
    assertThrows(DomainValidationException.class, () -> SecretCipher.ofKey(new byte[16]));
    assertThrows(DomainValidationException.class, () -> SecretCipher.ofKey(new byte[33]));
  }

  @Test
  void keyIsCopied() {
    byte[] key = GO_TEST_KEY.getBytes(StandardCharsets.US_ASCII);
    SecretCipher copy = SecretCipher.ofKey(key);
    Arrays.fill(key, (byte) 0);
    assertEquals(VECTOR_BLOB, HEX.formatHex(copy.encrypt(VECTOR_PLAINTEXT.getBytes(StandardCharsets.UTF_8),
        IV_COUNTING)));
  }

  @Test
  void badEncryptArguments() {
    assertThrows(DomainValidationException.class, () -> cipher.encrypt(null));
    assertThrows(DomainValidationException.class, () -> cipher.encrypt(new byte[1], null));
    assertThrows(DomainValidationException.class, () -> cipher.encrypt(new byte[1], new byte[15]));
    assertThrows(DomainValidationException.class, () -> cipher.encrypt(new byte[1], new byte[17]));
  }

  @Test
  void doesNotPrintTheKey() {
    assertEquals("SecretCipher[<omitted>]", cipher.toString());
  }
}
