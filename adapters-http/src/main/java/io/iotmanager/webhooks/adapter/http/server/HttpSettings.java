package io.iotmanager.webhooks.adapter.http.server;

/**
 * How the HTTP server listens and guards its input.
 *
 * @param host interface to bind; empty means all
 * @param port TCP port; 0 picks a free one
 * @param requestSizeLimit largest accepted request body, in bytes
 */
public record HttpSettings(String host, int port, long requestSizeLimit) {
  public HttpSettings {
    host = host == null || host.isBlank() ? "0.0.0.0" : host;
  }
}
