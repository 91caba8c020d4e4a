package io.iotmanager.webhooks.adapter.http.intake;

import io.iotmanager.webhooks.adapter.http.intake.DeviceDtos.DeviceRequest;
import io.iotmanager.webhooks.adapter.http.intake.DeviceDtos.StatusItem;
import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.iotmanager.webhooks.adapter.http.web.Failures;
import io.iotmanager.webhooks.adapter.http.web.Json;
import io.iotmanager.webhooks.adapter.http.web.Replies;
import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.application.port.in.CheckHealthUseCase;
import io.iotmanager.webhooks.application.port.in.DeleteTenantUseCase;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsUseCase;
import io.iotmanager.webhooks.application.port.in.DeleteTenantCommand;
import io.iotmanager.webhooks.application.port.in.DeviceEventData;
import io.iotmanager.webhooks.application.port.in.RecordDeviceEventsCommand;
import io.iotmanager.webhooks.application.port.out.DeliveryMetrics;
import io.iotmanager.webhooks.domain.DeviceStatus;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.iotmanager.webhooks.domain.EventType;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The internal API (A4), called by device-auth: no authentication, never to be exposed publicly. The
 * tenant path segment may be empty ({@code /tenants//devices}), as open-source Mender sends it.
 */
public final class IntakeRoutes implements Endpoint {
  static final String MISSING_DEVICE_ID = "missing device ID";

  private final RecordDeviceEventsUseCase recordDeviceEvents;
  private final DeleteTenantUseCase deleteTenant;
  private final CheckHealthUseCase checkHealth;
  private final DeliveryMetrics metrics;

  public IntakeRoutes(RecordDeviceEventsUseCase recordDeviceEvents, DeleteTenantUseCase deleteTenant,
      CheckHealthUseCase checkHealth, DeliveryMetrics metrics) {
    this.recordDeviceEvents = recordDeviceEvents;
    this.deleteTenant = deleteTenant;
    this.checkHealth = checkHealth;
    this.metrics = metrics;
  }

  private static final Pattern PROVISION = Pattern.compile("([^/]*)/devices");
  private static final Pattern DECOMMISSION = Pattern.compile("([^/]*)/devices/([^/]+)");
  private static final Pattern BULK_STATUS = Pattern.compile("([^/]*)/bulk/devices/status/([^/]*)");
  private static final Pattern TENANT = Pattern.compile("([^/]*)");

  @Override
  public void mount(Router router) {
    String base = ApiPaths.INTERNAL;
    router.get(base + "/alive").handler(ctx -> Replies.empty(ctx, 204));
    router.get(base + "/health").handler(ctx ->
        Replies.when(ctx, checkHealth.checkHealth(), v -> Replies.empty(ctx, 204)));
    String prefix = base + "/tenants/";
    router.route(base + "/tenants*").handler(ctx -> tenants(ctx, prefix));
  }

  /**
   * The tenant routes, matched on the raw path: the router sees a normalized path in which the empty
   * tenant of {@code /tenants//devices} has collapsed away.
   */
  private void tenants(RoutingContext ctx, String prefix) {
    String raw = ctx.request().path();
    if (!raw.startsWith(prefix)) {
      ctx.next();
      return;
    }
    String rest = raw.substring(prefix.length());
    HttpMethod method = ctx.request().method();
    Matcher provision = PROVISION.matcher(rest);
    Matcher decommission = DECOMMISSION.matcher(rest);
    Matcher bulk = BULK_STATUS.matcher(rest);
    Matcher tenant = TENANT.matcher(rest);
    if (provision.matches()) {
      dispatch(ctx, method, HttpMethod.POST, () -> provision(ctx, decode(provision.group(1))));
    } else if (decommission.matches()) {
      dispatch(ctx, method, HttpMethod.DELETE,
          () -> decommission(ctx, decode(decommission.group(1)), decode(decommission.group(2))));
    } else if (bulk.matches()) {
      dispatch(ctx, method, HttpMethod.PUT, () -> bulkStatus(ctx, decode(bulk.group(1)), decode(bulk.group(2))));
    } else if (tenant.matches()) {
      dispatch(ctx, method, HttpMethod.DELETE, () -> deleteTenant(ctx, decode(tenant.group(1))));
    } else {
      Failures.respond(ctx, 404, "not found");
    }
  }

  private static void dispatch(RoutingContext ctx, HttpMethod actual, HttpMethod expected, Runnable handler) {
    if (!actual.equals(expected)) {
      Failures.respond(ctx, 405, "method not allowed");
      return;
    }
    handler.run();
  }

  private static String decode(String segment) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new DomainValidationException("malformed path segment");
    }
  }

  private void provision(RoutingContext ctx, String tenant) {
    DeviceRequest device = Json.read(ctx.body().buffer(), DeviceRequest.class);
    String id = device.effectiveId();
    if (id == null || id.isEmpty()) {
      throw new DomainValidationException(MISSING_DEVICE_ID);
    }
    record(ctx, tenant, EventType.DEVICE_PROVISIONED, List.of(new DeviceEventData(id, DeviceDtos.provisioned(device))));
  }

  private void decommission(RoutingContext ctx, String tenant, String device) {
    record(ctx, tenant, EventType.DEVICE_DECOMMISSIONED,
        List.of(new DeviceEventData(device, DeviceDtos.idOnly(device))));
  }

  private void bulkStatus(RoutingContext ctx, String tenant, String status) {
    if (DeviceStatus.fromWire(status).isEmpty()) {
      throw new DomainValidationException("invalid status '" + status + "'");
    }
    StatusItem[] items = Json.read(ctx.body().buffer(), StatusItem[].class);
    if (items.length > RecordDeviceEventsCommand.MAX_DEVICES) {
      throw new DomainValidationException("too many bulk items: max " + RecordDeviceEventsCommand.MAX_DEVICES
          + " items per request");
    }
    List<DeviceEventData> devices = new ArrayList<>(items.length);
    for (StatusItem item : items) {
      String id = item == null ? null : item.effectiveId();
      if (id == null || id.isEmpty()) {
        throw new DomainValidationException(MISSING_DEVICE_ID);
      }
      devices.add(new DeviceEventData(id, DeviceDtos.statusChanged(id, status)));
    }
    record(ctx, tenant, EventType.DEVICE_STATUS_CHANGED, devices);
  }

  private void deleteTenant(RoutingContext ctx, String tenant) {
    Replies.when(ctx, deleteTenant.deleteTenant(new DeleteTenantCommand(tenant)),
        v -> Replies.empty(ctx, 204));
  }

  private void record(RoutingContext ctx, String tenant, EventType type, List<DeviceEventData> devices) {
    RecordDeviceEventsCommand command = new RecordDeviceEventsCommand(tenant, type, devices);
    Replies.when(ctx, recordDeviceEvents.recordDeviceEvents(command)
        .onFailure(error -> {
          if (error instanceof ApplicationException.Overloaded) {
            metrics.rejected(devices.size());
          }
        }), stored -> {
          metrics.accepted(stored);
          Replies.empty(ctx, 202);
        });
  }
}
