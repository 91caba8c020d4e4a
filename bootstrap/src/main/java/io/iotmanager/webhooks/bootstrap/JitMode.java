package io.iotmanager.webhooks.bootstrap;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which JIT compilers compile the service's code ({@code webhooks_jit}).
 *
 * <p>{@link #TIERED}, the default: the JVM's own policy (C1, then C2 for what stays hot).
 *
 * <p>{@link #QUICK}: HotSpot's quick compiler (C1) alone. The optimizing compiler (C2) is kept off by a
 * compiler directive added at start-up through the JVM's diagnostic-command MBean (what
 * {@code jcmd <pid> Compiler.directives_add} does), so {@code java -jar} needs no option: a method that
 * becomes hot enough for C2 is compiled by C1 without profiling instead. What for: on 2 cores C2 kept one
 * core busy through the whole warm-up and for seconds after the port opened, compiling what the first
 * real requests made hot, on the core those requests needed. Measured from a separate (Python) client,
 * the first 100 provisions after ready reached their first attempt 42-292 ms after the intake call
 * (p99) with C2, 16-24 ms without. The price is sustained throughput: 13% fewer events/s end to end in
 * the benchmark's 100,000-event bulk runs (medians of 5 alternating runs; docs/BENCHMARKS.md).
 *
 * <p>Applied once, before anything else runs; it holds for the life of the process (HotSpot marks a
 * method it refused to C2 as not C2-compilable). On a JVM without that MBean operation (not HotSpot) it
 * changes nothing and says so.
 */
enum JitMode {
  QUICK("quick"),
  TIERED("tiered");

  private static final Logger LOG = LoggerFactory.getLogger(JitMode.class);
  /** The directive: every method ({@code *.*}) excluded from C2. */
  static final String QUICK_DIRECTIVE = "[{ match: \"*.*\", c2: { Exclude: true } }]";
  private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

  private final String text;

  JitMode(String text) {
    this.text = text;
  }

  /** The configured text: {@code quick} or {@code tiered}. */
  static JitMode parse(String text) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    for (JitMode mode : values()) {
      if (mode.text.equals(v)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(ConfigKeys.quote(text.trim())
        + " is not a JIT mode (expected quick or tiered)");
  }

  @Override
  public String toString() {
    return text;
  }

  /**
   * Puts this mode into effect in the running JVM and logs which compilers run (INFO; WARN when the JVM
   * would not keep C2 off). Never throws: such a JVM runs tiered, which only costs start-up latency.
   */
  void apply() {
    Optional<String> failure = this == QUICK ? keepOptimizingCompilerOff() : Optional.empty();
    if (failure.isPresent()) {
      LOG.warn("JIT compilers: tiered: C1, then C2: this JVM would not keep C2 off ({})", failure.get());
    } else {
      LOG.info("JIT compilers: {}", this == QUICK ? "quick: C1 only" : "tiered: C1, then C2");
    }
  }

  /** Adds {@link #QUICK_DIRECTIVE} to this JVM; empty when it took it, else why not. */
  static Optional<String> keepOptimizingCompilerOff() {
    Path file = null;
    try {
      // the command reads its directives from a file
      file = Files.createTempFile("iot-webhooks-jit-", ".json");
      Files.writeString(file, QUICK_DIRECTIVE, StandardCharsets.UTF_8);
      String answer = diagnosticCommand("compilerDirectivesAdd", file.toString());
      return answer.contains("1 compiler directives added") ? Optional.empty() : Optional.of(answer.strip());
    } catch (IOException | JMException | RuntimeException e) {
      return Optional.of(e.toString());
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a temporary file of a few bytes; nothing depends on it
        }
      }
    }
  }

  /** Runs one of HotSpot's diagnostic commands ({@code jcmd}'s, by its MBean operation name). */
  static String diagnosticCommand(String operation, String... arguments) throws JMException {
    Object answer = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(DIAGNOSTIC_COMMAND),
        operation, new Object[] {arguments}, new String[] {String[].class.getName()});
    return String.valueOf(answer);
  }
}
