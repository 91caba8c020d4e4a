package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.service.IntakeAdmission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  private static final String KEY_A = base64Of(32, (byte) 1);
  private static final String KEY_B = base64Of(32, (byte) 2);

  @TempDir Path dir;

  private static String base64Of(int length, byte fill) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, fill);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private Path yaml(String content) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, content);
    return file;
  }

  private static ServiceConfig env(String key, String value) {
    return ConfigLoader.load(Optional.empty(), Map.of(key, value));
  }

  private static InvalidConfigException invalidEnv(String key, String value) {
    return assertThrows(InvalidConfigException.class, () -> env(key, value));
  }

  // ---- defaults

  @Test
  void defaultsWithoutFileOrEnvironment() {
    ServiceConfig c = ConfigLoader.load(Optional.empty(), Map.of());
    assertEquals(ServiceConfig.defaults(), c);
    assertEquals("", c.listenHost());
    assertEquals(8080, c.listenPort());
    assertEquals("", c.mongoUrl());
    assertTrue(c.embeddedStore());
    assertEquals("iot_manager", c.mongoDbName());
    assertEquals(10, c.webhooksTimeoutSeconds());
    assertEquals(604_800L, c.eventExpTimeoutSeconds());
    assertEquals("", c.aesEncryptionKey());
    assertEquals("", c.aesEncryptionFallbackKey());
    assertFalse(c.domainSkipVerify());
    assertEquals(1_048_576L, c.requestSizeLimit());
    assertEquals(Path.of("./data"), c.dataDir());
    assertEquals(
        List.of(
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10)),
        c.webhooksRetrySchedule());
    assertEquals(0.2, c.webhooksRetryJitter());
    assertEquals(1, c.maxIntegrationsPerTenant());
    assertEquals("", c.jwtVerifyKey());
    assertEquals(12L, c.webhooksLeaseSeconds());
    assertEquals(Duration.ofSeconds(12), c.webhooksLease());
  }

  @Test
  void unrelatedEnvironmentVariablesAreIgnored() {
    ServiceConfig c =
        ConfigLoader.load(Optional.empty(), Map.of("IOT_MANAGER_NATS_URI", "x", "PATH", "/bin", "listen", ":1"));
    assertEquals(ServiceConfig.defaults(), c);
  }

  // ---- YAML overlay

  @Test
  void yamlOverlaysEveryKey() throws IOException {
    Path file =
        yaml(
            String.join(
                "\n",
                "listen: 127.0.0.1:9000",
                "mongo_url: mongodb://mongo:27017",
                "mongo_dbname: hooks",
                "webhooks_timeout_seconds: 3",
                "event_exp_timeout: 3600",
                "aes_encryption_key: " + KEY_A,
                "aes_encryption_fallback_key: \"" + KEY_B + "\"",
                "domain_skipverify: true",
                "request_size_limit: 2048",
                "data_dir: /var/lib/hooks",
                "webhooks_retry_schedule: 500ms, 1s ,2m,1h",
                "webhooks_retry_jitter: 0.5",
                "max_integrations_per_tenant: 10",
                "jwt_verify_key: hs256:s3cret",
                "webhooks_lease_seconds: 7",
                ""));
    ServiceConfig c = ConfigLoader.load(Optional.of(file), Map.of());
    assertEquals("127.0.0.1", c.listenHost());
    assertEquals(9000, c.listenPort());
    assertEquals("mongodb://mongo:27017", c.mongoUrl());
    assertFalse(c.embeddedStore());
    assertEquals("hooks", c.mongoDbName());
    assertEquals(3, c.webhooksTimeoutSeconds());
    assertEquals(3600L, c.eventExpTimeoutSeconds());
    assertEquals(KEY_A, c.aesEncryptionKey());
    assertEquals(KEY_B, c.aesEncryptionFallbackKey());
    assertTrue(c.domainSkipVerify());
    assertEquals(2048L, c.requestSizeLimit());
    assertEquals(Path.of("/var/lib/hooks"), c.dataDir());
    assertEquals(
        List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofHours(1)),
        c.webhooksRetrySchedule());
    assertEquals(0.5, c.webhooksRetryJitter());
    assertEquals(10, c.maxIntegrationsPerTenant());
    assertEquals("hs256:s3cret", c.jwtVerifyKey());
    assertEquals(7L, c.webhooksLeaseSeconds());
  }

  @Test
  void yamlKeepsDefaultsForKeysItDoesNotSet() throws IOException {
    ServiceConfig c = ConfigLoader.load(Optional.of(yaml("mongo_dbname: other\n")), Map.of());
    assertEquals("other", c.mongoDbName());
    assertEquals(8080, c.listenPort());
    assertEquals(ServiceConfig.defaults().webhooksRetrySchedule(), c.webhooksRetrySchedule());
  }

  @Test
  void yamlAcceptsNativeTypesQuotedStringsAndUnquotedListen() throws IOException {
    Path file =
        yaml(
            String.join(
                "\n",
                "listen: :9001",
                "webhooks_timeout_seconds: \"7\"",
                "domain_skipverify: \"TRUE\"",
                "webhooks_retry_jitter: 0",
                "webhooks_retry_schedule: [5s, 1m]",
                "aes_encryption_key:",
                ""));
    ServiceConfig c = ConfigLoader.load(Optional.of(file), Map.of());
    assertEquals("", c.listenHost());
    assertEquals(9001, c.listenPort());
    assertEquals(7, c.webhooksTimeoutSeconds());
    assertTrue(c.domainSkipVerify());
    assertEquals(0.0, c.webhooksRetryJitter());
    assertEquals(List.of(Duration.ofSeconds(5), Duration.ofMinutes(1)), c.webhooksRetrySchedule());
    assertEquals("", c.aesEncryptionKey());
  }

  @Test
  void yamlScalarsAreReadAsWrittenNotWithYaml11ImplicitTypes() throws IOException {
    Path file =
        yaml(
            String.join(
                "\n",
                "listen: 1:30", // YAML 1.1 would read the integer 90 (sexagesimal)
                "webhooks_timeout_seconds: 010", // YAML 1.1 would read octal 8
                "mongo_dbname: 2024-01-01", // YAML 1.1 would read a date
                "aes_encryption_key: ~",
                "jwt_verify_key: null",
                ""));
    ServiceConfig c = ConfigLoader.load(Optional.of(file), Map.of());
    assertEquals("1", c.listenHost());
    assertEquals(30, c.listenPort());
    assertEquals(10, c.webhooksTimeoutSeconds());
    assertEquals("2024-01-01", c.mongoDbName());
    assertEquals("", c.aesEncryptionKey());
    assertEquals("", c.jwtVerifyKey());
  }

  @Test
  void yamlYesIsNotABoolean() throws IOException {
    Path file = yaml("domain_skipverify: yes\n");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
    assertTrue(e.getMessage().startsWith("invalid configuration: domain_skipverify: "), e.getMessage());
  }

  @Test
  void yamlExplicitTagsAreAccepted() throws IOException {
    ServiceConfig c =
        ConfigLoader.load(
            Optional.of(yaml("domain_skipverify: !!bool true\nrequest_size_limit: !!int 4096\n")), Map.of());
    assertTrue(c.domainSkipVerify());
    assertEquals(4096L, c.requestSizeLimit());
  }

  @Test
  void emptyScheduleMeansSingleAttempt() throws IOException {
    ServiceConfig c =
        ConfigLoader.load(Optional.of(yaml("webhooks_retry_schedule: \"\"\n")), Map.of());
    assertEquals(List.of(), c.webhooksRetrySchedule());
    assertEquals(List.of(), env("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", "  ").webhooksRetrySchedule());
  }

  @Test
  void unknownYamlKeysOfTheOriginalAreIgnored() throws IOException {
    Path file =
        yaml(
            String.join(
                "\n",
                "nats_uri: nats://nats:4222",
                "workflows_url: http://workflows:8080",
                "devicemonitor_url: http://devicemonitor:8080",
                "mongo_ssl: false",
                "mongo_dbname: kept",
                ""));
    ServiceConfig c = ConfigLoader.load(Optional.of(file), Map.of());
    assertEquals("kept", c.mongoDbName());
  }

  @Test
  void emptyYamlFileKeepsDefaults() throws IOException {
    assertEquals(ServiceConfig.defaults(), ConfigLoader.load(Optional.of(yaml("")), Map.of()));
    assertEquals(
        ServiceConfig.defaults(), ConfigLoader.load(Optional.of(yaml("# only a comment\n")), Map.of()));
  }

  @Test
  void missingYamlFileIsRejectedNamingTheFile() {
    Path missing = dir.resolve("nope.yaml");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.of(missing), Map.of()));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void malformedYamlIsRejectedNamingTheFile() throws IOException {
    Path file = yaml("listen: [unclosed\n");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    assertTrue(e.getMessage().contains("at line "), e.getMessage());
  }

  @Test
  void yamlErrorsDoNotQuoteTheFile() throws IOException {
    Path file = yaml("aes_encryption_key: \"topsecret\n");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
    assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
  }

  @Test
  void yamlThatIsNotAMappingIsRejected() throws IOException {
    Path file = yaml("- listen\n- :8080\n");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void duplicateYamlKeysAreRejected() throws IOException {
    Path file = yaml("listen: :1\nlisten: :2\n");
    assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
  }

  @Test
  void nestedValueForAKnownKeyIsRejected() throws IOException {
    Path file = yaml("mongo_url:\n  host: x\n");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
    assertTrue(e.getMessage().startsWith("invalid configuration: mongo_url:"), e.getMessage());
  }

  // ---- environment overlay

  @Test
  void environmentWinsOverYaml() throws IOException {
    Path file =
        yaml("listen: 127.0.0.1:9000\nmongo_url: mongodb://yaml:27017\ndomain_skipverify: false\n");
    ServiceConfig c =
        ConfigLoader.load(
            Optional.of(file),
            Map.of(
                "IOT_MANAGER_LISTEN", ":7000",
                "IOT_MANAGER_MONGO_URL", "mongodb://env:27017",
                "IOT_MANAGER_DOMAIN_SKIPVERIFY", "1"));
    assertEquals("", c.listenHost());
    assertEquals(7000, c.listenPort());
    assertEquals("mongodb://env:27017", c.mongoUrl());
    assertTrue(c.domainSkipVerify());
  }

  @Test
  void emptyEnvironmentValueOverridesYaml() throws IOException {
    Path file = yaml("mongo_url: mongodb://yaml:27017\n");
    ServiceConfig c = ConfigLoader.load(Optional.of(file), Map.of("IOT_MANAGER_MONGO_URL", ""));
    assertTrue(c.embeddedStore());
  }

  @Test
  void environmentSetsEveryKindOfValue() {
    ServiceConfig c =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS", "30",
                "IOT_MANAGER_EVENT_EXP_TIMEOUT", "86400",
                "IOT_MANAGER_REQUEST_SIZE_LIMIT", "65536",
                "IOT_MANAGER_AES_ENCRYPTION_KEY", KEY_A,
                "IOT_MANAGER_DATA_DIR", "/tmp/hooks",
                "IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", "1s,2s",
                "IOT_MANAGER_WEBHOOKS_RETRY_JITTER", "0.99",
                "IOT_MANAGER_MAX_INTEGRATIONS_PER_TENANT", "5",
                "IOT_MANAGER_JWT_VERIFY_KEY", ecPublicKeyPem()));
    assertEquals(30, c.webhooksTimeoutSeconds());
    assertEquals(86_400L, c.eventExpTimeoutSeconds());
    assertEquals(65_536L, c.requestSizeLimit());
    assertEquals(KEY_A, c.aesEncryptionKey());
    assertEquals(Path.of("/tmp/hooks"), c.dataDir());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), c.webhooksRetrySchedule());
    assertEquals(0.99, c.webhooksRetryJitter());
    assertEquals(5, c.maxIntegrationsPerTenant());
    assertTrue(c.jwtVerifyKey().startsWith("-----BEGIN PUBLIC KEY-----"));
  }

  @ParameterizedTest
  @CsvSource({"true,true", "TRUE,true", "False,false", "1,true", "0,false"})
  void booleans(String text, boolean expected) {
    assertEquals(expected, env("IOT_MANAGER_DOMAIN_SKIPVERIFY", text).domainSkipVerify());
  }

  // ---- listen

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        ":8080|''|8080",
        "127.0.0.1:9000|127.0.0.1|9000",
        "[::1]:8080|::1|8080",
        "[::]:1|::|1",
        "localhost:65535|localhost|65535",
        "0.0.0.0:80|0.0.0.0|80"
      })
  void listenForms(String listen, String host, int port) {
    ServiceConfig c = env("IOT_MANAGER_LISTEN", listen);
    assertEquals(host, c.listenHost());
    assertEquals(port, c.listenPort());
  }

  @Test
  void listenPortNotANumber() {
    InvalidConfigException e = invalidEnv("IOT_MANAGER_LISTEN", ":abc");
    assertTrue(
        e.getMessage().startsWith("invalid configuration: listen: port \"abc\" is not a number"),
        e.getMessage());
    assertTrue(e.getMessage().contains("IOT_MANAGER_LISTEN"), e.getMessage());
  }

  @Test
  void listenErrorFromYamlNamesTheFile() throws IOException {
    Path file = yaml("listen: \"host:abc\"\n");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));
    assertTrue(e.getMessage().startsWith("invalid configuration: listen: "), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "8080", ":0", ":65536", ":99999999999", "::1:8080", "[::1]", "[::1:8080", "host:", "a b:80"})
  void invalidListen(String listen) {
    InvalidConfigException e = invalidEnv("IOT_MANAGER_LISTEN", listen);
    assertTrue(e.getMessage().startsWith("invalid configuration: listen: "), e.getMessage());
  }

  // ---- other invalid values

  @ParameterizedTest
  @ValueSource(strings = {"5x", "5", "5 s", "5s,,5m", "5s,", "-5s", "s", "1,5s", "400d"})
  void badDurationInSchedule(String schedule) {
    InvalidConfigException e = invalidEnv("IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", schedule);
    assertTrue(
        e.getMessage().startsWith("invalid configuration: webhooks_retry_schedule: "), e.getMessage());
  }

  @Test
  void malformedAesKeyIsRejectedWithoutEchoingIt() {
    InvalidConfigException notBase64 = invalidEnv("IOT_MANAGER_AES_ENCRYPTION_KEY", "not*base64!");
    assertTrue(
        notBase64.getMessage().startsWith("invalid configuration: aes_encryption_key: "),
        notBase64.getMessage());
    assertFalse(notBase64.getMessage().contains("not*base64!"), notBase64.getMessage());

    String shortKey = base64Of(16, (byte) 3);
    InvalidConfigException tooShort = invalidEnv("IOT_MANAGER_AES_ENCRYPTION_FALLBACK_KEY", shortKey);
    assertTrue(
        tooShort.getMessage().startsWith("invalid configuration: aes_encryption_fallback_key: "),
        tooShort.getMessage());
    assertTrue(tooShort.getMessage().contains("16 bytes"), tooShort.getMessage());
    assertFalse(tooShort.getMessage().contains(shortKey), tooShort.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "1.0", "-0.1", "2", "abc", "NaN"})
  void jitterOutOfRange(String jitter) {
    InvalidConfigException e = invalidEnv("IOT_MANAGER_WEBHOOKS_RETRY_JITTER", jitter);
    assertTrue(
        e.getMessage().startsWith("invalid configuration: webhooks_retry_jitter: "), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS,0,webhooks_timeout_seconds",
    "IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS,ten,webhooks_timeout_seconds",
    "IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS,3000000000,webhooks_timeout_seconds",
    "IOT_MANAGER_EVENT_EXP_TIMEOUT,-1,event_exp_timeout",
    "IOT_MANAGER_REQUEST_SIZE_LIMIT,0,request_size_limit",
    "IOT_MANAGER_REQUEST_SIZE_LIMIT,1.5,request_size_limit",
    "IOT_MANAGER_MAX_INTEGRATIONS_PER_TENANT,0,max_integrations_per_tenant",
    "IOT_MANAGER_DOMAIN_SKIPVERIFY,yes,domain_skipverify",
    "IOT_MANAGER_MONGO_URL,http://mongo,mongo_url",
    "IOT_MANAGER_MONGO_DBNAME,' ',mongo_dbname",
    "IOT_MANAGER_MONGO_DBNAME,a.b,mongo_dbname",
    "IOT_MANAGER_DATA_DIR,'',data_dir",
    "IOT_MANAGER_JWT_VERIFY_KEY,hs256:,jwt_verify_key",
    "IOT_MANAGER_JWT_VERIFY_KEY,some-key,jwt_verify_key"
  })
  void invalidValuesNameTheirKey(String variable, String value, String key) {
    InvalidConfigException e = invalidEnv(variable, value);
    assertTrue(e.getMessage().startsWith("invalid configuration: " + key + ": "), e.getMessage());
  }

  @Test
  void aPemThatIsNotAPublicKeyNamesTheKey() {
    for (String pem : List.of("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n")) {
      InvalidConfigException e = invalidEnv("IOT_MANAGER_JWT_VERIFY_KEY", pem);
      assertTrue(e.getMessage().startsWith("invalid configuration: jwt_verify_key: "), e.getMessage());
    }
  }

  /** A freshly generated P-256 public key, PEM-encoded. */
  static String ecPublicKeyPem() {
    try {
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
      generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      return "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void jwtSecretIsNotEchoed() {
    InvalidConfigException e = invalidEnv("IOT_MANAGER_JWT_VERIFY_KEY", "HS256:topsecret");
    assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
  }

  // ---- the delivery lease

  @Test
  void leaseFromTheEnvironment() {
    ServiceConfig c = ConfigLoader.load(Optional.empty(), Map.of(
        "IOT_MANAGER_WEBHOOKS_LEASE_SECONDS", "5", "IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS", "2"));
    assertEquals(5L, c.webhooksLeaseSeconds());
    assertEquals(Duration.ofSeconds(5), c.webhooksLease());
    assertTrue(c.toString().contains("webhooksLeaseSeconds=5"), c.toString());
  }

  @Test
  void leaseMustOutlastAnAttempt() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(Optional.empty(),
        Map.of("IOT_MANAGER_WEBHOOKS_LEASE_SECONDS", "10")));
    assertTrue(e.getMessage().startsWith("invalid configuration: webhooks_lease_seconds: must be longer than "
        + "webhooks_timeout_seconds (10), got 10"), e.getMessage());
    assertTrue(e.getMessage().contains("IOT_MANAGER_WEBHOOKS_LEASE_SECONDS"), e.getMessage());
    assertEquals(11L, ConfigLoader.load(Optional.empty(), Map.of("IOT_MANAGER_WEBHOOKS_LEASE_SECONDS", "11"))
        .webhooksLeaseSeconds());
  }

  @Test
  void unsetLeaseGrowsWithALongAttemptTimeoutSoOriginalConfigurationsStillStart() {
    assertEquals(32L, env("IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS", "30").webhooksLeaseSeconds());
    assertEquals(47L, env("IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS", "45").webhooksLeaseSeconds());
    assertEquals(Integer.MAX_VALUE + 2L,
        env("IOT_MANAGER_WEBHOOKS_TIMEOUT_SECONDS", Integer.toString(Integer.MAX_VALUE)).webhooksLeaseSeconds());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "-1", "5s", "1.5", "3000000000"})
  void invalidLease(String lease) {
    InvalidConfigException e = invalidEnv("IOT_MANAGER_WEBHOOKS_LEASE_SECONDS", lease);
    assertTrue(e.getMessage().startsWith("invalid configuration: webhooks_lease_seconds: "), e.getMessage());
  }

  @Test
  void theRecordRefusesALeaseThatDoesNotOutlastAnAttempt() {
    ServiceConfig d = ServiceConfig.defaults();
    assertThrows(IllegalArgumentException.class, () -> new ServiceConfig(d.listenHost(), d.listenPort(),
        d.mongoUrl(), d.mongoDbName(), 10, d.eventExpTimeoutSeconds(), d.aesEncryptionKey(),
        d.aesEncryptionFallbackKey(), d.domainSkipVerify(), d.requestSizeLimit(), d.dataDir(),
        d.webhooksRetrySchedule(), d.webhooksRetryJitter(), d.maxIntegrationsPerTenant(), d.jwtVerifyKey(), 10,
        d.engine(), d.intake(), d.health()));
  }

  // ---- integration health

  @Test
  void integrationHealthDefaultsNeverDisableAndRecoverAtTenPerSecond() {
    assertEquals(new HealthSettings(Duration.ZERO, false, 10), ServiceConfig.defaults().health());
  }

  @ParameterizedTest
  @CsvSource({"5d,PT120H", "36h,PT36H", "90m,PT1H30M", "30s,PT30S", "0s,PT0S", "'',PT0S"})
  void disableAfterTakesAPeriodWithDays(String text, String expected) {
    assertEquals(Duration.parse(expected), env("IOT_MANAGER_WEBHOOKS_DISABLE_AFTER", text).health().disableAfter());
  }

  @Test
  void integrationHealthFromTheEnvironment() {
    ServiceConfig c = ConfigLoader.load(Optional.empty(), Map.of("IOT_MANAGER_WEBHOOKS_DISABLE_ON_GONE", "true",
        "IOT_MANAGER_WEBHOOKS_RECOVERY_RATE", "50"));
    assertEquals(new HealthSettings(Duration.ZERO, true, 50), c.health());
  }

  @ParameterizedTest
  @CsvSource({
    "IOT_MANAGER_WEBHOOKS_DISABLE_AFTER,5 days,webhooks_disable_after",
    "IOT_MANAGER_WEBHOOKS_DISABLE_AFTER,-1d,webhooks_disable_after",
    "IOT_MANAGER_WEBHOOKS_DISABLE_AFTER,5w,webhooks_disable_after",
    "IOT_MANAGER_WEBHOOKS_DISABLE_ON_GONE,maybe,webhooks_disable_on_gone",
    "IOT_MANAGER_WEBHOOKS_RECOVERY_RATE,0,webhooks_recovery_rate"})
  void invalidIntegrationHealthKeysAreRefusedNamingTheKey(String variable, String value, String key) {
    InvalidConfigException e = invalidEnv(variable, value);
    assertTrue(e.getMessage().startsWith("invalid configuration: " + key + ": "), e.getMessage());
  }

  // ---- engine tuning

  @Test
  void engineTuningDefaultsAreTodaysValues() {
    EngineTuning e = ServiceConfig.defaults().engine();
    assertEquals(256, e.maxConcurrent());
    assertEquals(128, e.maxPerHost());
    assertEquals(50_000, e.maxHeldRetries());
    assertEquals(20_000, e.maxBacklog());
    assertEquals(200, e.outcomeBatch());
    assertEquals(Duration.ofMillis(25), e.outcomeFlushDelay());
    assertEquals(Duration.ofMinutes(15), e.retryHorizon());
    assertEquals(Duration.ofSeconds(1), e.pollInterval(false));
    assertEquals(Duration.ofSeconds(5), e.pollInterval(true));
    assertEquals(Duration.ofSeconds(15), e.stopTimeout());
    assertEquals(JitMode.TIERED, e.jit());
  }

  @Test
  void engineTuningFromYamlAndEnvironment() throws IOException {
    Path file = yaml(String.join("\n",
        "webhooks_max_concurrent: 64",
        "webhooks_max_per_host: 4",
        "webhooks_max_held_retries: 0",
        "webhooks_max_backlog: 100",
        "webhooks_outcome_batch: 50",
        "webhooks_outcome_flush_delay: 0ms",
        "webhooks_retry_horizon: 1h",
        "webhooks_poll_interval: 250ms",
        "webhooks_embedded_poll_interval: 2s",
        "webhooks_stop_timeout: 1m",
        "webhooks_jit: Quick",
        ""));
    EngineTuning e = ConfigLoader.load(Optional.of(file), Map.of("IOT_MANAGER_WEBHOOKS_MAX_PER_HOST", "6")).engine();
    assertEquals(new EngineTuning(64, 6, 0, 100, 50, Duration.ZERO, Duration.ofHours(1), Duration.ofMillis(250),
        Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofSeconds(10), JitMode.QUICK), e);
  }

  @ParameterizedTest
  @CsvSource({
    "IOT_MANAGER_WEBHOOKS_MAX_CONCURRENT,0,webhooks_max_concurrent",
    "IOT_MANAGER_WEBHOOKS_MAX_PER_HOST,many,webhooks_max_per_host",
    "IOT_MANAGER_WEBHOOKS_MAX_HELD_RETRIES,-1,webhooks_max_held_retries",
    "IOT_MANAGER_WEBHOOKS_MAX_BACKLOG,0,webhooks_max_backlog",
    "IOT_MANAGER_WEBHOOKS_OUTCOME_BATCH,100001,webhooks_outcome_batch",
    "IOT_MANAGER_WEBHOOKS_OUTCOME_FLUSH_DELAY,25,webhooks_outcome_flush_delay",
    "IOT_MANAGER_WEBHOOKS_RETRY_HORIZON,'1m,2m',webhooks_retry_horizon",
    "IOT_MANAGER_WEBHOOKS_POLL_INTERVAL,0s,webhooks_poll_interval",
    "IOT_MANAGER_WEBHOOKS_EMBEDDED_POLL_INTERVAL,'',webhooks_embedded_poll_interval",
    "IOT_MANAGER_WEBHOOKS_STOP_TIMEOUT,-1s,webhooks_stop_timeout",
    "IOT_MANAGER_WEBHOOKS_JIT,c2,webhooks_jit"
  })
  void invalidEngineTuningNamesItsKey(String variable, String value, String key) {
    InvalidConfigException e = invalidEnv(variable, value);
    assertTrue(e.getMessage().startsWith("invalid configuration: " + key + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(variable), e.getMessage());
  }

  // ---- intake admission

  @Test
  void intakeAdmissionDefaultsAndOverrides() {
    assertEquals(new IntakeAdmission.Settings(2000, Duration.ofSeconds(1), 8), ServiceConfig.defaults().intake());
    ServiceConfig c = ConfigLoader.load(Optional.empty(), Map.of("IOT_MANAGER_INTAKE_MAX_WRITES", "3",
        "IOT_MANAGER_INTAKE_QUEUE_TIMEOUT", "700ms", "IOT_MANAGER_INTAKE_MAX_QUEUED_EVENTS", "0"));
    assertEquals(new IntakeAdmission.Settings(0, Duration.ofMillis(700), 3), c.intake());
  }

  @ParameterizedTest
  @CsvSource({
    "IOT_MANAGER_INTAKE_MAX_WRITES,0,intake_max_writes",
    "IOT_MANAGER_INTAKE_QUEUE_TIMEOUT,500,intake_queue_timeout",
    "IOT_MANAGER_INTAKE_MAX_QUEUED_EVENTS,-1,intake_max_queued_events"
  })
  void invalidIntakeAdmissionNamesItsKey(String variable, String value, String key) {
    InvalidConfigException e = invalidEnv(variable, value);
    assertTrue(e.getMessage().startsWith("invalid configuration: " + key + ": "), e.getMessage());
  }

  // ---- the record

  @Test
  void toStringRedactsSecrets() {
    ServiceConfig c =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(
                "IOT_MANAGER_AES_ENCRYPTION_KEY", KEY_A,
                "IOT_MANAGER_JWT_VERIFY_KEY", "hs256:topsecret",
                "IOT_MANAGER_MONGO_URL", "mongodb://user:pw@mongo:27017/db?x=a@b"));
    String text = c.toString();
    assertFalse(text.contains(KEY_A), text);
    assertFalse(text.contains("topsecret"), text);
    assertFalse(text.contains("pw"), text);
    assertTrue(text.contains("mongodb://***@mongo:27017/db?x=a@b"), text);
  }

  @Test
  void scheduleIsImmutable() {
    ServiceConfig c = ServiceConfig.defaults();
    assertThrows(UnsupportedOperationException.class, () -> c.webhooksRetrySchedule().clear());
  }
}
