package iotbench;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of the service's {@code GET /metrics} (Prometheus text), as series name with labels → value. */
final class ServiceMetrics {
  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");
  final Map<String, Double> series = new HashMap<>();

  static ServiceMetrics parse(String text) {
    ServiceMetrics m = new ServiceMetrics();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher matcher = LINE.matcher(line);
      if (matcher.find()) {
        String labels = matcher.group(2) == null ? "" : matcher.group(2).replace(",}", "}");
        try {
          m.series.put(matcher.group(1) + labels, Double.parseDouble(matcher.group(3)));
        } catch (NumberFormatException ignored) {
          // not a sample line
        }
      }
    }
    return m;
  }

  /** The sum of every series of {@code name} whose labels contain {@code labelFilter} (may be empty). */
  double sum(String name, String labelFilter) {
    double total = 0;
    for (Map.Entry<String, Double> e : series.entrySet()) {
      String key = e.getKey();
      if ((key.equals(name) || key.startsWith(name + "{")) && key.contains(labelFilter)) {
        total += e.getValue();
      }
    }
    return total;
  }

  /** Per label value of {@code label} of series {@code name}: e.g. store commands by command name. */
  Map<String, Double> byLabel(String name, String label) {
    Map<String, Double> out = new HashMap<>();
    Pattern p = Pattern.compile(Pattern.quote(label) + "=\"([^\"]*)\"");
    for (Map.Entry<String, Double> e : series.entrySet()) {
      if (e.getKey().startsWith(name + "{")) {
        Matcher m = p.matcher(e.getKey());
        if (m.find()) {
          out.merge(m.group(1), e.getValue(), Double::sum);
        }
      }
    }
    return out;
  }
}
