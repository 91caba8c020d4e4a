package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.nio.charset.StandardCharsets;

/**
 * The size limit of the ids the internal API receives: a device id or a tenant id is at most
 * {@value #MAX_ID_BYTES} bytes of UTF-8. They are stored with every event and sent in every webhook, so
 * one oversized id would cost in every later read and delivery.
 */
public final class IdLimits {
  public static final int MAX_ID_BYTES = 1024;

  private IdLimits() {}

  /** @throws DomainValidationException naming {@code field} when {@code id} is over the limit */
  static void check(String field, String id) {
    // UTF-8 needs at least one byte per char: a short string need not be encoded
    if (id != null && id.length() > MAX_ID_BYTES / 3 && id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw new DomainValidationException(field + ": the length must be no more than " + MAX_ID_BYTES + " bytes");
    }
  }
}
