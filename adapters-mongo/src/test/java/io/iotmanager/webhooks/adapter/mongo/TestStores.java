package io.iotmanager.webhooks.adapter.mongo;

import io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedMongoServer;
import io.iotmanager.webhooks.application.port.out.StoreMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Where the Mongo ITs run: the real MongoDB named by {@code IOT_MANAGER_MONGO_URL} when it is set (CI
 * always sets it), else the embedded server started in a temporary directory. Each test class uses its
 * own random database and drops it afterwards.
 */
final class TestStores {
  static final String MONGO_URL_ENV = "IOT_MANAGER_MONGO_URL";
  static final String NEEDS_REAL_MONGO = "needs a real MongoDB: TTL monitor and explain";
  private static final long WAIT_SECONDS = 60;

  private TestStores() {}

  static Optional<String> realMongoUrl() {
    return Optional.ofNullable(System.getenv(MONGO_URL_ENV)).map(String::trim).filter(s -> !s.isEmpty());
  }

  static boolean realMongo() {
    return realMongoUrl().isPresent();
  }

  /** A fresh database name, valid on both servers. */
  static String randomDbName(String prefix) {
    return ("it_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
  }

  /**
   * The server for one test class: the real MongoDB, or an embedded server started in {@code tempDir}
   * (blocking; call from {@code @BeforeAll}, not from an event loop). Stores then connect to it by URL,
   * so several stores with different keys can share one database.
   */
  static TestServer startServer(Path tempDir) {
    Optional<String> real = realMongoUrl();
    if (real.isPresent()) {
      return new TestServer(real.get(), null);
    }
    return startEmbeddedServer(tempDir);
  }

  /** An embedded server in {@code tempDir}, whatever the run's store. Blocking. */
  static TestServer startEmbeddedServer(Path tempDir) {
    EmbeddedMongoServer embedded = EmbeddedMongoServer.start(tempDir);
    return new TestServer(embedded.connectionString(), embedded);
  }

  /**
   * Whether the real MongoDB of this run is CI's: the Windows build under Wine
   * ({@code IOT_MANAGER_TEST_MONGO_UNDER_WINE=1}, set by {@code .ci/run}). Many simultaneous conflicting
   * writes on one document crash it there (an access violation in the emulation, not MongoDB behaviour),
   * so tests built on such contention run on the embedded store instead.
   */
  static boolean mongoUnderWine() {
    return realMongo() && "1".equals(System.getenv("IOT_MANAGER_TEST_MONGO_UNDER_WINE"));
  }

  static MongoStoreSettings settings(TestServer server, String dbName) {
    return new MongoStoreSettings(server.url(), dbName, Path.of("unused-data-dir"),
        MongoStoreSettings.DEFAULT_EVENT_TTL_SECONDS, Optional.empty(), Optional.empty(), Duration.ofSeconds(2));
  }

  static MongoStore open(Vertx vertx, MongoStoreSettings settings) {
    return await(MongoStore.open(vertx, settings));
  }

  static void dropDatabase(MongoStore store) {
    await(store.client().runCommand("dropDatabase", new JsonObject().put("dropDatabase", 1)));
  }

  /** Blocks the test thread (never an event loop) until {@code future} completes; returns its result. */
  static <T> T await(Future<T> future) {
    try {
      return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within " + WAIT_SECONDS + " s", e);
    }
  }

  /** Blocks until {@code future} fails and returns the failure; an AssertionError if it succeeds. */
  static Throwable failure(Future<?> future) {
    try {
      future.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within " + WAIT_SECONDS + " s", e);
    } catch (RuntimeException | Error e) {
      return future.cause() != null ? future.cause() : e;
    }
    throw new AssertionError("expected a failure, got " + future.result());
  }

  /**
   * The store server of one test class, as an extension: {@code @RegisterExtension static final
   * TestStores.ServerPerClass SERVER = new TestStores.ServerPerClass();} starts it (the real MongoDB, or
   * an embedded server in a temporary directory of its own) before the class's {@code @BeforeAll} methods
   * and stops it after its {@code @AfterAll} methods.
   */
  static final class ServerPerClass implements BeforeAllCallback, AfterAllCallback {
    private final boolean heavyContention;
    private Path dir;
    private TestServer server;

    /** The run's store. */
    ServerPerClass() {
      this(false);
    }

    private ServerPerClass(boolean heavyContention) {
      this.heavyContention = heavyContention;
    }

    /**
     * For a class that has the store resolve many simultaneous conflicting writes on one document: the
     * run's store, but the embedded one instead of CI's Wine-hosted MongoDB, which such contention crashes
     * (see {@link #mongoUnderWine}).
     */
    static ServerPerClass withHeavyContention() {
      return new ServerPerClass(true);
    }

    /** The running server; only between the class's first and last callbacks. */
    TestServer server() {
      if (server == null) {
        throw new IllegalStateException("the server runs only while the test class does");
      }
      return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      dir = Files.createTempDirectory("store-");
      server = heavyContention && mongoUnderWine() ? startEmbeddedServer(dir) : startServer(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      if (server != null) {
        server.close();
        server = null;
      }
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        }
      }
    }
  }

  /**
   * A store of one test class, as an extension: {@code @RegisterExtension static final TestStores.StorePerClass
   * STORE = new TestStores.StorePerClass("events");} starts the class's server ({@link ServerPerClass}) and
   * opens a store on a fresh database of it before the class's {@code @BeforeAll} methods; after its
   * {@code @AfterAll} methods it drops that database and closes the store and the server.
   */
  static final class StorePerClass implements BeforeAllCallback, AfterAllCallback {
    private final ServerPerClass server = new ServerPerClass();
    private final String dbPrefix;
    private final StoreMetrics metrics;
    private Vertx vertx;
    private MongoStore store;

    /** A store whose metrics go nowhere. */
    StorePerClass(String dbPrefix) {
      this(dbPrefix, StoreMetrics.NONE);
    }

    /** A store that reports its commands and writes to {@code metrics}. */
    StorePerClass(String dbPrefix, StoreMetrics metrics) {
      this.dbPrefix = dbPrefix;
      this.metrics = metrics;
    }

    /** The open store; only between the class's first and last callbacks. */
    MongoStore store() {
      if (store == null) {
        throw new IllegalStateException("the store is open only while the test class runs");
      }
      return store;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      server.beforeAll(context);
      vertx = Vertx.vertx();
      store = await(MongoStore.open(vertx, settings(server.server(), randomDbName(dbPrefix)), metrics));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      try {
        if (store != null) {
          dropDatabase(store);
          await(store.close());
          store = null;
        }
        if (vertx != null) {
          await(vertx.close());
          vertx = null;
        }
      } finally {
        server.afterAll(context);
      }
    }
  }

  /** Store metrics that count: the commands sent, by name, as {@code GET /metrics} counts them, and the writes. */
  static final class CountingMetrics implements StoreMetrics {
    private final Map<String, AtomicLong> commands = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();

    @Override
    public void commandSent(String command) {
      commands.computeIfAbsent(command, c -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void documentsWritten(long documents) {
      writes.addAndGet(documents);
    }

    /** The {@code command} commands sent so far. */
    long commands(String command) {
      AtomicLong n = commands.get(command);
      return n == null ? 0 : n.get();
    }

    /** The documents written so far. */
    long writes() {
      return writes.get();
    }
  }

  /** The real MongoDB (nothing to stop) or an embedded server in a temporary directory. */
  record TestServer(String url, EmbeddedMongoServer embedded) implements AutoCloseable {
    boolean real() {
      return embedded == null;
    }

    @Override
    public void close() {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
