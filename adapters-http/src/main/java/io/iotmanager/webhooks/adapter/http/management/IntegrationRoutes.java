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
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
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

  public IntegrationRoutes(Identities identities, CreateIntegrationUseCase createIntegration,
      ListIntegrationsUseCase listIntegrations, GetIntegrationUseCase getIntegration,
      SetIntegrationCredentialsUseCase setIntegrationCredentials, DeleteIntegrationUseCase deleteIntegration) {
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
  }

  private void listIntegrations(RoutingContext ctx) {
    Identity who = identities.user(ctx);
    Replies.when(ctx, listIntegrations.listIntegrations(new IntegrationsQuery(who.tenant())),
        list -> Replies.json(ctx, 200, IntegrationDtos.responses(list)));
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
    Replies.when(ctx, getIntegration.getIntegration(new IntegrationQuery(who.tenant(), id)),
        integration -> Replies.json(ctx, 200, IntegrationDtos.response(integration)));
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
