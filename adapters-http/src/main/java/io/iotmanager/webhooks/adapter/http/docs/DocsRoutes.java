package io.iotmanager.webhooks.adapter.http.docs;

import io.iotmanager.webhooks.adapter.http.web.ApiPaths;
import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The wire contract as OpenAPI 3 documents (docs/openapi in the repository, packaged in the jar under
 * {@code openapi/}): {@code GET /api/management/v1/iot-manager/openapi.yaml} and
 * {@code GET /api/internal/v1/iot-manager/openapi.yaml}. No authentication: the contract is public.
 */
public final class DocsRoutes implements Endpoint {
  public static final String MANAGEMENT_DOCUMENT = "openapi/management-v1.yaml";
  public static final String INTERNAL_DOCUMENT = "openapi/internal-v1.yaml";
  static final String CONTENT_TYPE = "application/yaml; charset=utf-8";

  private final Buffer management;
  private final Buffer internal;

  public DocsRoutes() {
    this.management = resource(MANAGEMENT_DOCUMENT);
    this.internal = resource(INTERNAL_DOCUMENT);
  }

  @Override
  public void mount(Router router) {
    router.get(ApiPaths.MANAGEMENT + "/openapi.yaml").handler(ctx ->
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(management));
    router.get(ApiPaths.INTERNAL + "/openapi.yaml").handler(ctx ->
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(internal));
  }

  /** A document from the classpath; it is part of the build, so its absence is a packaging error. */
  public static Buffer resource(String name) {
    try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " (docs/openapi is copied in at build time)");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
