package io.iotmanager.webhooks.adapter.mongo;

import static io.iotmanager.webhooks.adapter.mongo.TestStores.await;
import static io.iotmanager.webhooks.adapter.mongo.TestStores.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.out.IntegrationRepository;
import io.iotmanager.webhooks.domain.CredentialType;
import io.iotmanager.webhooks.domain.Credentials;
import io.iotmanager.webhooks.domain.HttpCredentials;
import io.iotmanager.webhooks.domain.Integration;
import io.iotmanager.webhooks.domain.Provider;
import io.iotmanager.webhooks.domain.WebhookSecret;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class MongoIntegrationRepositoryIT {
  @TempDir
  static Path tempDir;
  static TestStores.TestServer server;
  static MongoStore store;
  static IntegrationRepository repository;

  @BeforeAll
  static void open(Vertx vertx) {
    server = TestStores.startServer(tempDir);
    store = TestStores.open(vertx, TestStores.settings(server, TestStores.randomDbName("integrations")));
    repository = store.integrations();
  }

  @AfterAll
  static void close() {
    if (store != null) {
      TestStores.dropDatabase(store);
      await(store.close());
    }
    if (server != null) {
      server.close();
    }
  }

  static Integration webhook(String tenant, String url, Optional<WebhookSecret> secret) {
    return new Integration(UUID.randomUUID(), tenant, Provider.WEBHOOK,
        Credentials.http(new HttpCredentials(URI.create(url), secret)), "a hook");
  }

  static String tenant() {
    return "tenant-" + UUID.randomUUID();
  }

  @Test
  void storesReadsUpdatesAndDeletesAnIntegration() {
    String tenant = tenant();
    Integration integration = webhook(tenant, "https://example.com/hook", Optional.of(WebhookSecret.fromHex("deadbeef")));
    await(repository.insert(integration, 1));

    Integration found = await(repository.findById(tenant, integration.id())).orElseThrow();
    assertEquals(integration.id(), found.id());
    assertEquals(tenant, found.tenantId());
    assertEquals(Provider.WEBHOOK, found.provider());
    assertEquals("a hook", found.description());
    HttpCredentials http = found.credentials().http().orElseThrow();
    assertEquals(URI.create("https://example.com/hook"), http.url());
    assertEquals("deadbeef", http.secret().orElseThrow().toHex());
    assertEquals(List.of(found.id()), await(repository.findByTenant(tenant)).stream().map(Integration::id).toList());

    Credentials replaced = Credentials.http(new HttpCredentials(URI.create("http://other.example/x"), Optional.empty()));
    assertTrue(await(repository.updateCredentials(tenant, integration.id(), replaced)));
    HttpCredentials updated = await(repository.findById(tenant, integration.id())).orElseThrow()
        .credentials().http().orElseThrow();
    assertEquals(URI.create("http://other.example/x"), updated.url());
    assertTrue(updated.secret().isEmpty());

    assertTrue(await(repository.delete(tenant, integration.id())));
    assertTrue(await(repository.findById(tenant, integration.id())).isEmpty());
    assertFalse(await(repository.delete(tenant, integration.id())));
    assertFalse(await(repository.updateCredentials(tenant, integration.id(), replaced)));
  }

  @Test
  void storesTheDocumentShapeOfTheContract() {
    String tenant = tenant();
    Integration integration = webhook(tenant, "https://example.com/hook", Optional.of(WebhookSecret.fromHex("DEADbeef")));
    await(repository.insert(integration, 1));

    JsonObject document = await(store.client().findOne("integrations",
        new JsonObject().put("_id", integration.id().toString()), null));
    assertEquals(tenant, document.getString("tenant_id"));
    assertEquals("webhook", document.getString("provider"));
    assertEquals("a hook", document.getString("description"));
    assertNotNull(document.getJsonObject("created_at").getString("$date"));
    JsonObject credentials = document.getJsonObject("credentials");
    assertEquals("http", credentials.getString("type"));
    assertEquals("https://example.com/hook", credentials.getJsonObject("http").getString("url"));
    assertEquals("deadbeef", credentials.getJsonObject("http").getString("secret"), "plaintext secret as hex");
  }

  @Test
  void anEmptySecretIsKeptAndAnAbsentOneStaysAbsent() {
    String tenant = tenant();
    Integration empty = webhook(tenant, "https://example.com/a", Optional.of(WebhookSecret.fromHex("")));
    Integration none = webhook(tenant, "https://example.com/b", Optional.empty());
    await(repository.insert(empty, 2));
    await(repository.insert(none, 2));
    assertEquals(Optional.of(WebhookSecret.fromHex("")),
        await(repository.findById(tenant, empty.id())).orElseThrow().credentials().http().orElseThrow().secret());
    assertEquals(Optional.empty(),
        await(repository.findById(tenant, none.id())).orElseThrow().credentials().http().orElseThrow().secret());
  }

  @Test
  void keepsOtherProvidersCredentialsAsOpaqueFields() {
    String tenant = tenant();
    Integration hub = new Integration(UUID.randomUUID(), tenant, Provider.IOT_HUB,
        new Credentials(CredentialType.SAS, Optional.empty(), Map.of("connection_string", "HostName=x;Key=y")), "");
    await(repository.insert(hub, 1));
    Integration found = await(repository.findById(tenant, hub.id())).orElseThrow();
    assertEquals(Provider.IOT_HUB, found.provider());
    assertEquals(CredentialType.SAS, found.credentials().type());
    assertEquals(Map.of("connection_string", "HostName=x;Key=y"), found.credentials().opaque());
  }

  @Test
  void everyReadAndWriteIsScopedToTheTenant() {
    String owner = tenant();
    String other = tenant();
    Integration integration = webhook(owner, "https://example.com/hook", Optional.empty());
    await(repository.insert(integration, 1));

    assertTrue(await(repository.findById(other, integration.id())).isEmpty());
    assertEquals(List.of(), await(repository.findByTenant(other)));
    Credentials replaced = Credentials.http(new HttpCredentials(URI.create("https://evil.example/"), Optional.empty()));
    assertFalse(await(repository.updateCredentials(other, integration.id(), replaced)));
    assertFalse(await(repository.delete(other, integration.id())));
    await(repository.deleteTenant(other));

    Integration unchanged = await(repository.findById(owner, integration.id())).orElseThrow();
    assertEquals(URI.create("https://example.com/hook"), unchanged.credentials().http().orElseThrow().url());
  }

  @Test
  void theOpenSourceTenantIsTheEmptyString() {
    Integration integration = webhook("", "https://example.com/hook", Optional.empty());
    await(repository.deleteTenant(""));
    await(repository.insert(integration, 1));
    assertEquals(List.of(integration.id()), await(repository.findByTenant("")).stream().map(Integration::id).toList());
    await(repository.deleteTenant(""));
    assertEquals(List.of(), await(repository.findByTenant("")));
  }

  @Test
  void refusesAnIntegrationPastTheTenantLimit() {
    String tenant = tenant();
    await(repository.insert(webhook(tenant, "https://example.com/1", Optional.empty()), 1));

    Throwable second = failure(repository.insert(webhook(tenant, "https://example.com/2", Optional.empty()), 1));
    assertInstanceOf(ApplicationException.Conflict.class, second);
    assertEquals("integration already exists", second.getMessage());

    // the limit is per tenant, and a higher limit admits more
    await(repository.insert(webhook(tenant(), "https://example.com/3", Optional.empty()), 1));
    await(repository.insert(webhook(tenant, "https://example.com/4", Optional.empty()), 2));
    assertInstanceOf(ApplicationException.Conflict.class,
        failure(repository.insert(webhook(tenant, "https://example.com/5", Optional.empty()), 2)));
    assertEquals(2, await(repository.findByTenant(tenant)).size());
  }

  @Test
  void aDuplicateIdIsAConflict() {
    String tenant = tenant();
    Integration integration = webhook(tenant, "https://example.com/1", Optional.empty());
    await(repository.insert(integration, 5));
    assertInstanceOf(ApplicationException.Conflict.class, failure(repository.insert(integration, 5)));
  }

  @Test
  void deleteTenantRemovesOnlyThatTenantsIntegrations() {
    String gone = tenant();
    String kept = tenant();
    await(repository.insert(webhook(gone, "https://example.com/1", Optional.empty()), 3));
    await(repository.insert(webhook(gone, "https://example.com/2", Optional.empty()), 3));
    Integration survivor = webhook(kept, "https://example.com/3", Optional.empty());
    await(repository.insert(survivor, 3));

    await(repository.deleteTenant(gone));
    assertEquals(List.of(), await(repository.findByTenant(gone)));
    assertEquals(List.of(survivor.id()), await(repository.findByTenant(kept)).stream().map(Integration::id).toList());
  }

  @Test
  void listsATenantsIntegrationsOldestFirst() throws InterruptedException {
    String tenant = tenant();
    Integration first = webhook(tenant, "https://example.com/1", Optional.empty());
    Integration second = webhook(tenant, "https://example.com/2", Optional.empty());
    await(repository.insert(first, 5));
    Thread.sleep(5); // distinct created_at milliseconds
    await(repository.insert(second, 5));
    assertEquals(List.of(first.id(), second.id()),
        await(repository.findByTenant(tenant)).stream().map(Integration::id).toList());
  }
}
