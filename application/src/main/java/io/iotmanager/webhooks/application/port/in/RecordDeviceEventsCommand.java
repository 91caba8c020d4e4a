package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.EventType;
import java.util.List;

/** Record one event of a type per device, for a tenant. At most {@link #MAX_DEVICES} devices per call. */
public record RecordDeviceEventsCommand(String tenantId, EventType type, List<DeviceEventData> devices) {
  public static final int MAX_DEVICES = 100;

  public RecordDeviceEventsCommand {
    if (tenantId == null || type == null || devices == null) {
      throw new DomainValidationException("tenant, type and devices are required");
    }
    IdLimits.check("tenant ID", tenantId);
    if (devices.size() > MAX_DEVICES) {
      throw new DomainValidationException("too many devices: at most " + MAX_DEVICES + " per request");
    }
    devices = List.copyOf(devices);
  }
}
