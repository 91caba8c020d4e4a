package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.metrics.PrometheusMetrics;
import io.iotmanager.webhooks.adapter.http.server.HttpApi;
import io.iotmanager.webhooks.adapter.mongo.MongoStore;
import io.iotmanager.webhooks.application.service.DeliverEventsService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up warm-up: before the real service opens its port, a rehearsal service, wired by
 * {@link Service#wire} exactly like the real one but on an embedded store of its own in a temporary
 * directory, is driven through its API by real HTTP calls on loopback ports of this process: an
 * integration pointing at a throwaway receiver, then intake calls whose events are stored, handed
 * over, signed and POSTed, their outcomes written ({@link HttpApi#rehearse}). So the first real events
 * run code the JIT compilers have already compiled, along the same way: classes loaded, clients built,
 * call sites profiled. Then it waits, at most as long again, for the compilers to finish what that gave
 * them ({@link CompilerSettle}).
 *
 * <p>Nothing of it touches the real store, the real metrics or the network beyond loopback; its access
 * log and attempt lines are formatted but written nowhere ({@link NullSink}); the temporary directory
 * is deleted afterwards. Bounded by
 * {@code webhooks_warm_up}; a failure only costs speed (one warning).
 */
final class StartUpRehearsal {
  private static final Logger LOG = LoggerFactory.getLogger(StartUpRehearsal.class);
  /** Intake calls at most. */
  static final int CALLS = 4_000;
  /** Calls in flight at a time. */
  static final int PARALLEL = 4;

  private StartUpRehearsal() {}

  static Future<Void> run(Vertx vertx, ServiceConfig config, Duration budget) {
    long start = System.nanoTime();
    long[] settled = {0};
    HttpApi.Rehearsed[] rehearsed = {new HttpApi.Rehearsed(0, 0, 0)};
    return rehearse(vertx, config, budget)
        .map(r -> rehearsed[0] = r)
        .compose(r -> CompilerSettle.await(vertx, budget))
        .map(waited -> {
          settled[0] = waited;
          return (Void) null;
        })
        .otherwise(err -> {
          LOG.warn("warming up failed (the first events may be slower): {}", err.toString());
          return null;
        })
        .onComplete(ar -> LOG.info("warmed up in {} ms: a rehearsal service took {} API calls, stored {} events "
            + "and POSTed {} webhooks to a loopback receiver, then {} ms for the JIT compilers to settle",
            (System.nanoTime() - start) / 1_000_000L, rehearsed[0].calls(), rehearsed[0].events(),
            rehearsed[0].webhooks(), settled[0]));
  }

  private static Future<HttpApi.Rehearsed> rehearse(Vertx vertx, ServiceConfig config, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    Path dir;
    try {
      dir = Files.createTempDirectory("iot-webhooks-warm-up-");
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(e);
    }
    ServiceConfig rehearsal = config.forRehearsal(dir);
    NullSink quiet = NullSink.start("access", DeliverEventsService.class.getName());
    PrometheusMetrics metrics = new PrometheusMetrics(); // the rehearsal's own, never served
    return MongoStore.open(vertx, Service.storeSettings(rehearsal), metrics)
        .compose(store -> {
          Service.Wiring wiring = Service.wire(vertx, rehearsal, store, metrics);
          Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
          return vertx.deployVerticle(wiring.driver())
              .compose(driver -> HttpApi.rehearse(vertx, wiring.endpoints(), rehearsal.requestSizeLimit(), CALLS,
                  PARALLEL, left).eventually(() -> vertx.undeploy(driver)))
              .eventually(store::close);
        })
        .eventually(() -> vertx.executeBlocking(() -> {
          delete(dir);
          return null;
        }))
        .eventually(() -> {
          quiet.end();
          return Future.succeededFuture();
        });
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * Sends the rehearsal's access-log and attempt lines, formatted as usual (so that writing them is
   * rehearsed too), to nowhere: while it runs, those two loggers write to an appender of their own with
   * the console's pattern and a null stream, and not to the console. The real service is not serving yet,
   * so only the rehearsal's lines go there.
   */
  private static final class NullSink {
    private static final String DEFAULT_PATTERN = "%d %level %logger %msg%n";
    private final List<ch.qos.logback.classic.Logger> loggers = new ArrayList<>();
    private final List<Boolean> additive = new ArrayList<>();
    private ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> appender;

    static NullSink start(String... names) {
      NullSink sink = new NullSink();
      if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
        return sink;
      }
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern(consolePattern(context));
      encoder.start();
      sink.appender = new ch.qos.logback.core.OutputStreamAppender<>();
      sink.appender.setContext(context);
      sink.appender.setName("warm-up");
      sink.appender.setEncoder(encoder);
      sink.appender.setOutputStream(OutputStream.nullOutputStream());
      sink.appender.start();
      for (String name : names) {
        ch.qos.logback.classic.Logger logger = context.getLogger(name);
        sink.loggers.add(logger);
        sink.additive.add(logger.isAdditive());
        logger.addAppender(sink.appender);
        logger.setAdditive(false);
      }
      return sink;
    }

    private static String consolePattern(LoggerContext context) {
      Iterator<Appender<ILoggingEvent>> appenders =
          context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
      while (appenders.hasNext()) {
        if (appenders.next() instanceof ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> out
            && out.getEncoder() instanceof PatternLayoutEncoder pattern) {
          return pattern.getPattern();
        }
      }
      return DEFAULT_PATTERN;
    }

    void end() {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).setAdditive(additive.get(i));
        loggers.get(i).detachAppender(appender);
      }
      if (appender != null) {
        appender.stop();
      }
    }
  }
}
