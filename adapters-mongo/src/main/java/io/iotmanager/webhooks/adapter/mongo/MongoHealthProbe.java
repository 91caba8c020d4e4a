package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.HealthProbe;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Pings the store with {@code {ping: 1}}, bounded by a timeout. */
final class MongoHealthProbe implements HealthProbe {
  private final MongoClient client;
  private final Duration timeout;

  MongoHealthProbe(MongoClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  @Override
  public Future<Void> ping() {
    return client.runCommand("ping", new JsonObject().put("ping", 1))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(error -> Future.failedFuture(new ApplicationException.StoreUnavailable(
            error instanceof TimeoutException
                ? "store unavailable: no answer to ping within " + timeout.toMillis() + " ms"
                : "store unavailable: ping failed", error)));
  }
}
