package iotbench;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU samples ({@code jdk.ExecutionSample}) of a JFR recording go: by area (classified by the
 * top frame), by thread, by top frame (self time), and by the service's own methods on the stack
 * (inclusive time). Prints Markdown.
 */
final class JfrTop {
  private static final Map<String, String> AREAS = new LinkedHashMap<>();

  static {
    AREAS.put("org.h2.", "embedded store: H2 MVStore (commit, pages, file I/O)");
    AREAS.put("de.bwaldvogel.", "embedded store: mongo-java-server (query, update, BSON)");
    AREAS.put("com.mongodb.", "MongoDB driver");
    AREAS.put("org.bson.", "BSON encoding/decoding");
    AREAS.put("io.vertx.ext.mongo.", "vertx-mongo-client (JsonObject <-> BSON)");
    AREAS.put("ch.qos.logback.", "logging (logback)");
    AREAS.put("org.slf4j.", "logging (logback)");
    AREAS.put("com.fasterxml.jackson.", "JSON (Jackson)");
    AREAS.put("io.vertx.core.json.", "JSON (Vert.x JsonObject)");
    AREAS.put("io.micrometer.", "metrics (Micrometer)");
    AREAS.put("io.netty.", "network I/O (Netty)");
    AREAS.put("io.vertx.", "Vert.x core/web");
    AREAS.put("io.iotmanager.", "service code");
    AREAS.put("javax.crypto.", "HMAC / crypto");
    AREAS.put("com.sun.crypto.", "HMAC / crypto");
    AREAS.put("sun.security.", "HMAC / crypto");
    AREAS.put("sun.nio.", "JDK NIO (sockets, files)");
    AREAS.put("java.util.regex.", "JDK regex");
    AREAS.put("java.util.concurrent.", "JDK concurrency");
    AREAS.put("java.time.", "JDK time/format");
  }

  static void run(Args args) throws Exception {
    Path file = Path.of(args.required("file"));
    int top = args.integer("top", 20);
    List<String> patterns = List.of(args.get("match", "LoggingCommandEventSender,StoreCommandCounter,ch.qos.logback,"
        + "domain.Signatures,MicrometerMetrics,OutcomeWriter.write,InternalRoutes.tenants,VertxWebhookSender.send,"
        + "MongoClientImpl,DurableH2Backend.commitThrough,DurableH2Backend.compactOnce,ObjectDataType,"
        + "AbstractMongoCollection.updateDocuments,AbstractMongoCollection.addDocument,"
        + "AbstractMongoCollection.handleQuery").split(","));
    Map<String, Long> matched = new LinkedHashMap<>();
    patterns.forEach(p -> matched.put(p, 0L));
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> area = new HashMap<>();
    Map<String, Long> threads = new HashMap<>();
    Map<String, Long> inclusiveService = new HashMap<>();
    Map<String, Long> areaInclusive = new HashMap<>();
    long total = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      total++;
      List<RecordedFrame> frames = stack.getFrames();
      String topMethod = name(frames.get(0));
      self.merge(topMethod, 1L, Long::sum);
      area.merge(areaOf(frames), 1L, Long::sum);
      RecordedThread thread = event.getThread("sampledThread");
      String threadName = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName()
          .replaceAll("-\\d+$", "-N").replaceAll("thread-\\d+", "thread-N");
      threads.merge(threadName, 1L, Long::sum);
      for (String p : patterns) {
        for (RecordedFrame frame : frames) {
          if (name(frame).contains(p)) {
            matched.merge(p, 1L, Long::sum);
            break;
          }
        }
      }
      java.util.Set<String> seen = new java.util.HashSet<>();
      java.util.Set<String> seenAreas = new java.util.HashSet<>();
      for (RecordedFrame frame : frames) {
        String n = name(frame);
        if (n.startsWith("io.iotmanager.") && seen.add(n)) {
          inclusiveService.merge(n, 1L, Long::sum);
        }
        String a = classify(n);
        if (a != null && seenAreas.add(a)) {
          areaInclusive.merge(a, 1L, Long::sum);
        }
      }
    }
    System.out.println("CPU samples: " + total + "\n");
    print("By area (top frame's package; the first non-JDK frame for JDK internals)", area, total, top);
    print("Areas on the stack (inclusive: a sample counts once for each area it passes through)", areaInclusive,
        total, top);
    print("By thread", threads, total, top);
    print("Top frames (self time)", self, total, top);
    print("Service methods on the stack (inclusive)", inclusiveService, total, top);
    System.out.println("| Selected frames on the stack (inclusive) | samples | share |");
    System.out.println("|---|---:|---:|");
    long samples = total;
    matched.forEach((p, n) -> System.out.println("| `" + p + "` | " + n + " | "
        + String.format(Locale.ROOT, "%.1f%%", 100.0 * n / Math.max(1, samples)) + " |"));
    System.out.println();
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  /** The area of the top frame; a JDK frame is attributed to the first library/service frame below it. */
  private static String areaOf(List<RecordedFrame> frames) {
    String first = classify(name(frames.get(0)));
    if (first != null && !first.startsWith("JDK")) {
      return first;
    }
    for (RecordedFrame frame : frames) {
      String a = classify(name(frame));
      if (a != null && !a.startsWith("JDK")) {
        return a + " (in JDK code)";
      }
    }
    return first != null ? first : "JDK other";
  }

  private static String classify(String method) {
    for (Map.Entry<String, String> e : AREAS.entrySet()) {
      if (method.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  private static void print(String title, Map<String, Long> counts, long total, int top) {
    System.out.println("| " + title + " | samples | share |");
    System.out.println("|---|---:|---:|");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(top)
        .forEach(e -> System.out.println("| `" + e.getKey() + "` | " + e.getValue() + " | "
            + String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / Math.max(1, total)) + " |"));
    System.out.println();
  }
}
