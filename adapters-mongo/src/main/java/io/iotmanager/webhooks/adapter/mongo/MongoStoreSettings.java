package io.iotmanager.webhooks.adapter.mongo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach the store and what to keep in it.
 *
 * @param mongoUrl         {@code mongodb://…} of a real MongoDB; blank means the embedded server in
 *                         {@code dataDir}. Options in the URL ({@code serverSelectionTimeoutMS},
 *                         {@code connectTimeoutMS}, {@code w}, {@code journal}) win over this adapter's defaults.
 * @param dbName           the database name ({@code mongo_dbname})
 * @param dataDir          where the embedded server keeps its file (unused with a {@code mongoUrl})
 * @param eventTtlSeconds  retention of events ({@code event_exp_timeout}); each event stores its own
 *                         {@code expire_ts}, so a change applies to new events only
 * @param aesKey           base64 of a 32-byte key: secrets are stored encrypted under it (docs/wire-contract.md A7)
 * @param aesFallbackKey   base64 of a 32-byte key that still decrypts older secrets during a rotation
 * @param healthTimeout    how long a health ping may take before the store counts as unavailable
 * @param maxIntegrationsPerTenant {@code max_integrations_per_tenant}: only to warn at start-up when the
 *                         database holds the Go service's unique index that allows one per tenant
 */
public record MongoStoreSettings(String mongoUrl, String dbName, Path dataDir, long eventTtlSeconds,
    Optional<String> aesKey, Optional<String> aesFallbackKey, Duration healthTimeout, int maxIntegrationsPerTenant) {

  public static final String DEFAULT_DB_NAME = "iot_manager";
  public static final long DEFAULT_EVENT_TTL_SECONDS = 604_800;
  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);

  /** Settings with the default of one integration per tenant. */
  public MongoStoreSettings(String mongoUrl, String dbName, Path dataDir, long eventTtlSeconds,
      Optional<String> aesKey, Optional<String> aesFallbackKey, Duration healthTimeout) {
    this(mongoUrl, dbName, dataDir, eventTtlSeconds, aesKey, aesFallbackKey, healthTimeout, 1);
  }

  public MongoStoreSettings {
    mongoUrl = mongoUrl == null ? "" : mongoUrl.trim();
    if (dbName == null || dbName.isBlank()) {
      throw new IllegalArgumentException("mongo_dbname: cannot be blank");
    }
    Objects.requireNonNull(dataDir, "dataDir");
    if (eventTtlSeconds <= 0) {
      throw new IllegalArgumentException("event_exp_timeout: must be positive");
    }
    aesKey = blankToEmpty(aesKey);
    aesFallbackKey = blankToEmpty(aesFallbackKey);
    healthTimeout = healthTimeout == null ? DEFAULT_HEALTH_TIMEOUT : healthTimeout;
    if (healthTimeout.isNegative() || healthTimeout.isZero()) {
      throw new IllegalArgumentException("health timeout: must be positive");
    }
  }

  /** The embedded store in {@code dataDir} with the defaults of docs/wire-contract.md A8, no encryption. */
  public static MongoStoreSettings embedded(Path dataDir) {
    return new MongoStoreSettings("", DEFAULT_DB_NAME, dataDir, DEFAULT_EVENT_TTL_SECONDS, Optional.empty(),
        Optional.empty(), DEFAULT_HEALTH_TIMEOUT);
  }

  /** True when no {@code mongoUrl} is set and the embedded server is used. */
  public boolean embeddedServer() {
    return mongoUrl.isEmpty();
  }

  public MongoStoreSettings withAesKeys(Optional<String> key, Optional<String> fallbackKey) {
    return new MongoStoreSettings(mongoUrl, dbName, dataDir, eventTtlSeconds, key, fallbackKey, healthTimeout,
        maxIntegrationsPerTenant);
  }

  public MongoStoreSettings withMaxIntegrationsPerTenant(int max) {
    return new MongoStoreSettings(mongoUrl, dbName, dataDir, eventTtlSeconds, aesKey, aesFallbackKey, healthTimeout,
        max);
  }

  @Override
  public String toString() {
    // never print keys or URL credentials
    return "MongoStoreSettings[mongoUrl=" + MongoStore.redact(mongoUrl) + ", dbName=" + dbName + ", dataDir=" + dataDir
        + ", eventTtlSeconds=" + eventTtlSeconds + ", aesKey=" + (aesKey.isPresent() ? "<set>" : "<none>")
        + ", aesFallbackKey=" + (aesFallbackKey.isPresent() ? "<set>" : "<none>") + ", healthTimeout="
        + healthTimeout + ", maxIntegrationsPerTenant=" + maxIntegrationsPerTenant + "]";
  }

  private static Optional<String> blankToEmpty(Optional<String> value) {
    return value == null ? Optional.empty() : value.map(String::trim).filter(s -> !s.isEmpty());
  }
}
