package io.iotmanager.webhooks.application.service;

import io.iotmanager.webhooks.application.port.out.WebhookRequest;
import io.iotmanager.webhooks.application.port.out.WebhookResponse;
import io.iotmanager.webhooks.application.port.out.WebhookSender;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Records every request with the clock's time and answers from a script: per host, a queue of answers
 * (the last one repeats), or {@link #hang} for answers that never come until the test completes them.
 */
final class FakeWebhookSender implements WebhookSender {
  record Sent(WebhookRequest request, Instant at) {
    String header(String name) {
      return request.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
    }

    String host() {
      return request.url().getHost();
    }
  }

  private final Clock clock;
  private final List<Sent> sent = new ArrayList<>();
  private final java.util.Map<String, Deque<Function<WebhookRequest, Future<WebhookResponse>>>> scripts =
      new java.util.HashMap<>();
  private final List<Promise<WebhookResponse>> hanging = new ArrayList<>();

  FakeWebhookSender(Clock clock) {
    this.clock = clock;
  }

  static WebhookResponse status(int code) {
    return WebhookResponse.status(code, Optional.empty(), 7);
  }

  static WebhookResponse status(int code, String retryAfter) {
    return WebhookResponse.status(code, Optional.of(retryAfter), 7);
  }

  /** Answers requests to {@code host} with these responses in turn, the last one repeating. */
  synchronized FakeWebhookSender answer(String host, WebhookResponse... responses) {
    Deque<Function<WebhookRequest, Future<WebhookResponse>>> queue = new ArrayDeque<>();
    for (WebhookResponse r : responses) {
      queue.add(req -> Future.succeededFuture(r));
    }
    scripts.put(host, queue);
    return this;
  }

  /** Requests to {@code host} never get an answer until {@link #completeHanging} is called. */
  synchronized FakeWebhookSender hang(String host) {
    Deque<Function<WebhookRequest, Future<WebhookResponse>>> queue = new ArrayDeque<>();
    queue.add(req -> {
      Promise<WebhookResponse> p = Promise.promise();
      synchronized (this) {
        hanging.add(p);
      }
      return p.future();
    });
    scripts.put(host, queue);
    return this;
  }

  /** Completes the oldest hanging request with {@code response}. */
  void completeHanging(WebhookResponse response) {
    Promise<WebhookResponse> p;
    synchronized (this) {
      p = hanging.remove(0);
    }
    p.complete(response);
  }

  @Override
  public Future<WebhookResponse> send(WebhookRequest request) {
    Function<WebhookRequest, Future<WebhookResponse>> answer;
    synchronized (this) {
      sent.add(new Sent(request, clock.instant()));
      Deque<Function<WebhookRequest, Future<WebhookResponse>>> queue = scripts.get(request.url().getHost());
      if (queue == null || queue.isEmpty()) {
        answer = req -> Future.succeededFuture(status(200));
      } else {
        answer = queue.size() > 1 ? queue.poll() : queue.peek();
      }
    }
    return answer.apply(request);
  }

  synchronized List<Sent> sent() {
    return new ArrayList<>(sent);
  }

  synchronized List<Sent> sentTo(String host) {
    return sent.stream().filter(s -> s.host().equals(host)).toList();
  }
}
