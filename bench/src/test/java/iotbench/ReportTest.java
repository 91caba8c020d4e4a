package iotbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Markdown report of a benchmark invocation: runs, medians and targets from the result files. */
class ReportTest {
  @TempDir Path dir;

  private void run(int n, String embedded) throws IOException {
    Path run = Files.createDirectories(dir.resolve("results").resolve("run" + n));
    Files.writeString(run.resolve("env.txt"), "date=2026-12-0" + n + "\ncommit=abc" + n + "\nreceiver_rps=10000\n");
    Files.writeString(run.resolve("embedded.txt"), embedded);
  }

  private static String result(double e2e, double commands, long lost) {
    return String.join("\n",
        "e2e_events_per_s=" + e2e,
        "store_limit_events_per_s=1000",
        "store_commands_per_event=" + commands,
        "store_writes_per_event=2",
        "intake_p50_ms=3",
        "store_single_insert_p50_ms=1",
        "e2e_lost=" + lost,
        "e2e_duplicates=0",
        "e2e_complete=1",
        "# a comment line",
        "cpu_service_threads=vert.x-eventloop-thread-1 12.5",
        "");
  }

  private String report() throws IOException {
    Path out = dir.resolve("report.md");
    Report.run(new Args(new String[] {"--dir", dir.resolve("results").toString(), "--out", out.toString()}, 0));
    return Files.readString(out);
  }

  @Test
  void mediansOverTheRunsAreHeldAgainstTheTargets() throws IOException {
    run(1, result(1000, 0.03, 0) + "latency_lost=0\n");
    run(2, result(1200, 0.04, 0) + "latency_lost=0\n");
    run(3, result(800, 0.10, 0) + "latency_lost=0\n");

    String md = report();

    assertTrue(md.contains("### Run 1 of 3 — 2026-12-01"), md);
    assertTrue(md.contains("### Run 3 of 3 — 2026-12-03"), md);
    assertTrue(md.contains("### Medians of 3 run(s) (2026-12-01 … 2026-12-03)"), md);
    // ratio e2e ÷ (b)/2 per run: 1.0, 1.2, 0.8 → median 1
    assertTrue(md.contains("| End-to-end events/s ÷ (b)/2 | 1 (≥ 0.5): **met** |"), md);
    assertTrue(md.contains("| Store commands per delivered event, bulk intake | 0.0400 (≤ 0.05): **met** |"), md);
    assertTrue(md.contains("| Document writes per delivered event, bulk intake | 2 (≤ 2): **met** |"), md);
    assertTrue(md.contains("| Intake p50 ÷ one durable single insert p50 | 3 (≤ 2): **missed** |"), md);
    assertTrue(md.contains("| Time to first attempt p99, ms | n/a (< 50): **not measured** |"), md);
    assertTrue(md.contains("0 lost or duplicated, 0 incomplete run(s): **met**"), md);
    // a text figure is taken from the run of median throughput, unchanged
    assertTrue(md.contains("vert.x-eventloop-thread-1 12.5"), md);
  }

  @Test
  void coldStartFiguresAreShownPerRunAndTheirMedianIsHeldAgainstTheTarget() throws IOException {
    String cold = "startup_s=4.25\ncoldstart_ttfa_first_ms=30\ncoldstart_ttfa_p50_ms=2\ncoldstart_ttfa_max_ms=90\n"
        + "coldstart_latency_lost=0\n";
    run(1, result(1000, 0.03, 0) + cold + "coldstart_ttfa_p99_ms=40\n");
    run(2, result(1000, 0.03, 0) + cold + "coldstart_ttfa_p99_ms=80\n");
    run(3, result(1000, 0.03, 0) + cold + "coldstart_ttfa_p99_ms=70\n");

    String md = report();

    assertTrue(md.contains("| Start-up: launching the JVM to /alive answering, s | 4.25 |"), md);
    assertTrue(md.contains("| Cold start: time to first attempt: first event / p50 / p99 / max, ms | 30 / 2 / 40 / 90 |"),
        md);
    // p99 per run 40, 80, 70 → median 70
    assertTrue(md.contains("| Time to first attempt p99 of the first 100 events after start-up, ms | 70 (< 50): **missed** |"),
        md);
  }

  @Test
  void anEventLostRightAfterStartUpMissesTheTarget() throws IOException {
    run(1, result(1000, 0.03, 0) + "latency_lost=0\ncoldstart_latency_lost=1\n");

    String md = report();

    assertTrue(md.contains("1 lost or duplicated, 0 incomplete run(s): **missed**"), md);
  }

  @Test
  void oneLostEventInAnyRunMissesTheTargetEvenWhenAnotherCountIsMissing() throws IOException {
    run(1, result(1000, 0.03, 0) + "latency_lost=0\n");
    run(2, result(1000, 0.03, 1)); // no latency_lost: that phase did not run

    String md = report();

    assertTrue(md.contains("1 lost or duplicated, 0 incomplete run(s): **missed**"), md);
  }

  @Test
  void theReportIsAppendedToTheOutputFile() throws IOException {
    run(1, result(1000, 0.03, 0) + "latency_lost=0\n");
    Files.writeString(dir.resolve("report.md"), "# Benchmarks\n");

    String md = report();

    assertTrue(md.startsWith("# Benchmarks\n\n### Run 1 of 1"), md);
  }

  @Test
  void resultFilesAreKeyValueLines() throws IOException {
    Path file = dir.resolve("r.txt");
    Files.writeString(file, "a = 1\n# b=2\nc=3 ms\nnot a pair\n");
    Map<String, String> values = Report.read(file);
    assertEquals(Map.of("a", "1", "c", "3 ms"), values);
    assertEquals(3.0, Report.num(values, "c"));
    assertTrue(Double.isNaN(Report.num(values, "b")));
  }
}
