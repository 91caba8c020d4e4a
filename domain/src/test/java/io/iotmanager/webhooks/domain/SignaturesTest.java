package io.iotmanager.webhooks.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignaturesTest {
  /** The body of the docs/wire-contract.md A5 test vector. */
  private static final String VECTOR_BODY = "{\"id\":\"00000000-0000-0000-0000-000000000000\","
      + "\"type\":\"device-decommissioned\",\"data\":{\"id\":\"dev1\"},\"time\":\"2024-01-01T00:00:00Z\"}";
  private static final byte[] BODY = VECTOR_BODY.getBytes(StandardCharsets.UTF_8);
  private static final UUID ZERO_ID = UUID.fromString("00000000-0000-0000-0000-000000000000");
  /** 2024-01-01T00:00:00Z. */
  private static final long TIMESTAMP = 1704067200L;

  @Test
  void menSignatureMatchesTheApiVector() {
    assertEquals("f6493416bc5db7ce6c48d4b439943d7d6fcda7d114baeef10d51d4720dbf662d",
        Signatures.menSignature(WebhookSecret.fromHex("deadbeef"), BODY));
  }

  @Test
  void menSignatureIgnoresTheCaseOfTheHexSecretAndIsLowercase() {
    String signature = Signatures.menSignature(WebhookSecret.fromHex("DEADBEEF"), BODY);
    assertEquals("f6493416bc5db7ce6c48d4b439943d7d6fcda7d114baeef10d51d4720dbf662d", signature);
  }

  /**
   * Vector computed independently: {@code python3 -c 'import hmac,hashlib;
   * print(hmac.new(b"", BODY, hashlib.sha256).hexdigest())'}.
   */
  @Test
  void emptySecretStillSigns() {
    assertEquals("38814a2154a469fd1a001991ce43071a0301e4a396460f63b2cd0dc8e6d36dee",
        Signatures.menSignature(WebhookSecret.fromHex(""), BODY));
  }

  /** python3: {@code hmac.new(b"", b"", hashlib.sha256).hexdigest()}. */
  @Test
  void emptySecretAndEmptyBody() {
    assertEquals("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad",
        Signatures.menSignature(WebhookSecret.fromHex(""), new byte[0]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "00", "deadbeef", "0102030405060708090a0b0c0d0e0f10111213141516171819"
      + "1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40414243"})
  void menSignatureEqualsAnRfc2104ComputationFromSha256(String hexKey) throws Exception {
    String expected = HexFormat.of().formatHex(rfc2104HmacSha256(HexFormat.of().parseHex(hexKey), BODY));
    assertEquals(expected, Signatures.menSignature(WebhookSecret.fromHex(hexKey), BODY));
  }

  @Test
  void emptyKeyAndSingleZeroByteKeyAreTheSameHmac() throws Exception {
    assertEquals(HexFormat.of().formatHex(rfc2104HmacSha256(new byte[0], BODY)),
        HexFormat.of().formatHex(rfc2104HmacSha256(new byte[] {0}, BODY)));
  }

  /**
   * Vector computed with python3: {@code base64.b64encode(hmac.new(bytes.fromhex("deadbeef"),
   * b"00000000-0000-0000-0000-000000000000.1704067200." + BODY, hashlib.sha256).digest())}.
   */
  @Test
  void standardWebhooksSignatureMatchesAnIndependentVector() {
    assertEquals("v1,/coQ3wpMEKIjmU7cKQMAPMk+x2xNrb39akbS473lD7E=", Signatures.standardWebhooksSignature(
        WebhookSecret.fromHex("deadbeef"), ZERO_ID.toString(), TIMESTAMP, BODY));
  }

  /** Same as above with {@code hmac.new(b"", ...)}. */
  @Test
  void standardWebhooksSignatureWithEmptySecret() {
    assertEquals("v1,IttbSBkytVyJU34ouu0OBKyawCbKCeSo590gSjQuiT4=", Signatures.standardWebhooksSignature(
        WebhookSecret.fromHex(""), ZERO_ID.toString(), TIMESTAMP, BODY));
  }

  /**
   * The example of the Standard Webhooks specification: secret
   * {@code whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw} (base64 of the key bytes below).
   */
  @Test
  void standardWebhooksSignatureMatchesTheSpecificationExample() {
    WebhookSecret secret = WebhookSecret.fromHex("31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0");
    assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Signatures.standardWebhooksSignature(
        secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
        "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void standardWebhooksSignatureDependsOnTimestampAndId() {
    WebhookSecret secret = WebhookSecret.fromHex("deadbeef");
    String base = Signatures.standardWebhooksSignature(secret, "a", 1, BODY);
    assertNotEquals(base, Signatures.standardWebhooksSignature(secret, "a", 2, BODY));
    assertNotEquals(base, Signatures.standardWebhooksSignature(secret, "b", 1, BODY));
  }

  @Test
  void headersWithSecretCarryBothSchemesInOrder() {
    WebhookSecret secret = WebhookSecret.fromHex("deadbeef");
    Map<String, String> headers = Signatures.headersFor(Optional.of(secret), ZERO_ID, TIMESTAMP, BODY);
    assertEquals(List.of("X-Men-Algorithm", "X-Men-Signature", "webhook-id", "webhook-timestamp",
        "webhook-signature"), List.copyOf(headers.keySet()));
    assertEquals("MEN-HMAC-SHA256-Payload", headers.get(Signatures.MEN_ALGORITHM_HEADER));
    assertEquals("f6493416bc5db7ce6c48d4b439943d7d6fcda7d114baeef10d51d4720dbf662d",
        headers.get(Signatures.MEN_SIGNATURE_HEADER));
    assertEquals("00000000-0000-0000-0000-000000000000", headers.get(Signatures.WEBHOOK_ID_HEADER));
    assertEquals("1704067200", headers.get(Signatures.WEBHOOK_TIMESTAMP_HEADER));
    assertEquals("v1,/coQ3wpMEKIjmU7cKQMAPMk+x2xNrb39akbS473lD7E=",
        headers.get(Signatures.WEBHOOK_SIGNATURE_HEADER));
    assertThrows(UnsupportedOperationException.class, () -> headers.put("x", "y"));
  }

  @Test
  void headersWithoutSecretAreEmpty() {
    assertEquals(Map.of(), Signatures.headersFor(Optional.empty(), ZERO_ID, TIMESTAMP, BODY));
  }

  @Test
  void headerNameConstants() {
    assertEquals("X-Men-Algorithm", Signatures.MEN_ALGORITHM_HEADER);
    assertEquals("MEN-HMAC-SHA256-Payload", Signatures.MEN_ALGORITHM);
    assertEquals("X-Men-Signature", Signatures.MEN_SIGNATURE_HEADER);
    assertEquals("webhook-id", Signatures.WEBHOOK_ID_HEADER);
    assertEquals("webhook-timestamp", Signatures.WEBHOOK_TIMESTAMP_HEADER);
    assertEquals("webhook-signature", Signatures.WEBHOOK_SIGNATURE_HEADER);
  }

  @Test
  void nullArgumentsAreRejected() {
    WebhookSecret secret = WebhookSecret.fromHex("00");
    assertThrows(DomainValidationException.class, () -> Signatures.menSignature(null, BODY));
    assertThrows(DomainValidationException.class, () -> Signatures.menSignature(secret, null));
    assertThrows(DomainValidationException.class,
        () -> Signatures.standardWebhooksSignature(secret, null, 1, BODY));
    assertThrows(DomainValidationException.class,
        () -> Signatures.headersFor(null, ZERO_ID, 1, BODY));
    assertThrows(DomainValidationException.class,
        () -> Signatures.headersFor(Optional.of(secret), null, 1, BODY));
  }

  /** HMAC-SHA256 straight from RFC 2104, independent of {@code javax.crypto.Mac}. */
  private static byte[] rfc2104HmacSha256(byte[] key, byte[] message) throws NoSuchAlgorithmException {
    int blockSize = 64;
    byte[] k = key.length > blockSize ? MessageDigest.getInstance("SHA-256").digest(key) : key;
    byte[] k0 = new byte[blockSize];
    System.arraycopy(k, 0, k0, 0, k.length);
    byte[] ipad = new byte[blockSize];
    byte[] opad = new byte[blockSize];
    for (int i = 0; i < blockSize; i++) {
      ipad[i] = (byte) (k0[i] ^ 0x36);
      opad[i] = (byte) (k0[i] ^ 0x5c);
    }
    MessageDigest inner = MessageDigest.getInstance("SHA-256");
    inner.update(ipad);
    inner.update(message);
    MessageDigest outer = MessageDigest.getInstance("SHA-256");
    outer.update(opad);
    outer.update(inner.digest());
    return outer.digest();
  }

  @Test
  void rfc2104HelperAgreesWithTheApiVector() throws Exception {
    assertEquals("f6493416bc5db7ce6c48d4b439943d7d6fcda7d114baeef10d51d4720dbf662d",
        HexFormat.of().formatHex(rfc2104HmacSha256(HexFormat.of().parseHex("deadbeef"), BODY)));
  }

  /**
   * A rotation's secrets: {@code X-Men-Signature} with the first (current) only, {@code webhook-signature} with one
   * {@code v1,} signature per secret in order, separated by a space; one secret gives what the single-secret
   * form gives, none an unsigned request.
   */
  @Test
  void withSeveralSecretsWebhookSignatureListsOnePerSecretCurrentFirst() {
    WebhookSecret current = WebhookSecret.fromHex("c0ffee");
    WebhookSecret previous = WebhookSecret.fromHex("deadbeef");
    Map<String, String> both = Signatures.requestHeaders("ua", List.of(current, previous), ZERO_ID, TIMESTAMP, BODY);
    assertEquals(Signatures.standardWebhooksSignature(current, ZERO_ID.toString(), TIMESTAMP, BODY) + " "
        + Signatures.standardWebhooksSignature(previous, ZERO_ID.toString(), TIMESTAMP, BODY),
        both.get(Signatures.WEBHOOK_SIGNATURE_HEADER));
    assertEquals(Signatures.menSignature(current, BODY), both.get(Signatures.MEN_SIGNATURE_HEADER));

    assertEquals(Signatures.requestHeaders("ua", Optional.of(current), ZERO_ID, TIMESTAMP, BODY),
        Signatures.requestHeaders("ua", List.of(current), ZERO_ID, TIMESTAMP, BODY));
    assertEquals(Signatures.requestHeaders("ua", Optional.empty(), ZERO_ID, TIMESTAMP, BODY),
        Signatures.requestHeaders("ua", List.of(), ZERO_ID, TIMESTAMP, BODY));
  }

  /** The previous secret signs strictly before the end of its overlap, and never without a current secret. */
  @Test
  void signingSecretsIncludeThePreviousOneOnlyDuringItsOverlap() {
    Instant end = Instant.parse("2030-01-01T00:00:00Z");
    WebhookSecret current = WebhookSecret.fromHex("c0ffee");
    WebhookSecret previous = WebhookSecret.fromHex("deadbeef");
    HttpCredentials http = new HttpCredentials(java.net.URI.create("https://example.com/"), Optional.of(current),
        Optional.of(new PreviousSecret(previous, end)));
    assertEquals(List.of(current, previous), http.signingSecrets(end.minusMillis(1)));
    assertEquals(List.of(current), http.signingSecrets(end));
    assertEquals(List.of(), new HttpCredentials(java.net.URI.create("https://example.com/"), Optional.empty(),
        Optional.of(new PreviousSecret(previous, end))).signingSecrets(end.minusSeconds(60)));
  }
}
