package io.iotmanager.webhooks.application.port.out;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One POST of a webhook body.
 *
 * @param headers the headers to send besides {@code Content-Type} (signatures, webhook-id, user agent)
 * @param checkAddress refuse to dial a reserved address (docs/wire-contract.md A6), checked on the address dialled
 */
public record WebhookRequest(URI url, byte[] body, Map<String, String> headers, Duration timeout,
    boolean checkAddress) {
  public WebhookRequest {
    headers = Map.copyOf(headers);
  }

  /** Without the body and header values, and with a password in the URL masked. */
  @Override
  public String toString() {
    return "WebhookRequest[url=" + io.iotmanager.webhooks.domain.WebhookUrl.masked(url) + ", body=" + body.length
        + " bytes, headers=" + new java.util.TreeSet<>(headers.keySet()) + ", timeout=" + timeout
        + ", checkAddress=" + checkAddress + "]";
  }
}
