package io.iotmanager.webhooks.adapter.http.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iotmanager.webhooks.adapter.http.intake.DeviceDtos.DeviceRequest;
import io.iotmanager.webhooks.adapter.http.web.Json;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Webhook data is written as iot-manager's Go encoder writes it, so bodies match byte for byte. */
class DeviceDtosTest {
  @Test
  void escapesHtmlCharactersAndLineSeparatorsAndSortsIdentityKeysAsGoDoes() {
    DeviceRequest device = Json.read(Buffer.buffer("{\"id\":\"a<b>&c\u2028\",\"auth_sets\":[{\"id\":\"s\","
        + "\"device_id\":\"a\",\"identity_data\":{\"z\":\"1\",\"a\":\"<x>\"},\"pubkey\":\"k\",\"status\":\"ok\"}]}"),
        DeviceRequest.class);
    assertEquals("{\"id\":\"a\\u003cb\\u003e\\u0026c\\u2028\",\"auth_sets\":[{\"id\":\"s\",\"device_id\":\"a\","
        + "\"identity_data\":{\"a\":\"\\u003cx\\u003e\",\"z\":\"1\"},\"pubkey\":\"k\",\"status\":\"ok\"}]}",
        DeviceDtos.provisioned(device).json());
  }

  @Test
  void statusChangeAndDecommissionCarryOnlyTheirFields() {
    assertEquals("{\"id\":\"d1\",\"status\":\"rejected\"}", DeviceDtos.statusChanged("d1", "rejected").json());
    assertEquals("{\"id\":\"d1\"}", DeviceDtos.idOnly("d1").json());
  }
}
