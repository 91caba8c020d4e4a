package io.iotmanager.webhooks.adapter.http.web;

import io.vertx.ext.web.Router;

/**
 * A group of routes of the HTTP API. Each group (integrations, events, intake, console, metrics)
 * implements it, receives only the use cases it calls, and mounts its routes on the one router that
 * the server builds; the server adds the shared behaviour (request ids, body limit, JSON errors).
 */
public interface Endpoint {
  void mount(Router router);
}
