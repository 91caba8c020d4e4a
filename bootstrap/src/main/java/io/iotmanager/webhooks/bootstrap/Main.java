package io.iotmanager.webhooks.bootstrap;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of the fat jar: loads the configuration, then runs the service (default) or the
 * {@code re-encrypt} command. A start-up failure is one ERROR line and the {@link ExitCode} of its cause
 * (invalid configuration 2, naming the key; store file 3; listen address 4; store unreachable 5;
 * data_dir 6; anything else 1), with the stack trace at debug level only; SIGTERM exits 0 after a bounded
 * graceful stop.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final long STOP_TIMEOUT_SECONDS = 30;
  /** The longest a start-up may take before it is given up (exit code of its cause: a timeout is 5). */
  private static final long START_TIMEOUT_MINUTES = 15;

  private Main() {}

  public static void main(String[] args) {
    CommandLine commandLine;
    ServiceConfig config;
    try {
      commandLine = CommandLine.parse(args);
      if (CommandLine.HELP.equals(commandLine.command())) {
        LOG.info("\n{}", CommandLine.usage());
        System.exit(ExitCode.OK.code());
        return;
      }
      config = ConfigLoader.load(commandLine.configFile(), System.getenv());
    } catch (InvalidConfigException e) {
      LOG.error("{}", e.getMessage());
      LOG.debug("invalid configuration", e);
      System.exit(ExitCode.INVALID_CONFIG.code());
      return;
    }
    if (CommandLine.RE_ENCRYPT.equals(commandLine.command())) {
      System.exit(ReEncryptCommand.run(config, commandLine.fromKey(), commandLine.toKey()));
      return;
    }
    serve(config);
  }

  private static void serve(ServiceConfig config) {
    // first, so that the warm-up and everything after it is compiled the configured way
    config.engine().jit().apply();
    Vertx vertx = Vertx.vertx();
    Service service;
    try {
      // Each step bounds itself (MongoDB: serverSelectionTimeoutMS and the command timeouts); this only
      // stops a start that hangs. Opening a large embedded store (its file checked, its indexes rebuilt
      // from the documents) on a loaded machine took longer than a minute.
      service = Service.start(vertx, config).await(START_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    } catch (Exception e) {
      ExitCode exit = ExitCode.of(e);
      LOG.error("start-up failed ({}, exit code {}): {}", exit.meaning(), exit.code(), ExitCode.describe(e));
      LOG.debug("start-up failure", e);
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception closing) {
        LOG.debug("closing vert.x after a failed start-up", closing);
      }
      System.exit(exit.code());
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
