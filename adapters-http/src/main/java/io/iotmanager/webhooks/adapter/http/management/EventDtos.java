package io.iotmanager.webhooks.adapter.http.management;

import io.iotmanager.webhooks.adapter.http.web.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotmanager.webhooks.domain.Attempt;
import io.iotmanager.webhooks.domain.DeliveryState;
import io.iotmanager.webhooks.domain.DeliveryStatus;
import io.iotmanager.webhooks.domain.EventRecord;
import io.iotmanager.webhooks.domain.EventTime;
import java.util.List;

/** The events log item of A7/B3: the stored webhook body plus {@code delivery_statuses}. */
final class EventDtos {
  private EventDtos() {}

  static ObjectNode item(EventRecord record) {
    JsonNode body = Json.tree(record.event().body());
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("id", body.get("id"));
    out.set("type", body.get("type"));
    out.set("data", body.get("data"));
    out.set("time", body.get("time"));
    ArrayNode statuses = out.putArray("delivery_statuses");
    for (DeliveryStatus d : record.deliveries()) {
      ObjectNode s = statuses.addObject();
      s.put("integration_id", d.integrationId().toString());
      s.put("success", d.success());
      d.statusCode().ifPresent(code -> s.put("status_code", code));
      d.error().ifPresent(error -> s.put("error", error));
      s.put("state", d.state().wireName());
      s.put("attempts", d.attempts());
      if (d.state() == DeliveryState.PENDING) {
        d.nextAttemptAt().ifPresent(at -> s.put("next_attempt_at", EventTime.format(at)));
      }
    }
    return out;
  }

  static ArrayNode attempts(List<Attempt> attempts) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    for (Attempt a : attempts) {
      ObjectNode o = array.addObject();
      o.put("integration_id", a.integrationId().toString());
      o.put("attempt", a.attempt());
      o.put("time", EventTime.format(a.time()));
      a.statusCode().ifPresent(code -> o.put("status_code", code));
      a.error().ifPresent(error -> o.put("error", error));
      o.put("duration_ms", a.durationMs());
      o.put("trigger", a.trigger().wireName());
    }
    return array;
  }

  static ArrayNode items(List<EventRecord> records) {
    ArrayNode array = Json.MAPPER.createArrayNode();
    records.forEach(r -> array.add(item(r)));
    return array;
  }
}
