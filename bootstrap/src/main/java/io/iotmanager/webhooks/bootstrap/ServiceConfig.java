package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.application.service.IntakeAdmission;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The service configuration (docs/wire-contract.md A8 and B5), already validated by {@link ConfigLoader}.
 *
 * @param listenHost host or address to bind; empty means all interfaces (IPv6 literals without brackets)
 * @param listenPort TCP port, 1..65535
 * @param mongoUrl {@code mongodb://…} URL; blank means the embedded store
 * @param mongoDbName database name
 * @param webhooksTimeoutSeconds timeout of one delivery attempt
 * @param eventExpTimeoutSeconds event retention
 * @param aesEncryptionKey base64 of 32 bytes, or empty (no encryption)
 * @param aesEncryptionFallbackKey base64 of 32 bytes, or empty
 * @param domainSkipVerify disables the reserved-address (SSRF) check
 * @param requestSizeLimit maximum request body, bytes
 * @param dataDir directory of the embedded store
 * @param webhooksRetrySchedule delays between attempts; empty means a single attempt
 * @param webhooksRetryJitter ± fraction applied to each delay, in [0, 1)
 * @param maxIntegrationsPerTenant maximum number of integrations per tenant
 * @param jwtVerifyKey empty (decode only), {@code hs256:<secret>} or a PEM public key
 * @param webhooksLeaseSeconds how long an instance's claim on an event keeps other instances off it; after
 *     a crash its work is taken over once this expires. Longer than {@code webhooksTimeoutSeconds}.
 * @param engine the delivery engine's tuning
 * @param intake intake's admission control: store writes in flight, queue timeout and queue bound
 * @param health opt-in disabling of failing integrations, and the rate of re-queued events
 */
public record ServiceConfig(
    String listenHost,
    int listenPort,
    String mongoUrl,
    String mongoDbName,
    int webhooksTimeoutSeconds,
    long eventExpTimeoutSeconds,
    String aesEncryptionKey,
    String aesEncryptionFallbackKey,
    boolean domainSkipVerify,
    long requestSizeLimit,
    Path dataDir,
    List<Duration> webhooksRetrySchedule,
    double webhooksRetryJitter,
    int maxIntegrationsPerTenant,
    String jwtVerifyKey,
    long webhooksLeaseSeconds,
    EngineTuning engine,
    IntakeAdmission.Settings intake,
    HealthSettings health) {

  public ServiceConfig {
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(mongoUrl, "mongoUrl");
    Objects.requireNonNull(mongoDbName, "mongoDbName");
    Objects.requireNonNull(aesEncryptionKey, "aesEncryptionKey");
    Objects.requireNonNull(aesEncryptionFallbackKey, "aesEncryptionFallbackKey");
    Objects.requireNonNull(dataDir, "dataDir");
    webhooksRetrySchedule = List.copyOf(Objects.requireNonNull(webhooksRetrySchedule, "webhooksRetrySchedule"));
    Objects.requireNonNull(jwtVerifyKey, "jwtVerifyKey");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(intake, "intake");
    Objects.requireNonNull(health, "health");
    if (webhooksLeaseSeconds <= webhooksTimeoutSeconds) {
      throw new IllegalArgumentException("webhooksLeaseSeconds (" + webhooksLeaseSeconds
          + ") must exceed webhooksTimeoutSeconds (" + webhooksTimeoutSeconds + ")");
    }
  }

  /** The documented defaults (the defaults of {@link ConfigKeys}): listen {@code :8080}, embedded store, etc. */
  public static ServiceConfig defaults() {
    return ConfigLoader.load(Optional.empty(), Map.of());
  }

  /**
   * The configuration of the start-up rehearsal ({@link StartUpRehearsal}): this one, on an embedded store
   * in {@code dir}, listening on no port of its own, with loopback destinations allowed (its receiver is
   * on this host) and tokens only decoded (its client makes its own).
   */
  ServiceConfig forRehearsal(Path dir) {
    return new ServiceConfig("127.0.0.1", listenPort, "", mongoDbName, webhooksTimeoutSeconds,
        eventExpTimeoutSeconds, aesEncryptionKey, aesEncryptionFallbackKey, true, requestSizeLimit, dir,
        webhooksRetrySchedule, webhooksRetryJitter, Math.max(1, maxIntegrationsPerTenant), "",
        webhooksLeaseSeconds, engine, intake, health);
  }

  /** The delivery lease as a duration. */
  public Duration webhooksLease() {
    return Duration.ofSeconds(webhooksLeaseSeconds);
  }

  /** True when no {@code mongo_url} is configured: the service uses its embedded store in {@link #dataDir()}. */
  public boolean embeddedStore() {
    return mongoUrl.isBlank();
  }

  /** Secrets (AES keys, JWT key, credentials in the Mongo URL) are redacted so the config can be logged. */
  @Override
  public String toString() {
    return "ServiceConfig[listenHost=" + listenHost
        + ", listenPort=" + listenPort
        + ", mongoUrl=" + redactUrl(mongoUrl)
        + ", mongoDbName=" + mongoDbName
        + ", webhooksTimeoutSeconds=" + webhooksTimeoutSeconds
        + ", eventExpTimeoutSeconds=" + eventExpTimeoutSeconds
        + ", aesEncryptionKey=" + redact(aesEncryptionKey)
        + ", aesEncryptionFallbackKey=" + redact(aesEncryptionFallbackKey)
        + ", domainSkipVerify=" + domainSkipVerify
        + ", requestSizeLimit=" + requestSizeLimit
        + ", dataDir=" + dataDir
        + ", webhooksRetrySchedule=" + webhooksRetrySchedule
        + ", webhooksRetryJitter=" + webhooksRetryJitter
        + ", maxIntegrationsPerTenant=" + maxIntegrationsPerTenant
        + ", jwtVerifyKey=" + redact(jwtVerifyKey)
        + ", webhooksLeaseSeconds=" + webhooksLeaseSeconds
        + ", engine=" + engine
        + ", health=" + health
        + "]";
  }

  private static String redact(String secret) {
    return secret.isEmpty() ? "" : "***";
  }

  private static String redactUrl(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      return url;
    }
    int start = scheme + 3;
    int end = url.length();
    for (int i = start; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?') {
        end = i;
        break;
      }
    }
    int at = url.lastIndexOf('@', end - 1);
    if (at < start) {
      return url;
    }
    return url.substring(0, start) + "***" + url.substring(at);
  }
}
