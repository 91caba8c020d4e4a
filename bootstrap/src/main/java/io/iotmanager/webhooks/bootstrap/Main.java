package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.mongo.embedded.StoreFileException;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of the fat jar: loads the configuration, then runs the service (default) or the
 * {@code re-encrypt} command. Invalid configuration exits 2 naming the key; an embedded store file that
 * is empty, truncated or damaged exits 3 (the file unchanged); SIGTERM exits 0 after a
 * bounded graceful stop.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  static final int EXIT_INVALID_CONFIG = 2;
  static final int EXIT_FAILURE = 1;
  /** The embedded store's file exists but is empty, truncated or damaged; it was left unchanged. */
  static final int EXIT_STORE_FILE = 3;
  private static final long STOP_TIMEOUT_SECONDS = 30;

  private Main() {}

  public static void main(String[] args) {
    CommandLine commandLine;
    ServiceConfig config;
    try {
      commandLine = CommandLine.parse(args);
      if (CommandLine.HELP.equals(commandLine.command())) {
        LOG.info("\n{}", CommandLine.usage());
        System.exit(0);
        return;
      }
      config = ConfigLoader.load(commandLine.configFile(), System.getenv());
    } catch (InvalidConfigException e) {
      LOG.error("{}", e.getMessage());
      System.exit(EXIT_INVALID_CONFIG);
      return;
    }
    if (CommandLine.RE_ENCRYPT.equals(commandLine.command())) {
      System.exit(ReEncryptCommand.run(config, commandLine.fromKey(), commandLine.toKey()));
      return;
    }
    serve(config);
  }

  private static StoreFileException storeFileFailure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof StoreFileException refused) {
        return refused;
      }
    }
    return null;
  }

  private static void serve(ServiceConfig config) {
    Vertx vertx = Vertx.vertx();
    Service service;
    try {
      service = Service.start(vertx, config).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      StoreFileException refused = storeFileFailure(e);
      if (refused != null) {
        LOG.error("start-up refused: {}", refused.getMessage());
        vertx.close();
        System.exit(EXIT_STORE_FILE);
        return;
      }
      LOG.error("start-up failed: {}", e.getMessage(), e);
      vertx.close();
      System.exit(EXIT_FAILURE);
      return;
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stop = () -> {
      if (!stopping.compareAndSet(false, true)) {
        return;
      }
      LOG.info("stopping: no new requests, finishing in-flight work");
      try {
        service.stop().await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("graceful stop incomplete: {}", e.toString());
      }
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("vert.x close incomplete: {}", e.toString());
      }
      LOG.info("stopped");
    };
    Signals.onTermination(() -> {
      stop.run();
      Runtime.getRuntime().halt(0);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
  }
}
