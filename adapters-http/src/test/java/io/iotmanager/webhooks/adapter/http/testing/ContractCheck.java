package io.iotmanager.webhooks.adapter.http.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The wire contract, enforced: every response a test receives is validated against the OpenAPI document
 * of its API (docs/openapi/management-v1.yaml, internal-v1.yaml, on the classpath as {@code openapi/...})
 * with Vert.x's {@link ResponseValidator}: status code declared for the operation, declared headers
 * present and well-formed, body matching the schema of its content type. A response of no documented
 * operation (an unknown route, a wrong method) is checked as a bare error body.
 */
public final class ContractCheck {
  public static final String MANAGEMENT_BASE = "/api/management/v1/iot-manager";
  public static final String INTERNAL_BASE = "/api/internal/v1/iot-manager";

  private static final String YAML = "application/yaml";

  private final OpenAPIContract management;
  private final OpenAPIContract internal;
  private final ResponseValidator managementValidator;
  private final ResponseValidator internalValidator;

  private ContractCheck(Vertx vertx, OpenAPIContract management, OpenAPIContract internal) {
    this.management = management;
    this.internal = internal;
    this.managementValidator = ResponseValidator.create(vertx, management);
    this.internalValidator = ResponseValidator.create(vertx, internal);
  }

  /** Loads both documents from the classpath. */
  public static ContractCheck load(Vertx vertx) {
    return load(vertx, document("openapi/management-v1.yaml"), document("openapi/internal-v1.yaml"));
  }

  /** Checks against these documents (as JSON trees), e.g. a deliberately wrong one in a test of this class. */
  public static ContractCheck load(Vertx vertx, JsonObject management, JsonObject internal) {
    Future<ContractCheck> loaded = Future.all(OpenAPIContract.from(vertx, management), OpenAPIContract.from(vertx, internal))
        .map(all -> new ContractCheck(vertx, all.resultAt(0), all.resultAt(1)));
    return Bounded.await(loaded, 30);
  }

  public static JsonObject document(String resource) {
    try (InputStream in = ContractCheck.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("not on the classpath: " + resource);
      }
      // Vert.x's validator knows no YAML bodies: the documents' own media type is checked as text
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\"" + YAML, "\"text/plain");
      Map<String, Object> tree = new Yaml().load(text);
      return new JsonObject(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fails (with the validator's reason) when the response does not match the document. {@code path} is
   * the request path without its query; an empty tenant segment ({@code /tenants//devices}) is looked up
   * as the path parameter it is.
   */
  public Future<Void> check(HttpMethod method, String path, int status, MultiMap headers, Buffer body) {
    boolean internalApi = path.startsWith(INTERNAL_BASE);
    OpenAPIContract contract = internalApi ? internal : path.startsWith(MANAGEMENT_BASE) ? management : null;
    if (contract == null) {
      return Future.succeededFuture(); // /metrics, /ui: outside both documents
    }
    String lookup = path.replaceAll("(?<=/tenants/)(?=/|$)", "_");
    Operation operation = contract.findOperation(lookup, method);
    String contentType = headers.get("Content-Type");
    if (contentType != null && contentType.startsWith(YAML)) {
      contentType = "text/plain" + contentType.substring(YAML.length());
    }
    if (contentType != null) {
      // media types are looked up by name and charset only (Prometheus adds version=0.0.4)
      contentType = contentType.replaceAll(";\\s*version=[^;]*", "");
    }
    if (operation == null) {
      return bareError(method, path, status, contentType, body);
    }
    Map<String, String> flat = new LinkedHashMap<>();
    // the validator reads a header value as JSON when it can, else as a string that must not hold quotes:
    // a value with quotes (WWW-Authenticate) is handed over as the JSON string it is
    headers.forEach(h -> flat.putIfAbsent(h.getKey(),
        h.getValue().contains("\"") ? io.vertx.core.json.Json.encode(h.getValue()) : h.getValue()));
    ValidatableResponse response = body == null || body.length() == 0
        ? ValidatableResponse.create(status, flat)
        : ValidatableResponse.create(status, flat, body, contentType);
    ResponseValidator validator = internalApi ? internalValidator : managementValidator;
    return validator.validate(response, operation.getOperationId()).<Void>mapEmpty().recover(e -> Future.failedFuture(
        new AssertionError(method + " " + path + " -> " + status + " does not match the OpenAPI document ("
            + operation.getOperationId() + "): " + e.getMessage() + "\nbody: " + (body == null ? "" : body), e)));
  }

  /** Outside any documented operation only the shared errors exist: 404, 405, 413 with {error, request_id}. */
  private static Future<Void> bareError(HttpMethod method, String path, int status, String contentType, Buffer body) {
    try {
      if (status != 404 && status != 405 && status != 413 && status != 400) {
        throw new AssertionError("no operation " + method + " " + path + " in the OpenAPI documents, yet " + status);
      }
      if (!"application/json; charset=utf-8".equals(contentType)) {
        throw new AssertionError(method + " " + path + " -> " + status + ": content type " + contentType);
      }
      JsonObject error = new JsonObject(body);
      if (!error.fieldNames().equals(java.util.Set.of("error", "request_id"))) {
        throw new AssertionError(method + " " + path + " -> " + status + ": not an error body: " + body);
      }
      return Future.succeededFuture();
    } catch (AssertionError | RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
