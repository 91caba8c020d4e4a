package io.iotmanager.webhooks.bootstrap;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The parsed command line: {@code [--config FILE] [re-encrypt [--from-key K] [--to-key K]]} or
 * {@code --help}. Options may come before or after the command and also be written {@code --opt=value}.
 *
 * @param configFile the {@code --config} file, if given
 * @param command {@link #SERVE} (default), {@link #RE_ENCRYPT} or {@link #HELP} (when {@code --help} or
 *     {@code -h} is present; the caller prints {@link #usage()} and exits 0)
 * @param fromKey {@code --from-key} of {@code re-encrypt}, if given (may be empty: "currently unencrypted")
 * @param toKey {@code --to-key} of {@code re-encrypt}, if given (may be empty: "decrypt")
 */
public record CommandLine(
    Optional<Path> configFile, String command, Optional<String> fromKey, Optional<String> toKey) {

  public static final String SERVE = "serve";
  public static final String RE_ENCRYPT = "re-encrypt";
  public static final String HELP = "help";

  public CommandLine {
    Objects.requireNonNull(configFile, "configFile");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(fromKey, "fromKey");
    Objects.requireNonNull(toKey, "toKey");
  }

  /** The usage text, for {@code --help} and for errors. */
  public static String usage() {
    return String.join(
        "\n",
        "usage: iot-webhooks [--config FILE]                       run the service",
        "       iot-webhooks [--config FILE] re-encrypt [--from-key KEY] [--to-key KEY]",
        "                                                          re-encrypt stored secrets",
        "       iot-webhooks --help",
        "",
        "  --config FILE    YAML configuration file; IOT_MANAGER_<KEY> environment variables win over it",
        "  --from-key KEY   base64 AES-256 key the secrets are encrypted with now",
        "  --to-key KEY     base64 AES-256 key to encrypt the secrets with",
        "  -h, --help       show this help");
  }

  /**
   * Parses {@code args}.
   *
   * @throws InvalidConfigException for an unknown or repeated option, a missing value, an unknown
   *     command, or a key option without {@code re-encrypt}; its message ends with the usage text
   */
  public static CommandLine parse(String... args) {
    Objects.requireNonNull(args, "args");
    for (String arg : args) {
      if ("--help".equals(arg) || "-h".equals(arg)) {
        return new CommandLine(Optional.empty(), HELP, Optional.empty(), Optional.empty());
      }
    }

    String config = null;
    String command = null;
    String fromKey = null;
    String toKey = null;
    for (int i = 0; i < args.length; i++) {
      String arg = Objects.requireNonNull(args[i], "args[" + i + "]");
      String name = arg;
      String inlineValue = null;
      if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        if (eq > 0) {
          name = arg.substring(0, eq);
          inlineValue = arg.substring(eq + 1);
        }
      }
      switch (name) {
        case "--config" -> {
          if (config != null) {
            throw bad("--config given more than once");
          }
          if (inlineValue == null) {
            config = value(args, ++i, name);
          } else {
            config = inlineValue;
          }
          if (config.isBlank()) {
            throw bad("--config needs a file name");
          }
        }
        case "--from-key" -> {
          if (fromKey != null) {
            throw bad("--from-key given more than once");
          }
          fromKey = inlineValue != null ? inlineValue : value(args, ++i, name);
        }
        case "--to-key" -> {
          if (toKey != null) {
            throw bad("--to-key given more than once");
          }
          toKey = inlineValue != null ? inlineValue : value(args, ++i, name);
        }
        default -> {
          if (arg.startsWith("-")) {
            throw bad("unknown option " + name);
          }
          if (command != null) {
            throw bad("unexpected argument \"" + arg + "\" after command " + command);
          }
          if (!arg.equals(SERVE) && !arg.equals(RE_ENCRYPT)) {
            throw bad("unknown command \"" + arg + "\"");
          }
          command = arg;
        }
      }
    }

    if (command == null) {
      command = SERVE;
    }
    if (!command.equals(RE_ENCRYPT) && (fromKey != null || toKey != null)) {
      throw bad((fromKey != null ? "--from-key" : "--to-key") + " is only valid with re-encrypt");
    }
    Optional<Path> configFile;
    try {
      configFile = Optional.ofNullable(config).map(Path::of);
    } catch (InvalidPathException e) {
      throw bad("--config: invalid file name: " + e.getReason());
    }
    return new CommandLine(configFile, command, Optional.ofNullable(fromKey), Optional.ofNullable(toKey));
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw bad(option + " needs a value");
    }
    return args[index];
  }

  private static InvalidConfigException bad(String problem) {
    return new InvalidConfigException("invalid command line: " + problem + "\n" + usage());
  }
}
