package iotbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Turns the result files of one {@code bench/run.sh} invocation ({@code DIR/run<N>/env.txt} and
 * {@code DIR/run<N>/<store>.txt}, {@code key=value} lines) into Markdown: one section per run, then the
 * medians over the runs next to the targets. Appends it to {@code --out} and prints it.
 */
final class Report {
  private record Row(String label, Function<Map<String, String>, String> cell) {}

  /** A target; its bound may depend on the store ({@code boundFor}). */
  private record Target(String label, Function<Map<String, String>, Double> value, String rule,
      java.util.function.ToDoubleFunction<String> boundFor, boolean atMost) {
    Target(String label, Function<Map<String, String>, Double> value, String rule, double bound, boolean atMost) {
      this(label, value, rule, store -> bound, atMost);
    }
  }

  static void run(Args args) throws IOException {
    Path dir = Path.of(args.required("dir"));
    List<Path> runs;
    try (Stream<Path> s = Files.list(dir)) {
      runs = s.filter(p -> p.getFileName().toString().matches("run\\d+") && Files.isDirectory(p))
          .sorted((a, b) -> Integer.compare(number(a), number(b))).toList();
    }
    List<String> stores = List.of("embedded", "mongo");
    StringBuilder md = new StringBuilder();
    List<Map<String, String>> envs = new ArrayList<>();
    Map<String, List<Map<String, String>>> byStore = new LinkedHashMap<>();
    for (Path run : runs) {
      Map<String, String> env = read(run.resolve("env.txt"));
      envs.add(env);
      List<String> present = new ArrayList<>();
      Map<String, Map<String, String>> results = new LinkedHashMap<>();
      for (String store : stores) {
        Path f = run.resolve(store + ".txt");
        if (Files.exists(f)) {
          Map<String, String> r = read(f);
          r.put("receiver_rps", env.getOrDefault("receiver_rps", "NaN"));
          // ratios against baselines of the same run; the medians table shows their medians
          r.put("ratio_e2e_limit", Double.toString(num(r, "e2e_events_per_s") / num(r, "store_limit_events_per_s")));
          r.put("ratio_e2e_receiver", Double.toString(num(r, "e2e_events_per_s") / num(r, "receiver_rps")));
          r.put("ratio_intake_insert", Double.toString(num(r, "intake_p50_ms") / num(r, "store_single_insert_p50_ms")));
          results.put(store, r);
          present.add(store);
          byStore.computeIfAbsent(store, k -> new ArrayList<>()).add(r);
        }
      }
      if (results.containsKey("embedded") && results.containsKey("mongo")) {
        results.get("embedded").put("ratio_store_to_mongo", Double.toString(
            num(results.get("embedded"), "store_ceiling_docs_per_s") / num(results.get("mongo"), "store_ceiling_docs_per_s")));
      }
      md.append("\n### Run ").append(number(run)).append(" of ").append(runs.size()).append(" — ")
          .append(env.getOrDefault("date", "?")).append("\n\n")
          .append("- commit `").append(env.getOrDefault("commit", "?")).append("`, options `")
          .append(env.getOrDefault("options", "")).append("`\n")
          .append("- machine: ").append(env.getOrDefault("nproc", "?")).append(" CPUs (`nproc`), ")
          .append(env.getOrDefault("memory", "?")).append(" memory; ").append(env.getOrDefault("jvm", "?"))
          .append("\n")
          .append("- load average (1, 5, 15 min) at start: ").append(env.getOrDefault("load_start", "?"))
          .append("; at end: ").append(env.getOrDefault("load_end", "?")).append("\n\n");
      table(md, present, results, rows());
    }
    if (!byStore.isEmpty()) {
      md.append("\n### Medians of ").append(runs.size()).append(" run(s)");
      if (!envs.isEmpty()) {
        md.append(" (").append(envs.get(0).getOrDefault("date", "?")).append(" … ")
            .append(envs.get(envs.size() - 1).getOrDefault("date", "?")).append(")");
      }
      md.append("\n\n");
      Map<String, Map<String, String>> medians = new LinkedHashMap<>();
      for (Map.Entry<String, List<Map<String, String>>> e : byStore.entrySet()) {
        medians.put(e.getKey(), medians(e.getValue()));
      }
      table(md, new ArrayList<>(byStore.keySet()), medians, rows());
      md.append("\nEach figure is the median over the runs (ratios: the median of each run's own ratio), except lost, "
          + "duplicated and error counts, which are the worst run's.\n");
      md.append("\n| Target (median over the runs) | ");
      byStore.keySet().forEach(s -> md.append(s).append(" | "));
      md.append("\n|---|");
      byStore.keySet().forEach(s -> md.append("---|"));
      md.append("\n");
      for (Target t : targets()) {
        md.append("| ").append(t.label()).append(" | ");
        for (Map.Entry<String, List<Map<String, String>>> e : byStore.entrySet()) {
          double[] values = e.getValue().stream().mapToDouble(r -> t.value().apply(r)).toArray();
          double median = Stats.median(values);
          double bound = t.boundFor().applyAsDouble(e.getKey());
          boolean met = !Double.isNaN(median) && (t.atMost() ? median <= bound : median >= bound);
          md.append(Stats.fmt(median)).append(" (").append(t.rule()).append("): **")
              .append(Double.isNaN(median) ? "not measured" : met ? "met" : "missed").append("** | ");
        }
        md.append("\n");
      }
      md.append("| No lost or duplicated event in any run (bulk, provisions, and the -Xmx256m repeat) | ");
      for (Map.Entry<String, List<Map<String, String>>> e : byStore.entrySet()) {
        long bad = 0;
        long incomplete = 0;
        for (Map<String, String> r : e.getValue()) {
          // nz: a count that was not measured must not turn the sum into NaN, which (long) makes 0
          bad += (long) (nz(num(r, "e2e_lost")) + nz(num(r, "e2e_duplicates")) + nz(num(r, "latency_lost"))
              + nz(num(r, "xmx_e2e_lost")) + nz(num(r, "xmx_e2e_duplicates")));
          incomplete += num(r, "e2e_complete") == 1 ? 0 : 1;
          incomplete += Double.isNaN(num(r, "xmx_e2e_complete")) || num(r, "xmx_e2e_complete") == 1 ? 0 : 1;
        }
        md.append(bad).append(" lost or duplicated, ").append(incomplete).append(" incomplete run(s): **")
            .append(bad == 0 && incomplete == 0 ? "met" : "missed").append("** | ");
      }
      md.append("\n");
    }
    Path out = Path.of(args.required("out"));
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.print(md);
  }

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("(a) receiver alone, wrk over loopback, requests/s", r -> f(r, "receiver_rps")));
    rows.add(new Row("(b) store alone, 100-document insert batches, documents/s (concurrency 1 / 4)",
        r -> f(r, "store_ceiling_docs_per_s") + " (" + f(r, "store_batch100_c1_docs_per_s") + " / "
            + f(r, "store_batch100_c4_docs_per_s") + ")"));
    rows.add(new Row("(b) ÷ MongoDB's (b), same run", r -> f(r, "ratio_store_to_mongo")));
    rows.add(new Row("(b)/2: physical limit, events/s", r -> f(r, "store_limit_events_per_s")));
    rows.add(new Row("End to end, events delivered/s (first intake → last delivery)", r -> f(r, "e2e_events_per_s")));
    rows.add(new Row("… ratio to (b)/2 (same run)", r -> f(r, "ratio_e2e_limit")));
    rows.add(new Row("… ratio to (a) (same run)", r -> f(r, "ratio_e2e_receiver")));
    rows.add(new Row("Bulk intake alone, events accepted/s", r -> f(r, "e2e_intake_events_per_s")));
    rows.add(new Row("CPU in the bulk phase, s: service / store process / load generator + receiver / "
        + "everything else on the machine (of cores × wall)",
        r -> f(r, "cpu_service_s") + " / " + f(r, "cpu_store_process_s") + " / " + f(r, "cpu_loadgen_receiver_s")
            + " / " + f(r, "cpu_others_s") + " (of " + Stats.fmt(num(r, "cpu_cores") * num(r, "cpu_phase_s")) + ")"));
    rows.add(new Row("Service CPU per delivered event, ms", r -> f(r, "cpu_service_ms_per_event")));
    rows.add(new Row("Service threads that used the most CPU in the bulk phase, s",
        r -> r.getOrDefault("cpu_service_threads", "")));
    rows.add(new Row("Store commands per delivered event (driver)", r -> f(r, "store_commands_per_event")));
    rows.add(new Row("Document writes per delivered event (driver)", r -> f(r, "store_writes_per_event")));
    rows.add(new Row("Commands during the bulk phase, by name", r -> r.getOrDefault("store_commands_breakdown", "")));
    rows.add(new Row("serverStatus opcounters per event: insert / update / query / getmore / command",
        r -> r.containsKey("server_op_insert_per_event") ? f(r, "server_op_insert_per_event") + " / "
            + f(r, "server_op_update_per_event") + " / " + f(r, "server_op_query_per_event") + " / "
            + f(r, "server_op_getmore_per_event") + " / " + f(r, "server_op_command_per_event") : "n/a"));
    rows.add(new Row("Intake latency, single provision at " + "fixed rate: p50 / p99 / max, ms",
        r -> f(r, "intake_p50_ms") + " / " + f(r, "intake_p99_ms") + " / " + f(r, "intake_max_ms")
            + " (" + f(r, "intake_rate_per_s") + "/s, " + f(r, "intake_calls") + " calls, "
            + f(r, "intake_errors") + " errors)"));
    rows.add(new Row("One durable single-document insert: p50 / p99, ms",
        r -> f(r, "store_single_insert_p50_ms") + " / " + f(r, "store_single_insert_p99_ms")));
    rows.add(new Row("Intake p50 ÷ single insert p50 (same run)", r -> f(r, "ratio_intake_insert")));
    rows.add(new Row("Time to first attempt: p50 / p99 / max, ms",
        r -> f(r, "ttfa_p50_ms") + " / " + f(r, "ttfa_p99_ms") + " / " + f(r, "ttfa_max_ms")));
    rows.add(new Row("Events stored when the provisions started", r -> f(r, "latency_events_stored")));
    rows.add(new Row("kill -9 with accepted, undelivered events (in flight at the kill), then a restart: "
        + "ready after, s / all delivered, s after ready / lost / duplicates (of attempts not in flight)",
        r -> r.containsKey("crash_events") ? f(r, "crash_events") + " (" + f(r, "crash_in_flight_at_kill") + "): "
            + f(r, "crash_restart_ready_s") + " / " + f(r, "crash_all_delivered_after_ready_s") + " / "
            + f(r, "crash_lost") + " / " + f(r, "crash_duplicates") + " (" + f(r, "crash_duplicates_not_in_flight")
            + ")" : "not run"));
    rows.add(new Row("Delivered / lost / duplicated (bulk; provisions lost)",
        r -> f(r, "e2e_delivered_distinct") + " / " + f(r, "e2e_lost") + " / " + f(r, "e2e_duplicates") + " ("
            + f(r, "latency_lost") + ")"));
    rows.add(new Row("Service peak RSS (VmHWM), MiB / max heap used, MiB",
        r -> f(r, "rss_peak_mib") + " / " + f(r, "heap_max_used_mb")));
    rows.add(new Row("-Xmx256m repeat: delivered / lost / duplicated; events/s; peak RSS MiB, max heap MiB",
        r -> r.containsKey("xmx_e2e_events") ? f(r, "xmx_e2e_delivered_distinct") + " / " + f(r, "xmx_e2e_lost")
            + " / " + f(r, "xmx_e2e_duplicates") + "; " + f(r, "xmx_e2e_events_per_s") + "; "
            + f(r, "xmx_rss_peak_mib") + ", " + f(r, "xmx_heap_max_used_mb") : "not run"));
    return rows;
  }

  private static List<Target> targets() {
    return List.of(
        new Target("End-to-end events/s ÷ (b)/2", r -> num(r, "ratio_e2e_limit"), "≥ 0.5", 0.5, false),
        new Target("Store commands per delivered event, bulk intake", r -> num(r, "store_commands_per_event"),
            "≤ 0.05", 0.05, true),
        new Target("Document writes per delivered event, bulk intake", r -> num(r, "store_writes_per_event"),
            "≤ 2", 2.0, true),
        new Target("Intake p50 ÷ one durable single insert p50", r -> num(r, "ratio_intake_insert"), "≤ 2", 2.0,
            true),
        new Target("Intake p99 at the fixed rate, ms", r -> num(r, "intake_p99_ms"), "< 50", 50.0 - 1e-9, true),
        new Target("Time to first attempt p99, ms", r -> num(r, "ttfa_p99_ms"), "< 50", 50.0 - 1e-9, true),
        new Target("After kill -9, all accepted events delivered, s after the restart is ready",
            r -> num(r, "crash_all_delivered_after_ready_s"), "≤ 10 embedded; ≤ 15 MongoDB, where leases run out",
            store -> store.equals("mongo") ? 15.0 : 10.0, true),
        new Target("Embedded (b) ÷ MongoDB's (b), same run", r -> num(r, "ratio_store_to_mongo"), "≥ 0.5", 0.5,
            false));
  }

  private static void table(StringBuilder md, List<String> stores, Map<String, Map<String, String>> results,
      List<Row> rows) {
    md.append("| | ");
    stores.forEach(s -> md.append(s).append(" | "));
    md.append("\n|---|");
    stores.forEach(s -> md.append("---|"));
    md.append("\n");
    for (Row row : rows) {
      md.append("| ").append(row.label()).append(" | ");
      for (String s : stores) {
        md.append(row.cell().apply(results.get(s))).append(" | ");
      }
      md.append("\n");
    }
  }

  /** Medians of every numeric key; text keys from the median run of end-to-end throughput. */
  private static Map<String, String> medians(List<Map<String, String>> runs) {
    Map<String, String> out = new LinkedHashMap<>();
    List<Map<String, String>> byE2e = new ArrayList<>(runs);
    byE2e.sort((a, b) -> Double.compare(num(a, "e2e_events_per_s"), num(b, "e2e_events_per_s")));
    Map<String, String> middle = byE2e.get(byE2e.size() / 2);
    for (String key : runs.get(0).keySet()) {
      double[] values = runs.stream().mapToDouble(r -> num(r, key)).filter(v -> !Double.isNaN(v)).toArray();
      out.put(key, values.length == 0 ? middle.getOrDefault(key, "") : Double.toString(Stats.median(values)));
    }
    // lost/duplicated: the worst run, not the median
    for (String key : List.of("e2e_lost", "e2e_duplicates", "latency_lost", "xmx_e2e_lost", "xmx_e2e_duplicates",
        "intake_errors")) {
      double worst = runs.stream().mapToDouble(r -> num(r, key)).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
      if (!Double.isNaN(worst)) {
        out.put(key, Double.toString(worst));
      }
    }
    return out;
  }

  private static String f(Map<String, String> r, String key) {
    if (r == null) {
      return "n/a";
    }
    String v = r.get(key);
    if (v == null) {
      return "n/a";
    }
    int space = v.indexOf(' ');
    String suffix = space < 0 ? "" : v.substring(space);
    String head = space < 0 ? v : v.substring(0, space);
    try {
      return Stats.fmt(Double.parseDouble(head)) + suffix;
    } catch (NumberFormatException e) {
      return v;
    }
  }

  static double num(Map<String, String> r, String key) {
    String v = r == null ? null : r.get(key);
    if (v == null) {
      return Double.NaN;
    }
    int space = v.indexOf(' ');
    try {
      return Double.parseDouble(space < 0 ? v : v.substring(0, space));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static double nz(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static int number(Path run) {
    return Integer.parseInt(run.getFileName().toString().substring(3));
  }

  static Map<String, String> read(Path file) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return map;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("#")) {
        map.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
      }
    }
    return map;
  }
}
