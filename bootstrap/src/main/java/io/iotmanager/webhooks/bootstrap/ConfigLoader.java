package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.auth.Identities;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Builds the {@link ServiceConfig}: defaults, then the YAML file (a flat mapping of the snake_case keys),
 * then the environment variables {@code IOT_MANAGER_<KEY>} (environment wins). Every value is validated;
 * the first invalid one raises an {@link InvalidConfigException} naming the key and where the value came
 * from. Secret values (AES keys, JWT key) are never echoed in messages.
 */
public final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** Prefix of the environment variables: {@code IOT_MANAGER_MONGO_URL} sets {@code mongo_url}. */
  public static final String ENV_PREFIX = "IOT_MANAGER_";

  static final String LISTEN = "listen";
  static final String MONGO_URL = "mongo_url";
  static final String MONGO_DBNAME = "mongo_dbname";
  static final String WEBHOOKS_TIMEOUT_SECONDS = "webhooks_timeout_seconds";
  static final String EVENT_EXP_TIMEOUT = "event_exp_timeout";
  static final String AES_ENCRYPTION_KEY = "aes_encryption_key";
  static final String AES_ENCRYPTION_FALLBACK_KEY = "aes_encryption_fallback_key";
  static final String DOMAIN_SKIPVERIFY = "domain_skipverify";
  static final String REQUEST_SIZE_LIMIT = "request_size_limit";
  static final String DATA_DIR = "data_dir";
  static final String WEBHOOKS_RETRY_SCHEDULE = "webhooks_retry_schedule";
  static final String WEBHOOKS_RETRY_JITTER = "webhooks_retry_jitter";
  static final String MAX_INTEGRATIONS_PER_TENANT = "max_integrations_per_tenant";
  static final String JWT_VERIFY_KEY = "jwt_verify_key";
  static final String WEBHOOKS_LEASE_SECONDS = "webhooks_lease_seconds";

  /** Every key this service understands (A8 and B5), in documentation order. */
  public static final Set<String> KEYS =
      Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
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
          WEBHOOKS_LEASE_SECONDS)));

  private static final String PEM_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----";
  private static final String HS256_PREFIX = "hs256:";
  private static final int AES_KEY_BYTES = 32;
  private static final String SCHEDULE_MESSAGE_PREFIX = "retry schedule: ";
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param yamlFile the {@code --config} file, if any; it must exist and be a YAML mapping
   * @param env the environment (normally {@code System.getenv()})
   * @throws InvalidConfigException when the file is missing or malformed, or a value is invalid
   */
  public static ServiceConfig load(Optional<Path> yamlFile, Map<String, String> env) {
    Objects.requireNonNull(yamlFile, "yamlFile");
    Objects.requireNonNull(env, "env");

    Map<String, Setting> settings = new LinkedHashMap<>();
    yamlFile.ifPresent(file -> readYaml(file, settings));
    for (String key : KEYS) {
      String variable = ENV_PREFIX + key.toUpperCase(Locale.ROOT);
      String value = env.get(variable);
      if (value != null) {
        settings.put(key, new Setting(value, "environment variable " + variable));
      }
    }
    return build(settings);
  }

  /** A raw value and where it came from (for error messages). */
  private record Setting(String value, String source) {}

  // ---------------------------------------------------------------------------------------------
  // YAML

  private static void readYaml(Path file, Map<String, Setting> settings) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException("invalid configuration: file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidConfigException(
          "invalid configuration: cannot read file " + file + ": " + e.getMessage(), e);
    }

    Object document;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setAllowRecursiveKeys(false);
      document =
          new Yaml(
                  new SafeConstructor(options),
                  new Representer(new DumperOptions()),
                  new DumperOptions(),
                  options,
                  new PlainScalarsAsText())
              .load(text);
    } catch (YAMLException e) {
      throw new InvalidConfigException(
          "invalid configuration: file " + file + " is not valid YAML: " + yamlProblem(e), e);
    }
    if (document == null) {
      return; // empty file: nothing to overlay
    }
    if (!(document instanceof Map<?, ?> mapping)) {
      throw new InvalidConfigException(
          "invalid configuration: file " + file + " must be a mapping of keys to values");
    }

    String source = "file " + file;
    for (Map.Entry<?, ?> entry : mapping.entrySet()) {
      String key = String.valueOf(entry.getKey());
      if (!KEYS.contains(key)) {
        LOG.warn("ignoring unknown configuration key \"{}\" in {}", key, file);
        continue;
      }
      settings.put(key, new Setting(scalar(key, entry.getValue(), source), source));
    }
  }

  /** The problem and its position, without the excerpt of the file (which may hold a secret). */
  private static String yamlProblem(YAMLException e) {
    if (e instanceof MarkedYAMLException marked
        && marked.getProblem() != null
        && marked.getProblemMark() != null) {
      return marked.getProblem()
          + " at line " + (marked.getProblemMark().getLine() + 1)
          + ", column " + (marked.getProblemMark().getColumn() + 1);
    }
    return e.getMessage();
  }

  /**
   * Resolves every untagged scalar as text: the values are parsed and validated by this class, and
   * YAML 1.1 implicit typing would otherwise turn {@code 1:30} into the integer 90 (sexagesimal),
   * {@code 010} into 8 or {@code on} into a boolean. Only null ({@code ~}, {@code null}, nothing) is
   * still recognised, and read as the empty value.
   */
  private static final class PlainScalarsAsText extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
      addImplicitResolver(Tag.NULL, EMPTY, null, 10);
    }
  }

  /** YAML value to text: strings, numbers and booleans; a list only for the retry schedule. */
  private static String scalar(String key, Object value, String source) {
    if (value == null) {
      return "";
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (key.equals(WEBHOOKS_RETRY_SCHEDULE) && value instanceof List<?> list) {
      List<String> items = new ArrayList<>(list.size());
      for (Object item : list) {
        if (!(item instanceof String || item instanceof Number)) {
          throw invalid(key, "list items must be durations such as 5s", source);
        }
        items.add(item.toString());
      }
      return String.join(",", items);
    }
    throw invalid(key, "expected a string, number or boolean", source);
  }

  // ---------------------------------------------------------------------------------------------
  // Building and validation

  private static ServiceConfig build(Map<String, Setting> settings) {
    ServiceConfig d = ServiceConfig.defaults();

    String listenHost = d.listenHost();
    int listenPort = d.listenPort();
    Setting listen = settings.get(LISTEN);
    if (listen != null) {
      HostPort hp = parseListen(listen);
      listenHost = hp.host();
      listenPort = hp.port();
    }

    Setting s;
    String mongoUrl = (s = settings.get(MONGO_URL)) == null ? d.mongoUrl() : parseMongoUrl(s);
    String mongoDbName =
        (s = settings.get(MONGO_DBNAME)) == null ? d.mongoDbName() : parseDbName(s);
    int timeout =
        (s = settings.get(WEBHOOKS_TIMEOUT_SECONDS)) == null
            ? d.webhooksTimeoutSeconds()
            : (int) parseInteger(WEBHOOKS_TIMEOUT_SECONDS, s, 1, Integer.MAX_VALUE);
    long eventExp =
        (s = settings.get(EVENT_EXP_TIMEOUT)) == null
            ? d.eventExpTimeoutSeconds()
            : parseInteger(EVENT_EXP_TIMEOUT, s, 1, Long.MAX_VALUE);
    String aesKey =
        (s = settings.get(AES_ENCRYPTION_KEY)) == null
            ? d.aesEncryptionKey()
            : parseAesKey(AES_ENCRYPTION_KEY, s);
    String aesFallback =
        (s = settings.get(AES_ENCRYPTION_FALLBACK_KEY)) == null
            ? d.aesEncryptionFallbackKey()
            : parseAesKey(AES_ENCRYPTION_FALLBACK_KEY, s);
    boolean skipVerify =
        (s = settings.get(DOMAIN_SKIPVERIFY)) == null
            ? d.domainSkipVerify()
            : parseBoolean(DOMAIN_SKIPVERIFY, s);
    long sizeLimit =
        (s = settings.get(REQUEST_SIZE_LIMIT)) == null
            ? d.requestSizeLimit()
            : parseInteger(REQUEST_SIZE_LIMIT, s, 1, Long.MAX_VALUE);
    Path dataDir = (s = settings.get(DATA_DIR)) == null ? d.dataDir() : parseDataDir(s);
    List<Duration> schedule =
        (s = settings.get(WEBHOOKS_RETRY_SCHEDULE)) == null
            ? d.webhooksRetrySchedule()
            : parseRetrySchedule(s);
    double jitter =
        (s = settings.get(WEBHOOKS_RETRY_JITTER)) == null
            ? d.webhooksRetryJitter()
            : parseJitter(s);
    int maxIntegrations =
        (s = settings.get(MAX_INTEGRATIONS_PER_TENANT)) == null
            ? d.maxIntegrationsPerTenant()
            : (int) parseInteger(MAX_INTEGRATIONS_PER_TENANT, s, 1, Integer.MAX_VALUE);
    String jwtKey =
        (s = settings.get(JWT_VERIFY_KEY)) == null ? d.jwtVerifyKey() : parseJwtKey(s);
    long lease = ServiceConfig.defaultLeaseSeconds(timeout);
    if ((s = settings.get(WEBHOOKS_LEASE_SECONDS)) != null) {
      lease = parseInteger(WEBHOOKS_LEASE_SECONDS, s, 1, Integer.MAX_VALUE);
      if (lease <= timeout) {
        throw invalid(WEBHOOKS_LEASE_SECONDS, "must be longer than " + WEBHOOKS_TIMEOUT_SECONDS + " ("
            + timeout + "), got " + lease, s.source());
      }
    }

    if (!aesFallback.isEmpty() && aesKey.isEmpty()) {
      LOG.warn("{} is set but {} is empty: secrets will be stored unencrypted",
          AES_ENCRYPTION_FALLBACK_KEY, AES_ENCRYPTION_KEY);
    }

    return new ServiceConfig(
        listenHost,
        listenPort,
        mongoUrl,
        mongoDbName,
        timeout,
        eventExp,
        aesKey,
        aesFallback,
        skipVerify,
        sizeLimit,
        dataDir,
        schedule,
        jitter,
        maxIntegrations,
        jwtKey,
        lease);
  }

  private record HostPort(String host, int port) {}

  /** {@code host:port}, {@code :port} or {@code [ipv6]:port}; the host is returned without brackets. */
  private static HostPort parseListen(Setting s) {
    String v = s.value().trim();
    String host;
    String port;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        throw invalid(LISTEN, "unterminated IPv6 address in " + quote(v), s.source());
      }
      host = v.substring(1, close);
      if (host.isEmpty() || !host.contains(":") || !host.matches("[0-9A-Fa-f:.]+(%[\\w.-]+)?")) {
        throw invalid(LISTEN, quote("[" + host + "]") + " is not an IPv6 address", s.source());
      }
      String rest = v.substring(close + 1);
      if (!rest.startsWith(":")) {
        throw invalid(LISTEN, "missing port in " + quote(v) + " (expected [address]:port)", s.source());
      }
      port = rest.substring(1);
    } else {
      int colon = v.lastIndexOf(':');
      if (colon < 0) {
        throw invalid(LISTEN, "missing port in " + quote(v) + " (expected host:port or :port)", s.source());
      }
      host = v.substring(0, colon);
      port = v.substring(colon + 1);
      if (host.contains(":")) {
        throw invalid(LISTEN,
            "IPv6 addresses must be in brackets, e.g. [::1]:8080, got " + quote(v), s.source());
      }
      if (!host.matches("[\\w.-]*")) {
        throw invalid(LISTEN, "host " + quote(host) + " is not a host name or address", s.source());
      }
    }
    if (port.isEmpty()) {
      throw invalid(LISTEN, "missing port in " + quote(v) + " (expected host:port or :port)", s.source());
    }
    if (!DIGITS.matcher(port).matches()) {
      throw invalid(LISTEN, "port " + quote(port) + " is not a number", s.source());
    }
    int number = port.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(port);
    if (number < 1 || number > 65_535) {
      throw invalid(LISTEN, "port " + port + " is out of range 1..65535", s.source());
    }
    return new HostPort(host, number);
  }

  private static String parseMongoUrl(Setting s) {
    String v = s.value().trim();
    if (!v.isEmpty() && !v.startsWith("mongodb://") && !v.startsWith("mongodb+srv://")) {
      // Do not echo: the URL may carry credentials.
      throw invalid(MONGO_URL,
          "must be empty (embedded store) or start with mongodb:// or mongodb+srv://", s.source());
    }
    return v;
  }

  private static String parseDbName(Setting s) {
    String v = s.value().trim();
    if (v.isEmpty()) {
      throw invalid(MONGO_DBNAME, "must not be empty", s.source());
    }
    if (v.chars().anyMatch(c -> "/\\. \"$".indexOf(c) >= 0 || c == 0)) {
      throw invalid(MONGO_DBNAME,
          quote(v) + " is not a valid database name (no /\\. \"$ or spaces)", s.source());
    }
    return v;
  }

  private static long parseInteger(String key, Setting s, long min, long max) {
    String v = s.value().trim();
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      if (v.matches("[+-]?\\d+")) {
        throw invalid(key, v + " is out of range", s.source());
      }
      throw invalid(key, quote(v) + " is not a whole number", s.source());
    }
    if (n < min) {
      throw invalid(key, "must be at least " + min + ", got " + n, s.source());
    }
    if (n > max) {
      throw invalid(key, "must be at most " + max + ", got " + n, s.source());
    }
    return n;
  }

  private static boolean parseBoolean(String key, Setting s) {
    String v = s.value().trim();
    if (v.equalsIgnoreCase("true") || v.equals("1")) {
      return true;
    }
    if (v.equalsIgnoreCase("false") || v.equals("0")) {
      return false;
    }
    throw invalid(key, quote(v) + " is not a boolean (expected true or false)", s.source());
  }

  private static String parseAesKey(String key, Setting s) {
    String v = s.value().trim();
    if (v.isEmpty()) {
      return v;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      throw invalid(key, "not valid base64 (expected base64 of 32 bytes)", s.source());
    }
    if (decoded.length != AES_KEY_BYTES) {
      throw invalid(key,
          "decodes to " + decoded.length + " bytes, expected " + AES_KEY_BYTES + " (AES-256)", s.source());
    }
    return v;
  }

  private static Path parseDataDir(Setting s) {
    String v = s.value().trim();
    if (v.isEmpty()) {
      throw invalid(DATA_DIR, "must not be empty", s.source());
    }
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw invalid(DATA_DIR, quote(v) + " is not a valid path: " + e.getReason(), s.source());
    }
  }

  private static List<Duration> parseRetrySchedule(Setting s) {
    try {
      return RetryPolicy.parseSchedule(s.value());
    } catch (DomainValidationException e) {
      String detail = e.getMessage();
      if (detail != null && detail.startsWith(SCHEDULE_MESSAGE_PREFIX)) {
        detail = detail.substring(SCHEDULE_MESSAGE_PREFIX.length());
      }
      throw new InvalidConfigException(
          "invalid configuration: " + WEBHOOKS_RETRY_SCHEDULE + ": " + detail + " (from " + s.source() + ")",
          e);
    }
  }

  private static double parseJitter(Setting s) {
    String v = s.value().trim();
    double j;
    try {
      j = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw invalid(WEBHOOKS_RETRY_JITTER, quote(v) + " is not a number", s.source());
    }
    if (Double.isNaN(j) || j < 0.0 || j >= 1.0) {
      throw invalid(WEBHOOKS_RETRY_JITTER, "must be in [0, 1), got " + v, s.source());
    }
    return j;
  }

  private static String parseJwtKey(Setting s) {
    String v = s.value().trim();
    if (v.isEmpty()) {
      return v;
    }
    if (v.contains(PEM_PUBLIC_KEY)) {
      try {
        Identities.from(java.util.Optional.of(v));
      } catch (IllegalArgumentException e) {
        throw invalid(JWT_VERIFY_KEY, e.getMessage().replaceFirst("^" + JWT_VERIFY_KEY + ": ", ""), s.source());
      }
      return v;
    }
    if (v.startsWith(HS256_PREFIX)) {
      if (v.substring(HS256_PREFIX.length()).isBlank()) {
        throw invalid(JWT_VERIFY_KEY, "the hs256: secret must not be empty", s.source());
      }
      return v;
    }
    throw invalid(JWT_VERIFY_KEY,
        "expected empty, hs256:<secret> or a PEM public key (" + PEM_PUBLIC_KEY + ")", s.source());
  }

  // ---------------------------------------------------------------------------------------------

  private static InvalidConfigException invalid(String key, String detail, String source) {
    return new InvalidConfigException(
        "invalid configuration: " + key + ": " + detail + " (from " + source + ")");
  }

  private static String quote(String value) {
    String shown = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    return '"' + shown + '"';
  }
}
