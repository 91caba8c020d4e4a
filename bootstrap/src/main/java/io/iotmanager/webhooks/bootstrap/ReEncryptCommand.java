package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.mongo.MongoStore;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code re-encrypt [--from-key K] [--to-key K]}: rewrites every stored secret under the new key. */
final class ReEncryptCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ReEncryptCommand.class);

  private ReEncryptCommand() {}

  static int run(ServiceConfig config, Optional<String> fromKey, Optional<String> toKey) {
    Vertx vertx = Vertx.vertx();
    try {
      MongoStore store = MongoStore.open(vertx, Service.storeSettings(config)).await(60, TimeUnit.SECONDS);
      try {
        Optional<String> target = toKey.isPresent() ? toKey.filter(k -> !k.isBlank())
            : Optional.of(config.aesEncryptionKey()).filter(k -> !k.isBlank());
        long changed = store.reencryptSecrets(fromKey, target).await(300, TimeUnit.SECONDS);
        LOG.info("re-encrypt: {} secret(s) rewritten{}", changed,
            target.isPresent() ? " under the new key" : " in plain text (no target key)");
        return ExitCode.OK.code();
      } finally {
        store.close().await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      ExitCode exit = ExitCode.of(e);
      LOG.error("re-encrypt failed ({}, exit code {}): {}", exit.meaning(), exit.code(), ExitCode.describe(e));
      LOG.debug("re-encrypt failure", e);
      return exit.code();
    } finally {
      vertx.close();
    }
  }
}
