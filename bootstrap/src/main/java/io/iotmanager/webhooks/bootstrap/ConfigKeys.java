package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.auth.Identities;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.RetryPolicy;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The table of every configuration key (iot-manager's own keys, then this service's): name,
 * default, parser and meaning, in documentation order. It is the only place a default is written (the
 * retry schedule and jitter are the domain's {@code RetryPolicy} defaults); {@link ConfigLoader} overlays the file and the environment on it, and {@code ConfigTableTest} checks
 * that README's configuration table says the same.
 */
final class ConfigKeys {
  private ConfigKeys() {}

  /** {@code host:port}; the host is empty for all interfaces and IPv6 literals have no brackets. */
  record HostPort(String host, int port) {}

  private static final String PEM_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----";
  private static final String HS256_PREFIX = "hs256:";
  private static final int AES_KEY_BYTES = 32;
  private static final String SCHEDULE_MESSAGE_PREFIX = "retry schedule: ";
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final String DURATION = "a duration (`ms`, `s`, `m`, `h`)";

  // ---- the keys of iot-manager (A8)

  static final ConfigKey<HostPort> LISTEN = ConfigKey.of("listen", ":8080", ConfigKeys::listen,
      "`host:port`, `:port` or `[ipv6]:port`");
  static final ConfigKey<String> MONGO_URL = ConfigKey.of("mongo_url", "", ConfigKeys::mongoUrl,
      "empty: the embedded store in `data_dir`; else `mongodb://…` (replica sets, credentials, `mongodb+srv://`)");
  static final ConfigKey<String> MONGO_DBNAME = ConfigKey.of("mongo_dbname", "iot_manager", ConfigKeys::dbName,
      "database name");
  static final ConfigKey<Integer> WEBHOOKS_TIMEOUT_SECONDS = ConfigKey.of("webhooks_timeout_seconds", "10",
      positiveInt(), "timeout of one delivery attempt");
  static final ConfigKey<Long> EVENT_EXP_TIMEOUT = ConfigKey.of("event_exp_timeout", "604800",
      positiveLong(), "how long events and their attempts are kept, seconds (TTL index)");
  static final ConfigKey<String> AES_ENCRYPTION_KEY = ConfigKey.of("aes_encryption_key", "", ConfigKeys::aesKey,
      "base64 of 32 bytes: webhook secrets are stored encrypted (AES-256-CFB + HMAC-SHA512)");
  static final ConfigKey<String> AES_ENCRYPTION_FALLBACK_KEY = ConfigKey.of("aes_encryption_fallback_key", "",
      ConfigKeys::aesKey, "base64 of 32 bytes: the previous key, still accepted for reading during a rotation");
  static final ConfigKey<Boolean> DOMAIN_SKIPVERIFY = ConfigKey.of("domain_skipverify", "false",
      ConfigKeys::bool,
      "`true` turns off the reserved-address (SSRF) checks, at save time and at connect time");

  // ---- this service's own (B5)

  static final ConfigKey<Long> REQUEST_SIZE_LIMIT = ConfigKey.of("request_size_limit", "1048576",
      positiveLong(), "largest request body in bytes; larger ones get 413 before they are read");
  static final ConfigKey<Path> DATA_DIR = ConfigKey.of("data_dir", "./data", ConfigKeys::dataDir,
      "where the embedded store keeps its file (used when `mongo_url` is empty)");
  static final ConfigKey<List<Duration>> WEBHOOKS_RETRY_SCHEDULE = ConfigKey.of("webhooks_retry_schedule",
      RetryPolicy.DEFAULT_SCHEDULE, ConfigKeys::retrySchedule,
      "delays between attempts (`ms`, `s`, `m`, `h`); empty means a single attempt");
  static final ConfigKey<Double> WEBHOOKS_RETRY_JITTER = ConfigKey.of("webhooks_retry_jitter",
      Double.toString(RetryPolicy.DEFAULT_JITTER),
      ConfigKeys::jitter, "each delay is jittered by ± this fraction");
  static final ConfigKey<Integer> MAX_INTEGRATIONS_PER_TENANT = ConfigKey.of("max_integrations_per_tenant", "1",
      positiveInt(), "a tenant's integrations; one more is a 409");
  static final ConfigKey<String> JWT_VERIFY_KEY = ConfigKey.of("jwt_verify_key", "", ConfigKeys::jwtKey,
      "empty: JWTs are decoded, not verified (behind Mender's gateway); else a PEM public key (RSA: RS256, "
          + "EC P-256: ES256, Ed25519: EdDSA) or `hs256:<secret>`. The key alone decides the algorithm (a token "
          + "naming another, `none` included, is a 401); `exp`, `nbf` and `iat` are checked with 60 s of clock "
          + "skew");
  static final ConfigKey<Long> WEBHOOKS_LEASE_SECONDS = ConfigKey.of("webhooks_lease_seconds", "12",
      "(`webhooks_timeout_seconds` + 2 when that is longer)", longRange(1, Integer.MAX_VALUE),
      "how long an instance's claim on an event keeps other instances off it; must exceed "
          + "`webhooks_timeout_seconds` (see [Delivery](#delivery))");

  // ---- engine tuning (see docs/BENCHMARKS.md before changing them)

  static final ConfigKey<Integer> WEBHOOKS_MAX_CONCURRENT = ConfigKey.of("webhooks_max_concurrent", "256",
      positiveInt(), "attempts in flight at once, in all");
  static final ConfigKey<Integer> WEBHOOKS_MAX_PER_HOST = ConfigKey.of("webhooks_max_per_host", "128",
      positiveInt(), "attempts in flight at once to one destination host (also the connection pool per host)");
  static final ConfigKey<Integer> WEBHOOKS_MAX_HELD_RETRIES = ConfigKey.of("webhooks_max_held_retries", "50000",
      intAtLeast(0), "retries due within `webhooks_retry_horizon` kept in memory, at most; the rest wait in the "
          + "store");
  static final ConfigKey<Integer> WEBHOOKS_MAX_BACKLOG = ConfigKey.of("webhooks_max_backlog", "20000",
      positiveInt(), "deliveries queued in an instance, at most; beyond it new events wait in the store for "
          + "a poll");
  static final ConfigKey<Integer> WEBHOOKS_OUTCOME_BATCH = ConfigKey.of("webhooks_outcome_batch", "200",
      intRange(1, 100_000), "attempt outcomes written per store command, at most");
  static final ConfigKey<Duration> WEBHOOKS_OUTCOME_FLUSH_DELAY = ConfigKey.of("webhooks_outcome_flush_delay",
      "25ms", duration(Duration.ZERO), "how long an outcome waits for others to share its store write; "
          + DURATION);
  static final ConfigKey<Duration> WEBHOOKS_RETRY_HORIZON = ConfigKey.of("webhooks_retry_horizon", "15m",
      duration(Duration.ZERO), "retries due within this wait in memory under the lease; later ones are "
          + "released to the store; " + DURATION);
  static final ConfigKey<Duration> WEBHOOKS_POLL_INTERVAL = ConfigKey.of("webhooks_poll_interval", "1s",
      duration(Duration.ofMillis(1)), "how often an instance polls MongoDB for due or orphaned work; "
          + DURATION);
  static final ConfigKey<Duration> WEBHOOKS_EMBEDDED_POLL_INTERVAL = ConfigKey.of(
      "webhooks_embedded_poll_interval", "5s", duration(Duration.ofMillis(1)),
      "the same on the embedded store (one process owns it: a poll only finds retries released to the store); "
          + DURATION);
  static final ConfigKey<Duration> WEBHOOKS_STOP_TIMEOUT = ConfigKey.of("webhooks_stop_timeout", "15s",
      duration(Duration.ZERO), "on SIGTERM, how long attempts in flight may take to end; " + DURATION);
  static final ConfigKey<Duration> WEBHOOKS_WARM_UP = ConfigKey.of("webhooks_warm_up", "10s",
      duration(Duration.ZERO), "at start-up, before the port opens, how long a rehearsal service (wired like "
          + "the real one, on a temporary embedded store of its own; nothing leaves the host) may be driven through "
          + "its API, and then at most as long again for the JIT compilers to settle, so that the first events "
          + "are handled by compiled code; `0s` turns it off; " + DURATION);
  static final ConfigKey<JitMode> WEBHOOKS_JIT = ConfigKey.of("webhooks_jit", "tiered", JitMode::parse,
      "which JIT compilers compile the service: `tiered`: the JVM's default (C1, then the optimizing C2 for "
          + "what stays hot); `quick`: C1 alone, so that no optimizing compile takes the CPU the first events "
          + "after start-up need, at some sustained throughput (see [Operations](#operations))");

  // ---- integration health (see [Integration health](#integration-health))

  static final ConfigKey<Duration> WEBHOOKS_DISABLE_AFTER = ConfigKey.of("webhooks_disable_after", "",
      ConfigKeys::period, "empty (or `0s`): never; else an integration whose attempts have only failed for this "
          + "long (e.g. `5d`) is disabled: it gets no attempts and its new events are stored as `skipped` until it is "
          + "enabled again; a duration (`ms`, `s`, `m`, `h`, `d`)");
  static final ConfigKey<Boolean> WEBHOOKS_DISABLE_ON_GONE = ConfigKey.of("webhooks_disable_on_gone", "false",
      ConfigKeys::bool, "`true`: a `410 Gone` answer disables the integration at once");
  static final ConfigKey<Integer> WEBHOOKS_RECOVERY_RATE = ConfigKey.of("webhooks_recovery_rate", "10",
      intRange(1, 100_000), "events per second per integration, at most, that enabling it or a bulk recovery "
          + "queues again (oldest first)");

  // ---- intake under overload (see [Operations](#operations))

  static final ConfigKey<Integer> INTAKE_MAX_WRITES = ConfigKey.of("intake_max_writes", "8", positiveInt(),
      "intake store writes in flight at once (single-event writes arriving together share one durable commit); delivery "
          + "outcomes, claims and lease renewals do not queue behind them");
  static final ConfigKey<Duration> INTAKE_QUEUE_TIMEOUT = ConfigKey.of("intake_queue_timeout", "1s",
      duration(Duration.ZERO), "how long an intake call may wait for its store write to start; a call that "
          + "would wait longer is answered 503 with `Retry-After`, and nothing of it is stored; " + DURATION);
  static final ConfigKey<Integer> INTAKE_MAX_QUEUED_EVENTS = ConfigKey.of("intake_max_queued_events", "2000",
      intAtLeast(0), "events of intake calls waiting for a store write, at most; one more call is a 503");

  /** Every key, in documentation order. */
  static final List<ConfigKey<?>> ALL = List.of(
      LISTEN,
      MONGO_URL,
      MONGO_DBNAME,
      WEBHOOKS_TIMEOUT_SECONDS,
      EVENT_EXP_TIMEOUT,
      AES_ENCRYPTION_KEY,
      AES_ENCRYPTION_FALLBACK_KEY,
      DOMAIN_SKIPVERIFY,
      REQUEST_SIZE_LIMIT,
      DATA_DIR,
      WEBHOOKS_RETRY_SCHEDULE,
      WEBHOOKS_RETRY_JITTER,
      MAX_INTEGRATIONS_PER_TENANT,
      JWT_VERIFY_KEY,
      WEBHOOKS_LEASE_SECONDS,
      WEBHOOKS_MAX_CONCURRENT,
      WEBHOOKS_MAX_PER_HOST,
      WEBHOOKS_MAX_HELD_RETRIES,
      WEBHOOKS_MAX_BACKLOG,
      WEBHOOKS_OUTCOME_BATCH,
      WEBHOOKS_OUTCOME_FLUSH_DELAY,
      WEBHOOKS_RETRY_HORIZON,
      WEBHOOKS_POLL_INTERVAL,
      WEBHOOKS_EMBEDDED_POLL_INTERVAL,
      WEBHOOKS_STOP_TIMEOUT,
      WEBHOOKS_WARM_UP,
      WEBHOOKS_JIT,
      WEBHOOKS_DISABLE_AFTER,
      WEBHOOKS_DISABLE_ON_GONE,
      WEBHOOKS_RECOVERY_RATE,
      INTAKE_MAX_WRITES,
      INTAKE_QUEUE_TIMEOUT,
      INTAKE_MAX_QUEUED_EVENTS);

  // ---------------------------------------------------------------------------------------------
  // Parsers: each throws IllegalArgumentException with what is wrong; ConfigLoader adds key and source.

  /** {@code host:port}, {@code :port} or {@code [ipv6]:port}; the host is returned without brackets. */
  static HostPort listen(String text) {
    String v = text.trim();
    String host;
    String port;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unterminated IPv6 address in " + quote(v));
      }
      host = v.substring(1, close);
      if (host.isEmpty() || !host.contains(":") || !host.matches("[0-9A-Fa-f:.]+(%[\\w.-]+)?")) {
        throw new IllegalArgumentException(quote("[" + host + "]") + " is not an IPv6 address");
      }
      String rest = v.substring(close + 1);
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("missing port in " + quote(v) + " (expected [address]:port)");
      }
      port = rest.substring(1);
    } else {
      int colon = v.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("missing port in " + quote(v) + " (expected host:port or :port)");
      }
      host = v.substring(0, colon);
      port = v.substring(colon + 1);
      if (host.contains(":")) {
        throw new IllegalArgumentException("IPv6 addresses must be in brackets, e.g. [::1]:8080, got " + quote(v));
      }
      if (!host.matches("[\\w.-]*")) {
        throw new IllegalArgumentException("host " + quote(host) + " is not a host name or address");
      }
    }
    if (port.isEmpty()) {
      throw new IllegalArgumentException("missing port in " + quote(v) + " (expected host:port or :port)");
    }
    if (!DIGITS.matcher(port).matches()) {
      throw new IllegalArgumentException("port " + quote(port) + " is not a number");
    }
    int number = port.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(port);
    if (number < 1 || number > 65_535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1..65535");
    }
    return new HostPort(host, number);
  }

  static String mongoUrl(String text) {
    String v = text.trim();
    if (!v.isEmpty() && !v.startsWith("mongodb://") && !v.startsWith("mongodb+srv://")) {
      // Do not echo: the URL may carry credentials.
      throw new IllegalArgumentException("must be empty (embedded store) or start with mongodb:// or mongodb+srv://");
    }
    return v;
  }

  static String dbName(String text) {
    String v = text.trim();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (v.chars().anyMatch(c -> "/\\. \"$".indexOf(c) >= 0 || c == 0)) {
      throw new IllegalArgumentException(quote(v) + " is not a valid database name (no /\\. \"$ or spaces)");
    }
    return v;
  }

  static ConfigKey.Parser<Long> longRange(long min, long max) {
    return text -> {
      String v = text.trim();
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException e) {
        if (v.matches("[+-]?\\d+")) {
          throw new IllegalArgumentException(v + " is out of range", e);
        }
        throw new IllegalArgumentException(quote(v) + " is not a whole number", e);
      }
      if (n < min) {
        throw new IllegalArgumentException("must be at least " + min + ", got " + n);
      }
      if (n > max) {
        throw new IllegalArgumentException("must be at most " + max + ", got " + n);
      }
      return n;
    };
  }

  private static ConfigKey.Parser<Integer> intRange(int min, int max) {
    ConfigKey.Parser<Long> parser = longRange(min, max);
    return text -> (int) (long) parser.parse(text);
  }

  private static ConfigKey.Parser<Integer> intAtLeast(int min) {
    return intRange(min, Integer.MAX_VALUE);
  }

  private static ConfigKey.Parser<Integer> positiveInt() {
    return intAtLeast(1);
  }

  private static ConfigKey.Parser<Long> positiveLong() {
    return longRange(1L, Long.MAX_VALUE);
  }

  static boolean bool(String text) {
    String v = text.trim();
    if (v.equalsIgnoreCase("true") || v.equals("1")) {
      return true;
    }
    if (v.equalsIgnoreCase("false") || v.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException(quote(v) + " is not a boolean (expected true or false)");
  }

  static String aesKey(String text) {
    String v = text.trim();
    if (v.isEmpty()) {
      return v;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not valid base64 (expected base64 of 32 bytes)");
    }
    if (decoded.length != AES_KEY_BYTES) {
      throw new IllegalArgumentException(
          "decodes to " + decoded.length + " bytes, expected " + AES_KEY_BYTES + " (AES-256)");
    }
    return v;
  }

  static Path dataDir(String text) {
    String v = text.trim();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(quote(v) + " is not a valid path: " + e.getReason(), e);
    }
  }

  static List<Duration> retrySchedule(String text) {
    try {
      return RetryPolicy.parseSchedule(text);
    } catch (DomainValidationException e) {
      String detail = e.getMessage();
      if (detail != null && detail.startsWith(SCHEDULE_MESSAGE_PREFIX)) {
        detail = detail.substring(SCHEDULE_MESSAGE_PREFIX.length());
      }
      throw new IllegalArgumentException(detail, e);
    }
  }

  /** One duration in the retry schedule's notation ({@code 25ms}, {@code 1s}, {@code 15m}), at least {@code min}. */
  static ConfigKey.Parser<Duration> duration(Duration min) {
    return text -> {
      if (text.isBlank() || text.contains(",")) {
        throw new IllegalArgumentException(quote(text.trim()) + " is not one duration such as 500ms, 5s, 15m or 1h");
      }
      Duration d = retrySchedule(text).get(0);
      if (d.compareTo(min) < 0) {
        throw new IllegalArgumentException("must be at least " + min.toMillis() + "ms, got " + text.trim());
      }
      return d;
    };
  }

  private static final Pattern PERIOD = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  /** A period such as {@code 5d}, {@code 36h} or {@code 90m}; empty means zero (off). */
  static Duration period(String text) {
    String v = text.trim();
    if (v.isEmpty()) {
      return Duration.ZERO;
    }
    java.util.regex.Matcher m = PERIOD.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException(quote(v) + " is not a duration such as 5d, 36h, 90m or 30s");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  static double jitter(String text) {
    String v = text.trim();
    double j;
    try {
      j = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(quote(v) + " is not a number", e);
    }
    if (Double.isNaN(j) || j < 0.0 || j >= 1.0) {
      throw new IllegalArgumentException("must be in [0, 1), got " + v);
    }
    return j;
  }

  static String jwtKey(String text) {
    String v = text.trim();
    if (v.isEmpty()) {
      return v;
    }
    if (v.contains(PEM_PUBLIC_KEY)) {
      try {
        Identities.from(Optional.of(v));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage().replaceFirst("^" + JWT_VERIFY_KEY_NAME + ": ", ""), e);
      }
      return v;
    }
    if (v.startsWith(HS256_PREFIX)) {
      if (v.substring(HS256_PREFIX.length()).isBlank()) {
        throw new IllegalArgumentException("the hs256: secret must not be empty");
      }
      return v;
    }
    throw new IllegalArgumentException(
        "expected empty, hs256:<secret> or a PEM public key (" + PEM_PUBLIC_KEY + ")");
  }

  private static final String JWT_VERIFY_KEY_NAME = "jwt_verify_key";

  static String quote(String value) {
    String shown = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    return '"' + shown + '"';
  }
}
