package io.iotmanager.webhooks.adapter.mongo;

import com.mongodb.MongoCommandException;
import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.HealthProbe;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pings the store with {@code {ping: 1}}, bounded by a timeout. With the embedded store, first asks it
 * whether it can write its file: while it cannot (disk full), the probe fails naming the reason, although
 * a ping alone would still be answered.
 */
final class MongoHealthProbe implements HealthProbe {
  private final MongoClient client;
  private final Duration timeout;
  private final Supplier<Optional<String>> localFault;

  MongoHealthProbe(MongoClient client, Duration timeout, Supplier<Optional<String>> localFault) {
    this.client = client;
    this.timeout = timeout;
    this.localFault = localFault;
  }

  @Override
  public Future<Void> ping() {
    Optional<String> fault = localFault.get();
    if (fault.isPresent()) {
      return Future.failedFuture(new ApplicationException.StoreUnavailable("store unavailable: " + fault.get(), null));
    }
    return client.runCommand("ping", new JsonObject().put("ping", 1))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(error -> Future.failedFuture(new ApplicationException.StoreUnavailable(
            error instanceof TimeoutException
                ? "store unavailable: no answer to ping within " + timeout.toMillis() + " ms"
                : error instanceof MongoCommandException refused
                    // the server's own reason, e.g. the embedded store's "cannot write its file ...: No space left"
                    ? "store unavailable: ping refused: " + refused.getErrorMessage()
                    : "store unavailable: ping failed", error)));
  }
}
