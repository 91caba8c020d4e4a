package io.iotmanager.webhooks.bootstrap;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.Awaitility;
import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A {@link Receiver}'s answering policy that keeps the books: every webhook request with the status it
 * was given (switchable at any time, e.g. 503 then 200), its {@code webhook-id} and the device id of its
 * body. "Delivered" means answered 2xx.
 */
final class Ledger implements Function<Receiver.Received, Receiver.Answer> {
  /** One request: when it arrived, its event id ({@code webhook-id}), the device in its body, our answer. */
  record Arrival(Instant at, String webhookId, String deviceId, int status) {
    boolean delivered() {
      return status / 100 == 2;
    }
  }

  private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
  private volatile int status;

  Ledger(int status) {
    this.status = status;
  }

  /** Answers with this status from now on. */
  Ledger answer(int status) {
    this.status = status;
    return this;
  }

  @Override
  public Receiver.Answer apply(Receiver.Received r) {
    int s = status;
    String device = new JsonObject(r.body()).getJsonObject("data").getString("id");
    arrivals.add(new Arrival(r.at(), r.headers().get("webhook-id"), device, s));
    return Receiver.Answer.status(s);
  }

  List<Arrival> arrivals() {
    return new ArrayList<>(arrivals);
  }

  int requests() {
    return arrivals.size();
  }

  /** Devices whose event was answered 2xx at least once. */
  Set<String> deliveredDevices() {
    return arrivals.stream().filter(Arrival::delivered).map(Arrival::deviceId).collect(Collectors.toSet());
  }

  long deliveredCount() {
    return arrivals.stream().filter(Arrival::delivered).count();
  }

  /** The expected devices not delivered yet. */
  Set<String> missing(Collection<String> expected) {
    Set<String> missing = new HashSet<>(expected);
    missing.removeAll(deliveredDevices());
    return missing;
  }

  /** Event ids answered 2xx more than once, with every arrival of each (2xx or not), oldest first. */
  Map<String, List<Arrival>> duplicates() {
    Map<String, List<Arrival>> byId = arrivals.stream()
        .collect(Collectors.groupingBy(Arrival::webhookId, LinkedHashMap::new, Collectors.toList()));
    Map<String, List<Arrival>> duplicates = new LinkedHashMap<>();
    byId.forEach((id, list) -> {
      if (list.stream().filter(Arrival::delivered).count() > 1) {
        duplicates.put(id, list);
      }
    });
    return duplicates;
  }

  /** Waits until every expected device was delivered; fails with the diagnosis otherwise. */
  void awaitDelivered(Collection<String> expected, Duration timeout, Supplier<String> diagnosis)
      throws InterruptedException {
    await("all " + expected.size() + " events delivered", timeout, () -> missing(expected).isEmpty(),
        () -> missing(expected).size() + " not delivered, e.g. " + missing(expected).stream().limit(5).toList()
            + "; requests so far " + requests() + "\n" + diagnosis.get());
  }

  /** Polls {@code condition} every 50 ms until it holds or the deadline passes. */
  static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> diagnosis) {
    try {
      Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout + " waiting for " + what + ": " + diagnosis.get(), e);
    }
  }
}
