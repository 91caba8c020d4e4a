package io.iotmanager.webhooks.adapter.http.web;

/** A body that is not JSON or has the wrong types: 400 {@code malformed request body: ...}. */
public final class MalformedRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedRequest(String detail) {
    super("malformed request body: " + detail);
  }
}
