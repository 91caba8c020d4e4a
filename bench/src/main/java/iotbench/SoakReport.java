package iotbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders one soak's {@code key=value} results as Markdown, with its targets checked. */
final class SoakReport {
  static final double DUPLICATES_TARGET_PERCENT = 0.1;
  static final double P99_TARGET_MS = 1_000;

  private SoakReport() {}

  static void run(Args args) throws IOException {
    System.out.print(render(parse(Files.readString(Path.of(args.required("file"))))));
  }

  static Map<String, String> parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return values;
  }

  static String render(Map<String, String> v) {
    StringBuilder out = new StringBuilder();
    out.append("Store ").append(v.getOrDefault("store", "?")).append(", commit ").append(v.getOrDefault("commit", "?"))
        .append(", ").append(v.getOrDefault("date", "?")).append("; ").append(v.getOrDefault("soak_rate", "?"))
        .append(" events/s offered for ").append(v.getOrDefault("soak_seconds", "?")).append(" s; load average ")
        .append(v.getOrDefault("load_start", "?")).append(" at the start, ").append(v.getOrDefault("load_end", "?"))
        .append(" at the end (").append(v.getOrDefault("nproc", "?")).append(" cores).\n\n");
    out.append("| minute | accepted events/s | bulk calls | p50 ms | p99 ms | max ms | 503s | other errors |\n");
    out.append("|---|---|---|---|---|---|---|---|\n");
    for (int m = 1; v.containsKey("soak_minute" + m + "_calls"); m++) {
      String p = "soak_minute" + m + "_";
      out.append("| ").append(m).append(" | ").append(num(v, p + "accepted_per_s")).append(" | ")
          .append(num(v, p + "calls")).append(" | ").append(num(v, p + "p50_ms")).append(" | ")
          .append(num(v, p + "p99_ms")).append(" | ").append(num(v, p + "max_ms")).append(" | ")
          .append(num(v, p + "503")).append(" | ").append(num(v, p + "other_errors")).append(" |\n");
    }
    double duplicates = value(v, "soak_duplicates_percent");
    double p99 = value(v, "soak_p99_ms");
    double unfinished = value(v, "soak_unfinished");
    out.append("\n| target | result |\n|---|---|\n");
    out.append("| duplicates < ").append(DUPLICATES_TARGET_PERCENT).append(" % | ")
        .append(Stats.fmt(duplicates)).append(" % (").append(num(v, "soak_duplicated_events"))
        .append(" events POSTed again after a 200 at once): ").append(met(duplicates < DUPLICATES_TARGET_PERCENT))
        .append(" |\n");
    out.append("| bulk-call p99 < 1 s | ").append(num(v, "soak_p99_ms")).append(" ms: ")
        .append(met(p99 < P99_TARGET_MS)).append(" |\n");
    out.append("| every accepted event finished ").append(v.getOrDefault("soak_settle_seconds", "?"))
        .append(" s after the feed | ").append(num(v, "soak_unfinished")).append(" of ")
        .append(num(v, "soak_accepted_events")).append(" unfinished: ").append(met(unfinished == 0)).append(" |\n");
    out.append("\nAccepted ").append(num(v, "soak_accepted_per_s")).append(" events/s overall; ")
        .append(num(v, "soak_503")).append(" calls answered 503, ").append(num(v, "soak_unanswered_calls"))
        .append(" unanswered; events stored without a 202: ").append(num(v, "soak_stored_not_accepted"))
        .append("; delivered ").append(num(v, "soak_delivered")).append(", failed after the schedule ")
        .append(num(v, "soak_failed")).append("; POSTs not in the attempt log: ").append(num(v, "soak_posts_unrecorded"))
        .append(" (").append(num(v, "soak_events_with_unrecorded_posts")).append(" events); peak RSS ")
        .append(num(v, "rss_peak_mib")).append(" MiB.\n");
    return out.toString();
  }

  private static double value(Map<String, String> v, String key) {
    try {
      return Double.parseDouble(v.getOrDefault(key, "NaN"));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String num(Map<String, String> v, String key) {
    return Stats.fmt(value(v, key));
  }

  private static String met(boolean met) {
    return met ? "met" : "**missed**";
  }
}
