package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.application.service.IntakeAdmission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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

  /** Every key this service understands, in documentation order (the names of {@link ConfigKeys#ALL}). */
  public static final Set<String> KEYS = Collections.unmodifiableSet(
      ConfigKeys.ALL.stream().map(ConfigKey::name).collect(Collectors.<String, Set<String>>toCollection(LinkedHashSet::new)));

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
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      String value = env.get(key.environmentVariable());
      if (value != null) {
        settings.put(key.name(), new Setting(value, "environment variable " + key.environmentVariable()));
      }
    }
    return build(new Values(settings));
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
    if (key.equals(ConfigKeys.WEBHOOKS_RETRY_SCHEDULE.name()) && value instanceof List<?> list) {
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

  /** Every key's value: parsed from its setting, in table order (the first invalid one is reported), or the default. */
  private static final class Values {
    private final Map<ConfigKey<?>, Object> values = new HashMap<>();
    private final Map<String, Setting> settings;

    Values(Map<String, Setting> settings) {
      this.settings = settings;
      for (ConfigKey<?> key : ConfigKeys.ALL) {
        Setting s = settings.get(key.name());
        if (s == null) {
          values.put(key, key.defaultValue());
        } else {
          try {
            values.put(key, key.parser().parse(s.value()));
          } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage(), s.source());
          }
        }
      }
    }

    @SuppressWarnings("unchecked")
    <T> T get(ConfigKey<T> key) {
      return (T) values.get(key);
    }

    Optional<Setting> setting(ConfigKey<?> key) {
      return Optional.ofNullable(settings.get(key.name()));
    }
  }

  private static ServiceConfig build(Values v) {
    int timeout = v.get(ConfigKeys.WEBHOOKS_TIMEOUT_SECONDS);
    long lease = v.get(ConfigKeys.WEBHOOKS_LEASE_SECONDS);
    Optional<Setting> leaseSetting = v.setting(ConfigKeys.WEBHOOKS_LEASE_SECONDS);
    if (leaseSetting.isEmpty()) {
      // The default (short: leases are renewed every third of it while held) grows with a long attempt
      // timeout, so an original configuration with a long webhooks_timeout_seconds still starts.
      lease = Math.max(lease, timeout + 2L);
    } else if (lease <= timeout) {
      throw invalid(ConfigKeys.WEBHOOKS_LEASE_SECONDS, "must be longer than "
          + ConfigKeys.WEBHOOKS_TIMEOUT_SECONDS.name() + " (" + timeout + "), got " + lease,
          leaseSetting.get().source());
    }

    String aesKey = v.get(ConfigKeys.AES_ENCRYPTION_KEY);
    String aesFallback = v.get(ConfigKeys.AES_ENCRYPTION_FALLBACK_KEY);
    if (!aesFallback.isEmpty() && aesKey.isEmpty()) {
      LOG.warn("{} is set but {} is empty: secrets will be stored unencrypted",
          ConfigKeys.AES_ENCRYPTION_FALLBACK_KEY.name(), ConfigKeys.AES_ENCRYPTION_KEY.name());
    }

    ConfigKeys.HostPort listen = v.get(ConfigKeys.LISTEN);
    EngineTuning engine = new EngineTuning(
        v.get(ConfigKeys.WEBHOOKS_MAX_CONCURRENT),
        v.get(ConfigKeys.WEBHOOKS_MAX_PER_HOST),
        v.get(ConfigKeys.WEBHOOKS_MAX_HELD_RETRIES),
        v.get(ConfigKeys.WEBHOOKS_MAX_BACKLOG),
        v.get(ConfigKeys.WEBHOOKS_OUTCOME_BATCH),
        v.get(ConfigKeys.WEBHOOKS_OUTCOME_FLUSH_DELAY),
        v.get(ConfigKeys.WEBHOOKS_RETRY_HORIZON),
        v.get(ConfigKeys.WEBHOOKS_POLL_INTERVAL),
        v.get(ConfigKeys.WEBHOOKS_EMBEDDED_POLL_INTERVAL),
        v.get(ConfigKeys.WEBHOOKS_STOP_TIMEOUT),
        v.get(ConfigKeys.WEBHOOKS_WARM_UP),
        v.get(ConfigKeys.WEBHOOKS_JIT));
    return new ServiceConfig(
        listen.host(),
        listen.port(),
        v.get(ConfigKeys.MONGO_URL),
        v.get(ConfigKeys.MONGO_DBNAME),
        timeout,
        v.get(ConfigKeys.EVENT_EXP_TIMEOUT),
        aesKey,
        aesFallback,
        v.get(ConfigKeys.DOMAIN_SKIPVERIFY),
        v.get(ConfigKeys.REQUEST_SIZE_LIMIT),
        v.get(ConfigKeys.DATA_DIR),
        v.get(ConfigKeys.WEBHOOKS_RETRY_SCHEDULE),
        v.get(ConfigKeys.WEBHOOKS_RETRY_JITTER),
        v.get(ConfigKeys.MAX_INTEGRATIONS_PER_TENANT),
        v.get(ConfigKeys.JWT_VERIFY_KEY),
        lease,
        engine,
        new IntakeAdmission.Settings(v.get(ConfigKeys.INTAKE_MAX_QUEUED_EVENTS),
            v.get(ConfigKeys.INTAKE_QUEUE_TIMEOUT), v.get(ConfigKeys.INTAKE_MAX_WRITES)),
        new HealthSettings(v.get(ConfigKeys.WEBHOOKS_DISABLE_AFTER), v.get(ConfigKeys.WEBHOOKS_DISABLE_ON_GONE),
            v.get(ConfigKeys.WEBHOOKS_RECOVERY_RATE)));
  }

  // ---------------------------------------------------------------------------------------------

  private static InvalidConfigException invalid(ConfigKey<?> key, String detail, String source) {
    return invalid(key.name(), detail, source);
  }

  private static InvalidConfigException invalid(String key, String detail, String source) {
    return new InvalidConfigException(
        "invalid configuration: " + key + ": " + detail + " (from " + source + ")");
  }
}
