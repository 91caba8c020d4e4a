package io.iotmanager.webhooks.adapter.http.management;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.iotmanager.webhooks.adapter.http.auth.Identities;
import io.iotmanager.webhooks.adapter.http.auth.Identity;
import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.iotmanager.webhooks.adapter.http.web.Json;
import io.iotmanager.webhooks.adapter.http.web.Replies;
import io.iotmanager.webhooks.application.port.in.EventQuery;
import io.iotmanager.webhooks.application.port.in.EventsQuery;
import io.iotmanager.webhooks.application.port.in.GetEventUseCase;
import io.iotmanager.webhooks.application.port.in.ListAttemptsUseCase;
import io.iotmanager.webhooks.application.port.in.ListEventsUseCase;
import io.iotmanager.webhooks.application.port.in.RedeliverEventCommand;
import io.iotmanager.webhooks.application.port.in.RedeliverEventUseCase;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/** The events log of the management API: events, their attempts, redelivery; scoped to the caller's tenant. */
public final class EventRoutes implements Endpoint {
  static final String BAD_EVENT_ID = "event ID is not a valid UUID";

  private final Identities identities;
  private final ListEventsUseCase listEvents;
  private final GetEventUseCase getEvent;
  private final ListAttemptsUseCase listAttempts;
  private final RedeliverEventUseCase redeliverEvent;

  public EventRoutes(Identities identities, ListEventsUseCase listEvents, GetEventUseCase getEvent,
      ListAttemptsUseCase listAttempts, RedeliverEventUseCase redeliverEvent) {
    this.identities = identities;
    this.listEvents = listEvents;
    this.getEvent = getEvent;
    this.listAttempts = listAttempts;
    this.redeliverEvent = redeliverEvent;
  }

  @Override
  public void mount(Router router) {
    String base = ApiPaths.MANAGEMENT;
    router.get(base + "/events").handler(this::listEvents);
    router.get(base + "/events/:id").handler(this::getEvent);
    router.get(base + "/events/:id/attempts").handler(this::listAttempts);
    router.post(base + "/events/:id/redeliver").handler(this::redeliver);
  }

  private void listEvents(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    int page = positive(ctx, "page", 1);
    int perPage = positive(ctx, "per_page", 20);
    Optional<UUID> integration = Optional.ofNullable(ctx.request().getParam("integration_id"))
        .filter(s -> !s.isEmpty())
        .map(s -> Replies.uuid(s, IntegrationRoutes.BAD_INTEGRATION_ID));
    EventsQuery query = new EventsQuery(who.tenant(), page, perPage, integration);
    Replies.when(ctx, listEvents.listEvents(query), list -> Replies.json(ctx, 200, EventDtos.items(list)));
  }

  private void getEvent(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_EVENT_ID);
    Replies.when(ctx, getEvent.getEvent(new EventQuery(who.tenant(), id)),
        record -> Replies.json(ctx, 200, EventDtos.item(record)));
  }

  private void listAttempts(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_EVENT_ID);
    Replies.when(ctx, listAttempts.listAttempts(new EventQuery(who.tenant(), id)),
        attempts -> Replies.json(ctx, 200, EventDtos.attempts(attempts)));
  }

  record RedeliverRequest(@JsonProperty("integration_id") String integrationId) {}

  private void redeliver(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_EVENT_ID);
    Optional<UUID> integration = Optional.empty();
    if (ctx.body().buffer() != null && ctx.body().length() > 0) {
      RedeliverRequest req = Json.read(ctx.body().buffer(), RedeliverRequest.class);
      integration = Optional.ofNullable(req.integrationId()).filter(s -> !s.isEmpty())
          .map(s -> Replies.uuid(s, IntegrationRoutes.BAD_INTEGRATION_ID));
    }
    RedeliverEventCommand command = new RedeliverEventCommand(who.tenant(), id, integration);
    Replies.when(ctx, redeliverEvent.redeliverEvent(command), v -> Replies.empty(ctx, 202));
  }

  /** A positive integer query parameter, with the messages of the events API. */
  private static int positive(RoutingContext ctx, String name, int fallback) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new DomainValidationException("invalid " + name + " query: \"" + raw + "\"");
    }
    if (value < 1) {
      throw new DomainValidationException("invalid " + name + " query: value must be a non-zero positive integer");
    }
    if ("per_page".equals(name) && value > EventsQuery.MAX_PER_PAGE) {
      throw new DomainValidationException("parameter \"per_page\" above limit (max: " + EventsQuery.MAX_PER_PAGE + ")");
    }
    return (int) Math.min(value, Integer.MAX_VALUE / 1000);
  }
}
