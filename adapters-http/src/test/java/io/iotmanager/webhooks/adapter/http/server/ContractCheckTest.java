package io.iotmanager.webhooks.adapter.http.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.testing.Bounded;
import io.iotmanager.webhooks.adapter.http.testing.ContractCheck;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The validator wiring itself: right responses pass, a deliberately wrong one fails the test. */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class ContractCheckTest {
  static final String BASE = ContractCheck.MANAGEMENT_BASE;
  static final String INTEGRATION = "{\"id\":\"9540153b-7a76-43e8-9b3e-627c8e85da93\",\"provider\":\"webhook\","
      + "\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"https://x.example/y\",\"secret\":\"<omitted>\"}}}";
  static ContractCheck contract;

  @BeforeAll
  static void load(Vertx vertx) {
    contract = ContractCheck.load(vertx);
  }

  static MultiMap json() {
    return MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json; charset=utf-8")
        .add("X-Men-Requestid", "r-1");
  }

  static void passes(Future<Void> check) {
    Bounded.await(check, 10);
  }

  static void fails(Future<Void> check, String why) {
    AssertionError error = assertThrows(AssertionError.class, () -> Bounded.await(check, 10));
    assertTrue(error.getMessage().contains("does not match") || error.getMessage().contains(why), error.getMessage());
  }

  @Test
  void aResponseAsDocumentedPasses() {
    passes(contract.check(HttpMethod.GET, BASE + "/integrations", 200, json(), Buffer.buffer("[" + INTEGRATION + "]")));
    passes(contract.check(HttpMethod.GET, BASE + "/integrations/9540153b-7a76-43e8-9b3e-627c8e85da93", 404, json(),
        Buffer.buffer("{\"error\":\"integration not found\",\"request_id\":\"r-1\"}")));
    passes(contract.check(HttpMethod.DELETE, ContractCheck.INTERNAL_BASE + "/tenants/t1/devices/d1", 202,
        MultiMap.caseInsensitiveMultiMap().add("X-Men-Requestid", "r-1"), Buffer.buffer()));
  }

  @Test
  void anIntegrationWithoutItsProviderFails() {
    String wrong = INTEGRATION.replace("\"provider\":\"webhook\",", "");
    fails(contract.check(HttpMethod.GET, BASE + "/integrations", 200, json(), Buffer.buffer("[" + wrong + "]")), "");
  }

  @Test
  void anErrorBodyWithAnExtraFieldFails() {
    fails(contract.check(HttpMethod.GET, BASE + "/integrations/x", 400, json(),
        Buffer.buffer("{\"error\":\"bad\",\"request_id\":\"r-1\",\"detail\":\"x\"}")), "");
  }

  @Test
  void anUndocumentedStatusFails() {
    fails(contract.check(HttpMethod.GET, BASE + "/integrations", 418, json(),
        Buffer.buffer("{\"error\":\"teapot\",\"request_id\":\"r-1\"}")), "");
  }

  @Test
  void aCreatedWithoutLocationFails() {
    fails(contract.check(HttpMethod.POST, BASE + "/integrations", 201,
        MultiMap.caseInsensitiveMultiMap().add("X-Men-Requestid", "r-1"), Buffer.buffer()), "");
  }

  @Test
  void aResponseWithoutTheRequestIdFails() {
    fails(contract.check(HttpMethod.GET, BASE + "/integrations", 200,
        MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json"), Buffer.buffer("[]")), "");
  }

  @Test
  void aDeliveryStatusWithAnUnknownStateFails() {
    String event = "{\"id\":\"9540153b-7a76-43e8-9b3e-627c8e85da93\",\"type\":\"device-provisioned\","
        + "\"data\":{\"id\":\"d1\"},\"time\":\"2024-01-01T00:00:00Z\",\"delivery_statuses\":[{\"integration_id\":"
        + "\"9540153b-7a76-43e8-9b3e-627c8e85da93\",\"success\":false,\"state\":\"lost\",\"attempts\":1}]}";
    passes(contract.check(HttpMethod.GET, BASE + "/events", 200, json(),
        Buffer.buffer("[" + event.replace("lost", "failed") + "]")));
    fails(contract.check(HttpMethod.GET, BASE + "/events", 200, json(), Buffer.buffer("[" + event + "]")), "");
  }

  @Test
  void anUndocumentedRouteAnswersOnlyTheSharedErrors() {
    passes(contract.check(HttpMethod.GET, BASE + "/nowhere", 404, json(),
        Buffer.buffer("{\"error\":\"not found\",\"request_id\":\"r-1\"}")));
    fails(contract.check(HttpMethod.GET, BASE + "/nowhere", 200, json(), Buffer.buffer("[]")), "no operation");
  }
}
