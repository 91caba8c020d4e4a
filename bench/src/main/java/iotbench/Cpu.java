package iotbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time from /proc: of given processes (utime + stime, children excluded) and of the whole machine
 * (every CPU's busy time). The difference tells how much of the machine other work took during a phase.
 */
final class Cpu {
  /** USER_HZ: the unit of /proc times; 100 on every Linux this runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  record Snapshot(long wallNanos, double machineBusy, double[] processes) {}

  private final List<Long> pids;

  Cpu(List<Long> pids) {
    this.pids = pids;
  }

  static List<Long> parsePids(String list) {
    List<Long> out = new ArrayList<>();
    for (String p : list.split(",")) {
      if (!p.isBlank()) {
        out.add(Long.parseLong(p.trim()));
      }
    }
    return out;
  }

  Snapshot snapshot() {
    double[] times = new double[pids.size()];
    for (int i = 0; i < pids.size(); i++) {
      times[i] = processSeconds(pids.get(i));
    }
    return new Snapshot(System.nanoTime(), machineBusySeconds(), times);
  }

  /** utime + stime of a process in seconds; NaN when it cannot be read. */
  static double processSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds of each thread of a process, summed by thread name (the kernel's 15-character
   * {@code comm}, with trailing digits folded: {@code GC Thread#0} and {@code GC Thread#1} count together).
   */
  static java.util.Map<String, Double> threadSeconds(long pid) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
              .replaceAll("[#-]?\\d+$", "#N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      // no such process
    }
    return out;
  }

  /** The threads that used the most CPU between two {@link #threadSeconds} readings, as "name:seconds …". */
  static String topThreads(java.util.Map<String, Double> before, java.util.Map<String, Double> after, int top) {
    return after.entrySet().stream()
        .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() > 0)
        .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(top)
        .map(e -> e.getKey().replace(' ', '_') + ":" + String.format(java.util.Locale.ROOT, "%.1f", e.getValue()))
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /** Busy time of all CPUs (everything but idle and iowait) in seconds. */
  static double machineBusySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle, iowait
          busy += Long.parseLong(f[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
