package io.iotmanager.webhooks.adapter.http;

/** A body that is not JSON or has the wrong types: 400 {@code malformed request body: ...}. */
final class MalformedRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  MalformedRequest(String detail) {
    super("malformed request body: " + detail);
  }
}
