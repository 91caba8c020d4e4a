package io.iotmanager.webhooks.bootstrap;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration key: its name, its default (written once, as text in the form a file would hold it),
 * the parser that turns text into a value, and what it means. {@link ConfigKeys#ALL} is the table of
 * every key; {@link ConfigLoader} reads it and README's configuration table is checked against it.
 *
 * @param name the snake_case name in the YAML file; {@code IOT_MANAGER_<NAME>} in the environment
 * @param defaultText the default, parsed like a configured value
 * @param shownDefault the default as README shows it ({@code `text`}, or {@code empty})
 * @param parser text to value; throws {@link IllegalArgumentException} whose message says what is wrong
 *     (without echoing a secret)
 * @param meaning the README's "meaning" column
 * @param <T> the parsed value
 */
record ConfigKey<T>(String name, String defaultText, String shownDefault, Parser<T> parser, String meaning) {

  /** Parses a configured text; an invalid one is an {@link IllegalArgumentException} with the detail. */
  @FunctionalInterface
  interface Parser<T> {
    T parse(String text);
  }

  ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultText, "defaultText");
    Objects.requireNonNull(shownDefault, "shownDefault");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(meaning, "meaning");
  }

  /** A key whose README default is its default text, in backquotes, or {@code empty}. */
  static <T> ConfigKey<T> of(String name, String defaultText, Parser<T> parser, String meaning) {
    return new ConfigKey<>(name, defaultText, shown(defaultText), parser, meaning);
  }

  /** A key whose README default adds a note to the default text, e.g. when it depends on another key. */
  static <T> ConfigKey<T> of(String name, String defaultText, String note, Parser<T> parser, String meaning) {
    return new ConfigKey<>(name, defaultText, shown(defaultText) + " " + note, parser, meaning);
  }

  private static String shown(String defaultText) {
    return defaultText.isEmpty() ? "empty" : "`" + defaultText + "`";
  }

  /** The environment variable that sets this key. */
  String environmentVariable() {
    return ConfigLoader.ENV_PREFIX + name.toUpperCase(Locale.ROOT);
  }

  /** The default value. */
  T defaultValue() {
    return parser.parse(defaultText);
  }

  /** This key's row of README's configuration table. */
  String readmeRow() {
    return "| `" + name + "` | " + shownDefault + " | " + meaning + " |";
  }
}
