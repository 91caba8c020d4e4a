package io.iotmanager.webhooks.adapter.http.web;

/** An HTTP-level refusal with its own status (401/403 for identity); invalid input is a DomainValidationException. */
public final class HttpProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public HttpProblem(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
