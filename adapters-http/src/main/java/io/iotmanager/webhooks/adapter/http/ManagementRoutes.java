package io.iotmanager.webhooks.adapter.http;

import io.iotmanager.webhooks.adapter.http.IntegrationDtos.CredentialsRequest;
import io.iotmanager.webhooks.adapter.http.IntegrationDtos.IntegrationRequest;
import io.iotmanager.webhooks.application.port.in.CreateIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.EventQuery;
import io.iotmanager.webhooks.application.port.in.EventsQuery;
import io.iotmanager.webhooks.application.port.in.IntegrationQuery;
import io.iotmanager.webhooks.application.port.in.IntegrationsQuery;
import io.iotmanager.webhooks.application.port.in.RedeliverEventCommand;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsCommand;
import io.iotmanager.webhooks.application.Validation;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.UUID;

/** The management API (A3, A7, B3): JWT identity, every call scoped to the caller's tenant. */
final class ManagementRoutes {
  static final String BAD_INTEGRATION_ID = "integration ID is not a valid UUID";
  static final String BAD_EVENT_ID = "event ID is not a valid UUID";

  private final HttpUseCases useCases;
  private final Identities identities;

  ManagementRoutes(HttpUseCases useCases, Identities identities) {
    this.useCases = useCases;
    this.identities = identities;
  }

  void mount(Router router, String base) {
    router.get(base + "/integrations").handler(this::listIntegrations);
    router.post(base + "/integrations").handler(this::createIntegration);
    router.get(base + "/integrations/:id").handler(this::getIntegration);
    router.delete(base + "/integrations/:id").handler(this::deleteIntegration);
    router.put(base + "/integrations/:id/credentials").handler(this::setCredentials);
    router.get(base + "/events").handler(this::listEvents);
    router.get(base + "/events/:id").handler(this::getEvent);
    router.get(base + "/events/:id/attempts").handler(this::listAttempts);
    router.post(base + "/events/:id/redeliver").handler(this::redeliver);
  }

  private void listIntegrations(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    Replies.when(ctx, useCases.listIntegrations().listIntegrations(new IntegrationsQuery(who.tenant())),
        list -> Replies.json(ctx, 200, IntegrationDtos.responses(list)));
  }

  private void createIntegration(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    IntegrationRequest req = Json.read(ctx.body().buffer(), IntegrationRequest.class);
    CreateIntegrationCommand command = Validation.check(() -> new CreateIntegrationCommand(who.tenant(),
        IntegrationDtos.provider(req.provider()), IntegrationDtos.credentials(req.credentials()),
        req.description()));
    Replies.when(ctx, useCases.createIntegration().createIntegration(command), created -> {
      ctx.response().putHeader("Location", ApiRouter.MANAGEMENT + "/integrations/" + created.id());
      Replies.empty(ctx, 201);
    });
  }

  private void getIntegration(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_INTEGRATION_ID);
    Replies.when(ctx, useCases.getIntegration().getIntegration(new IntegrationQuery(who.tenant(), id)),
        integration -> Replies.json(ctx, 200, IntegrationDtos.response(integration)));
  }

  private void deleteIntegration(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_INTEGRATION_ID);
    Replies.when(ctx, useCases.deleteIntegration().deleteIntegration(new DeleteIntegrationCommand(who.tenant(), id)),
        v -> Replies.empty(ctx, 204));
  }

  private void setCredentials(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_INTEGRATION_ID);
    CredentialsRequest req = Json.read(ctx.body().buffer(), CredentialsRequest.class);
    SetIntegrationCredentialsCommand command = Validation.check(() ->
        new SetIntegrationCredentialsCommand(who.tenant(), id, IntegrationDtos.credentials(req)));
    Replies.when(ctx, useCases.setIntegrationCredentials().setIntegrationCredentials(command),
        v -> Replies.empty(ctx, 204));
  }

  private void listEvents(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    int page = positive(ctx, "page", 1);
    int perPage = positive(ctx, "per_page", 20);
    Optional<UUID> integration = Optional.ofNullable(ctx.request().getParam("integration_id"))
        .filter(s -> !s.isEmpty())
        .map(s -> Replies.uuid(s, BAD_INTEGRATION_ID));
    EventsQuery query = Validation.check(() -> new EventsQuery(who.tenant(), page, perPage, integration));
    Replies.when(ctx, useCases.listEvents().listEvents(query), list -> Replies.json(ctx, 200, EventDtos.items(list)));
  }

  private void getEvent(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_EVENT_ID);
    Replies.when(ctx, useCases.getEvent().getEvent(new EventQuery(who.tenant(), id)),
        record -> Replies.json(ctx, 200, EventDtos.item(record)));
  }

  private void listAttempts(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_EVENT_ID);
    Replies.when(ctx, useCases.listAttempts().listAttempts(new EventQuery(who.tenant(), id)),
        attempts -> Replies.json(ctx, 200, EventDtos.attempts(attempts)));
  }

  record RedeliverRequest(@com.fasterxml.jackson.annotation.JsonProperty("integration_id") String integrationId) {}

  private void redeliver(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_EVENT_ID);
    Optional<UUID> integration = Optional.empty();
    if (ctx.body().buffer() != null && ctx.body().length() > 0) {
      RedeliverRequest req = Json.read(ctx.body().buffer(), RedeliverRequest.class);
      integration = Optional.ofNullable(req.integrationId()).filter(s -> !s.isEmpty())
          .map(s -> Replies.uuid(s, BAD_INTEGRATION_ID));
    }
    RedeliverEventCommand command = new RedeliverEventCommand(who.tenant(), id, integration);
    Replies.when(ctx, useCases.redeliverEvent().redeliverEvent(command), v -> Replies.empty(ctx, 202));
  }

  /** A positive integer query parameter, with the messages of A7. */
  private static int positive(RoutingContext ctx, String name, int fallback) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new HttpProblem(400, "invalid " + name + " query: \"" + raw + "\"");
    }
    if (value < 1) {
      throw new HttpProblem(400, "invalid " + name + " query: value must be a non-zero positive integer");
    }
    if ("per_page".equals(name) && value > EventsQuery.MAX_PER_PAGE) {
      throw new HttpProblem(400, "parameter \"per_page\" above limit (max: " + EventsQuery.MAX_PER_PAGE + ")");
    }
    return (int) Math.min(value, Integer.MAX_VALUE / 1000);
  }
}
