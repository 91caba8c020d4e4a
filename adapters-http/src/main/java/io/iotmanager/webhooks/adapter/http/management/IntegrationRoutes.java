package io.iotmanager.webhooks.adapter.http.management;

import io.iotmanager.webhooks.adapter.http.auth.Identities;
import io.iotmanager.webhooks.adapter.http.auth.Identity;
import io.iotmanager.webhooks.adapter.http.management.IntegrationDtos.CredentialsRequest;
import io.iotmanager.webhooks.adapter.http.management.IntegrationDtos.IntegrationRequest;
import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.iotmanager.webhooks.adapter.http.web.Json;
import io.iotmanager.webhooks.adapter.http.web.Replies;
import io.iotmanager.webhooks.application.port.in.CreateIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.CreateIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.DeleteIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.GetIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.IntegrationQuery;
import io.iotmanager.webhooks.application.port.in.IntegrationsQuery;
import io.iotmanager.webhooks.application.port.in.ListIntegrationsUseCase;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsCommand;
import io.iotmanager.webhooks.application.port.in.SetIntegrationCredentialsUseCase;
import io.iotmanager.webhooks.application.port.in.EnableIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.EnableIntegrationUseCase;
import io.iotmanager.webhooks.application.port.in.GetIntegrationHealthUseCase;
import io.iotmanager.webhooks.application.port.in.RecoverIntegrationCommand;
import io.iotmanager.webhooks.application.port.in.RecoverIntegrationUseCase;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.EventTime;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.IntegrationHealth;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The integrations of the management API: JWT identity, every call scoped to the caller's tenant. */
public final class IntegrationRoutes implements Endpoint {
  static final String BAD_INTEGRATION_ID = "integration ID is not a valid UUID";

  private final Identities identities;
  private final CreateIntegrationUseCase createIntegration;
  private final ListIntegrationsUseCase listIntegrations;
  private final GetIntegrationUseCase getIntegration;
  private final SetIntegrationCredentialsUseCase setIntegrationCredentials;
  private final DeleteIntegrationUseCase deleteIntegration;
  private final GetIntegrationHealthUseCase integrationHealth;
  private final EnableIntegrationUseCase enableIntegration;
  private final RecoverIntegrationUseCase recoverIntegration;

  /** The routes of A3 alone: no health, no enabling or recovery. */
  public IntegrationRoutes(Identities identities, CreateIntegrationUseCase createIntegration,
      ListIntegrationsUseCase listIntegrations, GetIntegrationUseCase getIntegration,
      SetIntegrationCredentialsUseCase setIntegrationCredentials, DeleteIntegrationUseCase deleteIntegration) {
    this(identities, createIntegration, listIntegrations, getIntegration, setIntegrationCredentials,
        deleteIntegration, null, null, null);
  }

  /**
   * With each integration's health in the answers of {@code GET}, and {@code POST …/{id}/enable} and
   * {@code POST …/{id}/recover}.
   */
  public IntegrationRoutes(Identities identities, CreateIntegrationUseCase createIntegration,
      ListIntegrationsUseCase listIntegrations, GetIntegrationUseCase getIntegration,
      SetIntegrationCredentialsUseCase setIntegrationCredentials, DeleteIntegrationUseCase deleteIntegration,
      GetIntegrationHealthUseCase integrationHealth, EnableIntegrationUseCase enableIntegration,
      RecoverIntegrationUseCase recoverIntegration) {
    this.integrationHealth = integrationHealth;
    this.enableIntegration = enableIntegration;
    this.recoverIntegration = recoverIntegration;
    this.identities = identities;
    this.createIntegration = createIntegration;
    this.listIntegrations = listIntegrations;
    this.getIntegration = getIntegration;
    this.setIntegrationCredentials = setIntegrationCredentials;
    this.deleteIntegration = deleteIntegration;
  }

