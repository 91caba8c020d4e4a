package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

  @Test
  void noArgumentsServeWithoutConfig() {
    CommandLine c = CommandLine.parse();
    assertEquals(
        new CommandLine(Optional.empty(), CommandLine.SERVE, Optional.empty(), Optional.empty()), c);
    assertEquals("serve", c.command());
  }

  @Test
  void configFile() {
    CommandLine c = CommandLine.parse("--config", "/etc/iot/config.yaml");
    assertEquals(Optional.of(Path.of("/etc/iot/config.yaml")), c.configFile());
    assertEquals("serve", c.command());
  }

  @Test
  void configFileWithEquals() {
    assertEquals(Optional.of(Path.of("c.yaml")), CommandLine.parse("--config=c.yaml").configFile());
  }

  @Test
  void explicitServe() {
    assertEquals("serve", CommandLine.parse("serve", "--config", "c.yaml").command());
  }

  @Test
  void reEncryptWithKeys() {
    CommandLine c = CommandLine.parse("--config", "c.yaml", "re-encrypt", "--from-key", "AAA=", "--to-key", "BBB=");
    assertEquals(Optional.of(Path.of("c.yaml")), c.configFile());
    assertEquals("re-encrypt", c.command());
    assertEquals(Optional.of("AAA="), c.fromKey());
    assertEquals(Optional.of("BBB="), c.toKey());
  }

  @Test
  void configAfterTheCommand() {
    CommandLine c = CommandLine.parse("re-encrypt", "--to-key=K", "--config", "c.yaml");
    assertEquals(Optional.of(Path.of("c.yaml")), c.configFile());
    assertEquals(CommandLine.RE_ENCRYPT, c.command());
    assertEquals(Optional.empty(), c.fromKey());
    assertEquals(Optional.of("K"), c.toKey());
  }

  @Test
  void reEncryptWithoutKeys() {
    CommandLine c = CommandLine.parse("re-encrypt");
    assertEquals("re-encrypt", c.command());
    assertEquals(Optional.empty(), c.fromKey());
    assertEquals(Optional.empty(), c.toKey());
  }

  @Test
  void emptyKeyValueIsKept() {
    assertEquals(Optional.of(""), CommandLine.parse("re-encrypt", "--from-key", "").fromKey());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h"})
  void help(String flag) {
    assertEquals(CommandLine.HELP, CommandLine.parse(flag).command());
    assertEquals(CommandLine.HELP, CommandLine.parse("re-encrypt", "--bogus", flag).command());
    assertTrue(CommandLine.usage().contains("--config"));
  }

  @Test
  void badArguments() {
    assertBad("--bogus");
    assertBad("--config");
    assertBad("--config", "--to-key", "x");
    assertBad("--config=");
    assertBad("--config", "a", "--config", "b");
    assertBad("--from-key", "K");
    assertBad("--to-key", "K");
    assertBad("serve", "--to-key", "K");
    assertBad("re-encrypt", "--from-key");
    assertBad("re-encrypt", "--from-key", "a", "--from-key", "b");
    assertBad("encrypt");
    assertBad("re-encrypt", "extra");
    assertBad("re-encrypt", "re-encrypt");
  }

  private static void assertBad(String... args) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> CommandLine.parse(args));
    assertTrue(e.getMessage().startsWith("invalid command line: "), e.getMessage());
    assertTrue(e.getMessage().contains("usage:"), e.getMessage());
  }
}
