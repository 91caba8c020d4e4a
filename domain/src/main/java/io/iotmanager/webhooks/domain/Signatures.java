package io.iotmanager.webhooks.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures of a webhook request (docs/wire-contract.md A5 and B4): Mender's {@code X-Men-Signature} and the
 * Standard Webhooks {@code webhook-signature}, both HMAC-SHA256 keyed with the hex-decoded secret.
 */
public final class Signatures {
  /** Header naming Mender's signature algorithm. */
  public static final String MEN_ALGORITHM_HEADER = "X-Men-Algorithm";
  /** The only value of {@link #MEN_ALGORITHM_HEADER}. */
  public static final String MEN_ALGORITHM = "MEN-HMAC-SHA256-Payload";
  /** Header carrying the lowercase hex HMAC-SHA256 of the body. */
  public static final String MEN_SIGNATURE_HEADER = "X-Men-Signature";
  /** Standard Webhooks: the event id, the same on every attempt. */
  public static final String WEBHOOK_ID_HEADER = "webhook-id";
  /** Standard Webhooks: unix seconds of this attempt. */
  public static final String WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp";
  /** Standard Webhooks: {@code v1,<base64 signature>}. */
  public static final String WEBHOOK_SIGNATURE_HEADER = "webhook-signature";

  private static final String HMAC_SHA256 = "HmacSHA256";
  /**
   * HMAC pads a key shorter than the hash block with zero bytes, so the empty key and the single
   * zero byte give the same MAC; {@link SecretKeySpec} rejects the former, so we use the latter.
   */
  private static final byte[] EMPTY_KEY_EQUIVALENT = {0};

  private Signatures() {}

  /** Lowercase hex of HMAC-SHA256(key = secret bytes, message = body), the {@code X-Men-Signature}. */
  public static String menSignature(WebhookSecret secret, byte[] body) {
    requireNonNull(secret, "secret");
    requireNonNull(body, "body");
    return HexFormat.of().formatHex(hmacSha256(secret.bytes(), body));
  }

  /**
   * The Standard Webhooks signature {@code v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>}.
   */
  public static String standardWebhooksSignature(WebhookSecret secret, String webhookId, long timestampSeconds,
      byte[] body) {
    requireNonNull(secret, "secret");
    requireNonNull(webhookId, "webhook id");
    requireNonNull(body, "body");
    byte[] prefix = (webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
    byte[] message = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, message, 0, prefix.length);
    System.arraycopy(body, 0, message, prefix.length, body.length);
    return "v1," + Base64.getEncoder().encodeToString(hmacSha256(secret.bytes(), message));
  }

  /**
   * The signature headers of one attempt, in a stable order: {@code X-Men-Algorithm},
   * {@code X-Men-Signature}, {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}.
   * Empty when there is no secret (the request is then unsigned, as in the original).
   *
   * @param timestampSeconds unix seconds of this attempt
   */
  public static Map<String, String> headersFor(Optional<WebhookSecret> secret, UUID eventId, long timestampSeconds,
      byte[] body) {
    requireNonNull(secret, "secret");
    requireNonNull(eventId, "event id");
    requireNonNull(body, "body");
    if (secret.isEmpty()) {
      return Map.of();
    }
    WebhookSecret key = secret.get();
    String id = eventId.toString();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(MEN_ALGORITHM_HEADER, MEN_ALGORITHM);
    headers.put(MEN_SIGNATURE_HEADER, menSignature(key, body));
    headers.put(WEBHOOK_ID_HEADER, id);
    headers.put(WEBHOOK_TIMESTAMP_HEADER, Long.toString(timestampSeconds));
    headers.put(WEBHOOK_SIGNATURE_HEADER, standardWebhooksSignature(key, id, timestampSeconds, body));
    return Collections.unmodifiableMap(headers);
  }

  /**
   * Every header of one webhook request, built here only: {@code Content-Type}, {@code User-Agent},
   * {@code webhook-id}, {@code webhook-timestamp} and, with a secret, the signature headers of
   * {@link #headersFor}.
   */
  public static Map<String, String> requestHeaders(String userAgent, Optional<WebhookSecret> secret, UUID eventId,
      long timestampSeconds, byte[] body) {
    requireNonNull(secret, "secret");
    return requestHeaders(userAgent, secret.map(List::of).orElse(List.of()), eventId, timestampSeconds, body);
  }

  /**
   * As {@link #requestHeaders(String, Optional, UUID, long, byte[])} with the secrets of a rotation
   * ({@link HttpCredentials#signingSecrets}), the current one first: {@code X-Men-Signature} is keyed with
   * the first only; {@code webhook-signature} carries one {@code v1,} signature per secret, in that order,
   * separated by a space (the Standard Webhooks way to rotate a key: a receiver accepts the request when
   * any of them verifies). Unsigned when {@code secrets} is empty.
   */
  public static Map<String, String> requestHeaders(String userAgent, List<WebhookSecret> secrets, UUID eventId,
      long timestampSeconds, byte[] body) {
    requireNonNull(userAgent, "user agent");
    requireNonNull(secrets, "secrets");
    requireNonNull(eventId, "event id");
    requireNonNull(body, "body");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", userAgent);
    headers.put(WEBHOOK_ID_HEADER, eventId.toString());
    headers.put(WEBHOOK_TIMESTAMP_HEADER, Long.toString(timestampSeconds));
    if (!secrets.isEmpty()) {
      headers.putAll(headersFor(Optional.of(secrets.get(0)), eventId, timestampSeconds, body));
      if (secrets.size() > 1) {
        StringBuilder signatures = new StringBuilder(headers.get(WEBHOOK_SIGNATURE_HEADER));
        for (WebhookSecret other : secrets.subList(1, secrets.size())) {
          signatures.append(' ').append(standardWebhooksSignature(other, eventId.toString(), timestampSeconds, body));
        }
        headers.put(WEBHOOK_SIGNATURE_HEADER, signatures.toString());
      }
    }
    return Collections.unmodifiableMap(headers);
  }

  private static byte[] hmacSha256(byte[] key, byte[] message) {
    byte[] effectiveKey = key.length == 0 ? EMPTY_KEY_EQUIVALENT : key;
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(new SecretKeySpec(effectiveKey, HMAC_SHA256));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new CryptoUnavailableException("HmacSHA256 is unavailable", e);
    }
  }

  private static void requireNonNull(Object value, String name) {
    if (value == null) {
      throw new DomainValidationException("signature: " + name + " is required");
    }
  }
}
