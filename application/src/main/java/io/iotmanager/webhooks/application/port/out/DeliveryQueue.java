package io.iotmanager.webhooks.application.port.out;

import io.iotmanager.webhooks.domain.EventRecord;
import java.util.List;

/**
 * The in-process hand-off from intake to the dispatcher: events stored and claimed at birth by this
 * instance. Never fails: work that cannot be taken now is found again in the store once its lease
 * expires.
 */
public interface DeliveryQueue {
  void submit(List<EventRecord> stored);
}