  @Override
  public void mount(Router router) {
    String base = ApiPaths.MANAGEMENT;
    router.get(base + "/integrations").handler(this::listIntegrations);
    router.post(base + "/integrations").handler(this::createIntegration);
    router.get(base + "/integrations/:id").handler(this::getIntegration);
    router.delete(base + "/integrations/:id").handler(this::deleteIntegration);
    router.put(base + "/integrations/:id/credentials").handler(this::setCredentials);
    if (enableIntegration != null) {
      router.post(base + "/integrations/:id/enable").handler(this::enable);
    }
    if (recoverIntegration != null) {
      router.post(base + "/integrations/:id/recover").handler(this::recover);
    }
  }

  /** The tenant's integrations' health, or none when this route group has no health use case. */
  private Future<Map<UUID, IntegrationHealth>> health(String tenant) {
    return integrationHealth == null ? Future.succeededFuture(Map.of())
        : integrationHealth.getIntegrationHealth(new IntegrationsQuery(tenant));
  }

  private void enable(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_INTEGRATION_ID);
    Replies.when(ctx, enableIntegration.enableIntegration(new EnableIntegrationCommand(who.tenant(), id)),
        queued -> Replies.json(ctx, 200, new IntegrationDtos.QueuedResponse(queued)));
  }

  static final String SINCE_REQUIRED = "since: cannot be blank";
  static final String SINCE_INVALID = "since: must be an RFC 3339 time, e.g. 2024-01-01T00:00:00Z";

  private void recover(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_INTEGRATION_ID);
    IntegrationDtos.RecoverRequest req = Json.read(ctx.body().buffer(), IntegrationDtos.RecoverRequest.class);
    if (req == null || req.since() == null || req.since().isBlank()) {
      throw new DomainValidationException(SINCE_REQUIRED);
    }
    Instant since;
    try {
      since = EventTime.parse(req.since().trim());
    } catch (RuntimeException e) {
      throw new DomainValidationException(SINCE_INVALID);
    }
    Replies.when(ctx, recoverIntegration.recoverIntegration(new RecoverIntegrationCommand(who.tenant(), id, since)),
        queued -> Replies.json(ctx, 200, new IntegrationDtos.QueuedResponse(queued)));
  }

  private void listIntegrations(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    Future<List<Integration>> list = listIntegrations.listIntegrations(new IntegrationsQuery(who.tenant()));
    Replies.when(ctx, list.compose(found -> health(who.tenant()).map(h -> IntegrationDtos.responses(found, h))),
        responses -> Replies.json(ctx, 200, responses));
  }

  private void createIntegration(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    IntegrationRequest req = Json.read(ctx.body().buffer(), IntegrationRequest.class);
    CreateIntegrationCommand command = new CreateIntegrationCommand(who.tenant(),
        IntegrationDtos.provider(req.provider()), IntegrationDtos.credentials(req.credentials()),
        req.description(), IntegrationDtos.scopes(req.scopes()));
    Replies.when(ctx, createIntegration.createIntegration(command), created -> {
      ctx.response().putHeader("Location", ApiPaths.MANAGEMENT + "/integrations/" + created.id());
      Replies.empty(ctx, 201);
    });
  }

  private void getIntegration(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_INTEGRATION_ID);
    Future<Integration> found = getIntegration.getIntegration(new IntegrationQuery(who.tenant(), id));
    Replies.when(ctx, found.compose(integration -> health(who.tenant())
            .map(h -> IntegrationDtos.response(integration, h.get(integration.id())))),
        response -> Replies.json(ctx, 200, response));
  }

  private void deleteIntegration(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_INTEGRATION_ID);
    Replies.when(ctx, deleteIntegration.deleteIntegration(new DeleteIntegrationCommand(who.tenant(), id)),
        v -> Replies.empty(ctx, 204));
  }

  private void setCredentials(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    UUID id = Replies.uuid(ctx.pathParam("id"), BAD_INTEGRATION_ID);
    CredentialsRequest req = Json.read(ctx.body().buffer(), CredentialsRequest.class);
    SetIntegrationCredentialsCommand command =
        new SetIntegrationCredentialsCommand(who.tenant(), id, IntegrationDtos.credentials(req),
            IntegrationDtos.previousSecretValidFor(req));
    Replies.when(ctx, setIntegrationCredentials.setIntegrationCredentials(command), v -> Replies.empty(ctx, 204));
  }
}
