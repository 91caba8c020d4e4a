package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Bounded;
import io.iotmanager.webhooks.adapter.http.testing.ContractCheck;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.http.HttpResponse;

/**
 * The end-to-end tests' calls checked against the OpenAPI documents, as the route tests' are: one
 * validator per test JVM, on a Vert.x instance of its own.
 */
final class Contract {
  private static final Vertx VERTX = Vertx.vertx();
  private static final ContractCheck CHECK = ContractCheck.load(VERTX);

  private Contract() {}

  /** The response, once it matches the document of its API; else an AssertionError naming the mismatch. */
  static HttpResponse<String> checked(String method, String path, HttpResponse<String> response) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    response.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(name, v)));
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    Bounded.await(CHECK.check(HttpMethod.valueOf(method), bare, response.statusCode(), headers,
        Buffer.buffer(response.body())), 10);
    return response;
  }
}
