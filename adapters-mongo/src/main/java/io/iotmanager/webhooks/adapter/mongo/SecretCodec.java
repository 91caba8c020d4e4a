package io.iotmanager.webhooks.adapter.mongo;

import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One way of keeping a webhook secret in a document, and of reading it back. Two stored forms exist,
 * told apart by their BSON type:
 * <ul>
 *   <li>plaintext: the lowercase hex string of the secret bytes, {@code "secret": "deadbeef"};</li>
 *   <li>encrypted: {@code "secret": {"enc": "<base64 of 0x01 || IV || ciphertext || HMAC-SHA512>"}} (API.md A7).</li>
 * </ul>
 * Every codec reads the plaintext form, so turning encryption on keeps older secrets readable.
 */
interface SecretCodec {
  /** The field of the encrypted form. */
  String ENCRYPTED_FIELD = "enc";

  /** The stored form of {@code secret}: a {@code String} or a {@code JsonObject}. */
  Object encode(byte[] secret);

  /** The secret bytes, or empty when this codec cannot read {@code stored} (another key, or none). */
  Optional<byte[]> decode(Object stored);

  /** True when {@code stored} is already in the form this codec writes, readable by it. */
  boolean writes(Object stored);

  /** Stores secrets as hex; reads only hex. */
  static SecretCodec plaintext() {
    return Plaintext.INSTANCE;
  }

  /** The plaintext form, shared by every codec. */
  static Optional<byte[]> decodeHex(Object stored) {
    if (stored instanceof String hex) {
      try {
        return Optional.of(HexFormat.of().parseHex(hex));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The base64 blob of an encrypted stored form, if {@code stored} is one. */
  static Optional<String> encryptedBlob(Object stored) {
    if (stored instanceof JsonObject object && object.getValue(ENCRYPTED_FIELD) instanceof String blob) {
      return Optional.of(blob);
    }
    return Optional.empty();
  }

  /** No key configured: secrets are stored as hex. */
  final class Plaintext implements SecretCodec {
    private static final Plaintext INSTANCE = new Plaintext();

    private Plaintext() {}

    @Override
    public Object encode(byte[] secret) {
      return HexFormat.of().formatHex(secret);
    }

    @Override
    public Optional<byte[]> decode(Object stored) {
      return decodeHex(stored);
    }

    @Override
    public boolean writes(Object stored) {
      return decodeHex(stored).isPresent();
    }

    @Override
    public String toString() {
      return "plaintext";
    }
  }
}
