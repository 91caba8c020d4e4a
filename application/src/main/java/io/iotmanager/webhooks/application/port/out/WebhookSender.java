package io.iotmanager.webhooks.application.port.out;

import io.vertx.core.Future;

/** Sends webhook requests: no redirects followed, one timeout per attempt. */
public interface WebhookSender {
  /** Never fails: a transport error, a timeout or a refused destination is a response with an error. */
  Future<WebhookResponse> send(WebhookRequest request);
}
