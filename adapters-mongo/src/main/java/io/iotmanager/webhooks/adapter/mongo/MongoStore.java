package io.iotmanager.webhooks.adapter.mongo;

import com.mongodb.MongoClientSettings;
import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.EventRepository;
import io.iotmanager.webhooks.application.port.out.HealthProbe;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.application.port.out.StoreMetrics;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.vertx.core.Context;
import io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedMongoServer;
import io.iotmanager.webhooks.adapter.mongo.embedded.StoreFileException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.impl.config.MongoClientOptionsParser;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MongoDB adapters, opened together: the repositories and the health probe over one client, on a
 * real MongoDB ({@code mongo_url}) or on the embedded server in {@code data_dir}. The only public type of
 * this module besides {@link MongoStoreSettings}.
 *
 * <p>Every failure of the store reaches callers as {@code ApplicationException.StoreUnavailable}.
 */
public final class MongoStore {
  private static final Logger LOG = LoggerFactory.getLogger(MongoStore.class);

  /** How long the driver looks for a usable server, and waits for a TCP connection, unless the URL says. */
  static final int DEFAULT_TIMEOUT_MS = 5_000;
  /** How often the embedded server is swept of expired events (it has no TTL monitor). */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(60);

  private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)[^/@]*@");

  private final Vertx vertx;
  private final MongoClient client;
  private final EmbeddedMongoServer embedded;
  private final MongoStoreSettings settings;
  private final SecretStorage secrets;
  private final MongoIntegrationRepository storedIntegrations;
  /** The embedded store's integrations read through {@link CachedIntegrationRepository}; null on MongoDB. */
  private final CachedIntegrationRepository cachedIntegrations;
  private final MongoEventRepository events;
  private final MongoHealthProbe health;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long sweepTimer = -1;

  private MongoStore(Vertx vertx, MongoClient client, EmbeddedMongoServer embedded, MongoStoreSettings settings,
      SecretStorage secrets, String description) {
    this.vertx = vertx;
    this.client = client;
    this.embedded = embedded;
    this.settings = settings;
    this.secrets = secrets;
    this.storedIntegrations = new MongoIntegrationRepository(client, secrets);
    this.cachedIntegrations = embedded == null ? null : new CachedIntegrationRepository(storedIntegrations);
    this.events = new MongoEventRepository(client, Duration.ofSeconds(settings.eventTtlSeconds()));
    this.health = new MongoHealthProbe(client, settings.healthTimeout(),
        embedded == null ? Optional::empty : embedded::fault);
    this.description = description;
  }

  /**
   * Opens the store: starts the embedded server when {@code mongoUrl} is blank (off the event loop),
   * connects, asks the server its version, then creates collections, migrates data of the previous
   * schema, creates indexes and records the schema version (idempotent; see {@link Schema}). With the embedded server, expired events are deleted now and every minute.
   *
   * <p>Fails with {@code StoreUnavailable} when the server cannot be reached (within
   * {@value #DEFAULT_TIMEOUT_MS} ms unless the URL sets {@code serverSelectionTimeoutMS}) or the embedded
   * server cannot start (e.g. its file is locked by another instance); with a {@link StoreFileException}
   * when the embedded store's file exists but is empty, truncated or damaged (left unchanged); with an
   * {@code IllegalArgumentException} when the URL does not parse or a key is not base64 of 32 bytes.
   */
  public static Future<MongoStore> open(Vertx vertx, MongoStoreSettings settings) {
    return open(vertx, settings, StoreMetrics.NONE);
  }

  /**
   * As {@link #open(Vertx, MongoStoreSettings)}, counting every command sent to the store, and the
   * documents written, into {@code metrics}.
   */
  public static Future<MongoStore> open(Vertx vertx, MongoStoreSettings settings, StoreMetrics metrics) {
    SecretStorage secrets;
    try {
      secrets = SecretStorage.of(settings.aesKey(), settings.aesFallbackKey());
    } catch (DomainValidationException e) {
      return Future.failedFuture(new IllegalArgumentException(
          "aes_encryption_key / aes_encryption_fallback_key: " + e.getMessage(), e));
    }
    Future<EmbeddedMongoServer> server = settings.embeddedServer()
        ? vertx.executeBlocking(() -> EmbeddedMongoServer.start(settings.dataDir()))
            .recover(e -> Future.failedFuture(e instanceof StoreFileException
                ? e // a file that cannot be trusted: its own failure, for its own exit code
                : new ApplicationException.StoreUnavailable(
                    "store unavailable: the embedded server cannot start in " + settings.dataDir() + ": "
                        + e.getMessage(), e)))
        : Future.succeededFuture(null);
    return server.compose(started -> connect(vertx, settings, secrets, started, metrics));
  }

  private static Future<MongoStore> connect(Vertx vertx, MongoStoreSettings settings, SecretStorage secrets,
      EmbeddedMongoServer embedded, StoreMetrics metrics) {
    String url = embedded == null ? settings.mongoUrl() : embedded.connectionString();
    MongoClient client;
    try {
      client = createClient(vertx, clientConfig(url, settings.dbName(), embedded == null), metrics);
    } catch (IllegalArgumentException e) { // the driver parses the URL here
      return closeEmbedded(vertx, embedded).transform(ignored -> Future.failedFuture(
          new IllegalArgumentException("mongo_url: " + e.getMessage(), e)));
    }
    return client.runCommand("buildInfo", new JsonObject().put("buildInfo", 1))
        .compose(buildInfo -> Schema.ensure(client, Clock.systemUTC().instant(), embedded != null, secrets,
            settings.maxIntegrationsPerTenant()).map(buildInfo))
        .map(buildInfo -> {
          String desc = describe(buildInfo.getString("version", "unknown"), url, settings, secrets, embedded);
          return new MongoStore(vertx, client, embedded, settings, secrets, desc);
        })
        .compose(store -> embedded == null ? Future.succeededFuture(store) : store.takeOverLeases().map(store))
        .map(store -> {
          if (embedded != null) {
            store.startSweeper();
          }
          return store;
        })
        .recover(error -> closeClient(vertx, client)
            .transform(ignored -> closeEmbedded(vertx, embedded))
            .transform(ignored -> Future.failedFuture(
                StoreFailures.translate(error, "cannot open " + (embedded == null ? redact(url)
                    : "the embedded store in " + embedded.file()) + ", database " + settings.dbName()))));
  }

  /**
   * The client as {@code MongoClient.create(vertx, config)} makes it (same parser, so the same driver
   * settings), plus a command listener that counts commands and written documents into {@code metrics}.
   */
  static MongoClient createClient(Vertx vertx, JsonObject config, StoreMetrics metrics) {
    MongoClientSettings parsed = new MongoClientOptionsParser(vertx, config).settings();
    MongoClientSettings counted = MongoClientSettings.builder(parsed)
        .addCommandListener(new StoreCommandCounter(metrics))
        .build();
    return MongoClient.createWithMongoSettings(vertx, config, UUID.randomUUID().toString(), counted);
  }

  /** The client configuration; options already in the URL win over these defaults. */
  static JsonObject clientConfig(String url, String dbName, boolean realServer) {
    JsonObject config = new JsonObject().put("connection_string", url).put("db_name", dbName);
    if (!hasUrlOption(url, "serverSelectionTimeoutMS")) {
      config.put("serverSelectionTimeoutMS", (long) DEFAULT_TIMEOUT_MS);
    }
    if (!hasUrlOption(url, "connectTimeoutMS")) {
      config.put("connectTimeoutMS", DEFAULT_TIMEOUT_MS);
    }
    // An acknowledged 202 must survive a crash or a fail-over: majority, journaled. The embedded server
    // commits each command before answering (DurableH2Backend) and has no replicas.
    if (realServer && !hasUrlOption(url, "w") && !hasUrlOption(url, "journal")) {
      config.put("w", "majority").put("j", true);
    }
    return config;
  }

  private static boolean hasUrlOption(String url, String option) {
    return Pattern.compile("[?&]" + Pattern.quote(option.toLowerCase(Locale.ROOT)) + "=")
        .matcher(url.toLowerCase(Locale.ROOT)).find();
  }

  private static String describe(String version, String url, MongoStoreSettings settings, SecretStorage secrets,
      EmbeddedMongoServer embedded) {
    // the embedded server's address is not printed: it accepts only this process's client
    String server = embedded == null
        ? "MongoDB " + version + " at " + redact(url)
        : "embedded store private to this process, " + embedded.version() + ", speaking MongoDB " + version;
    return server + ", database " + settings.dbName() + ", secrets "
        + (secrets.encrypts() ? "encrypted (AES-256-CFB)" : "stored unencrypted");
  }

  /** The URL without its password, for logs. */
  static String redact(String url) {
    return url == null ? "" : URL_CREDENTIALS.matcher(url).replaceFirst("<credentials>@");
  }

  /**
   * Closes the client and completes once the driver is closed. vertx-mongo-client's own
   * {@code close()} succeeds at once and closes the driver later, as an ordered blocking task of the
   * calling context; so we call it from one context and then queue an empty task behind it there.
   * Without this the embedded server (or Vert.x itself) could stop under a driver still shutting down.
   */
  static Future<Void> closeClient(Vertx vertx, MongoClient client) {
    Context context = vertx.getOrCreateContext();
    return context.executeBlocking(() -> null) // what follows runs on that context
        .compose(onContext -> client.close())
        .compose(closing -> context.<Void>executeBlocking(() -> null)); // after the driver's close
  }

  private static Future<Void> closeEmbedded(Vertx vertx, EmbeddedMongoServer embedded) {
    if (embedded == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      embedded.close();
      return null;
    });
  }

  /**
   * Embedded store: the previous process (killed, or stopped with attempts in flight) is gone for sure,
   * since only one process can open the data directory; its leases end now, so its work is claimed by
   * the first poll instead of after {@code webhooks_lease_seconds}.
   */
  private Future<Void> takeOverLeases() {
    return events.endLeasesOfAGoneProcess(Clock.systemUTC().instant())
        .onSuccess(taken -> {
          if (taken > 0) {
            LOG.info("took over {} events leased by the previous process", taken);
          }
        })
        .mapEmpty();
  }

  private void startSweeper() {
    sweep();
    sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL.toMillis(), id -> sweep());
  }

  private void sweep() {
    if (closed.get()) {
      return;
    }
    java.time.Instant now = Clock.systemUTC().instant();
    events.deleteExpired(now)
        .onSuccess(deleted -> {
          if (deleted > 0) {
            LOG.info("deleted {} expired events", deleted);
          }
        })
        .onFailure(error -> LOG.warn("sweeping expired events failed: {}", error.getMessage()));
    (cachedIntegrations == null ? storedIntegrations.dropEndedPreviousSecrets(now)
        : cachedIntegrations.changedAll(storedIntegrations.dropEndedPreviousSecrets(now)))
        .onSuccess(dropped -> {
          if (dropped > 0) {
            LOG.info("dropped the previous secret of {} integrations whose rotation overlap ended", dropped);
          }
        })
        .onFailure(error -> LOG.warn("dropping ended previous secrets failed: {}", error.getMessage()));
  }

  /**
   * The integrations. On the embedded store, whose every change is made by this process, each tenant's
   * list is kept in memory between its changes ({@link CachedIntegrationRepository}); on MongoDB every
   * read goes to the store.
   */
  public IntegrationRepository integrations() {
    return cachedIntegrations == null ? storedIntegrations : cachedIntegrations;
  }

  public EventRepository events() {
    return events;
  }

  public HealthProbe health() {
    return health;
  }

  /**
   * Which store this is, for the start-up log: the server and its version, its address (without
   * credentials), the database, and whether secrets are encrypted.
   */
  public String description() {
    return description;
  }

  /** Closes the client, then stops the embedded server (off the event loop). Idempotent. */
  public Future<Void> close() {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    return closeClient(vertx, client)
        .transform(closedClient -> closeEmbedded(vertx, embedded)
            .compose(v -> closedClient.succeeded() ? Future.<Void>succeededFuture()
                : Future.failedFuture(closedClient.cause())));
  }

  /**
   * Rewrites every stored secret (webhook secrets, and the secret fields of other providers' credentials
   * such as iot-hub's {@code connection_string}) under {@code toKey} (base64 of 32 bytes), or as plaintext when
   * it is empty, reading each with {@code fromKey} when given, else with the configured keys. Secrets
   * already in the target form are left alone, so the call is idempotent. This store keeps writing and
   * reading with its configured keys: restart with {@code aes_encryption_key = toKey} afterwards (and the
   * old key as {@code aes_encryption_fallback_key} if instances still run with it).
   *
   * @return how many secrets were rewritten; fails with {@code DomainValidationException} when a key is malformed or
   *         a secret cannot be decrypted, {@code StoreUnavailable} when the store fails
   */
  public Future<Long> reencryptSecrets(Optional<String> fromKey, Optional<String> toKey) {
    SecretStorage from;
    SecretStorage to;
    try {
      Optional<String> fromKeyText = fromKey.map(String::trim).filter(k -> !k.isEmpty());
      from = fromKeyText.isPresent() ? SecretStorage.of(fromKeyText, Optional.empty()) : secrets;
      to = SecretStorage.of(toKey.map(String::trim).filter(k -> !k.isEmpty()), Optional.empty());
    } catch (DomainValidationException e) {
      return Future.failedFuture(new DomainValidationException(e.getMessage()));
    }
    return new SecretRotation(client).rotate(from, to);
  }

  /**
   * The URL this store's client connects with. For the embedded store it carries the per-process random
   * credentials without which the server refuses every command: in-process use only, never log it.
   */
  public String connectionString() {
    return embedded == null ? settings.mongoUrl() : embedded.connectionString();
  }

  /** The events adapter itself, for tests in this package. */
  MongoEventRepository eventRepository() {
    return events;
  }

  /** The client, for tests in this package (explain, server status). */
  MongoClient client() {
    return client;
  }

  @Override
  public String toString() {
    return "MongoStore[" + description + "]";
  }
}
