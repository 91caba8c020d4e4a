package io.iotmanager.webhooks.adapter.http.web;

/** The base paths of the two APIs. */
public final class ApiPaths {
  /** The management API (JWT). */
  public static final String MANAGEMENT = "/api/management/v1/iot-manager";
  /** The internal API (no authentication; never exposed publicly). */
  public static final String INTERNAL = "/api/internal/v1/iot-manager";

  private ApiPaths() {}
}
