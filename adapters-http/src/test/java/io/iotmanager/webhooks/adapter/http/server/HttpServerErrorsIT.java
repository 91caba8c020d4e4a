package io.iotmanager.webhooks.adapter.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iotmanager.webhooks.adapter.http.web.Endpoint;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every error status the server produces carries {@code {error, request_id}} as JSON and the request id
 * header, including those the HTTP decoder produces before any route runs (414, 431, 400) and the body
 * limit's 413. Raw requests over a real socket, so nothing in between tidies them up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpServerErrorsIT {
  private static final long LIMIT = 1024;
  private static Vertx vertx;
  private static int port;

  private record Reply(int status, Map<String, String> headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Endpoint echo = router -> router.post("/echo").handler(ctx -> ctx.response().setStatusCode(204).end());
    vertx.deployVerticle(HttpApi.serverVerticle(new HttpSettings("127.0.0.1", port, LIMIT), List.of(echo)))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static Reply raw(String head, byte[] body) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
      } catch (java.io.IOException e) {
        // the server may answer and close before it has read everything: read what it said
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      try {
        while ((n = in.read(buffer)) > 0) {
          all.write(buffer, 0, n);
          if (complete(all.toString(StandardCharsets.ISO_8859_1))) {
            break;
          }
        }
      } catch (java.net.SocketException e) {
        // a reset after the answer: keep what arrived
      }
      return parse(all.toString(StandardCharsets.UTF_8));
    }
  }

  private static boolean complete(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String length = parse(text).headers().get("content-length");
    return length != null && text.length() - end - 4 >= Integer.parseInt(length);
  }

  private static Reply parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    assertTrue(end > 0, "no complete answer: " + text);
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
  }

  private static void assertJsonError(Reply reply, int status, String message) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals("application/json; charset=utf-8", reply.headers().get("content-type"), reply.toString());
    JsonObject json = reply.json();
    assertEquals(message, json.getString("error"), reply.toString());
    String id = json.getString("request_id");
    assertFalse(id == null || id.isBlank(), reply.toString());
    assertEquals(id, reply.headers().get("x-men-requestid"), reply.toString());
  }

  @Test
  void aVeryLongUriIs414WithTheJsonError() throws Exception {
    Reply reply = raw("GET /" + "a".repeat(16 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]);
    assertJsonError(reply, 414, "request URI too long");
  }

  @Test
  void aHeaderOf64KbIs431WithTheJsonErrorAndTheGivenRequestId() throws Exception {
    Reply reply = raw("GET /echo HTTP/1.1\r\nHost: x\r\nX-MEN-RequestID: given-id-1\r\nX-Big: "
        + "b".repeat(64 * 1024) + "\r\n\r\n", new byte[0]);
    assertJsonError(reply, 431, "request header fields too large");
  }

  @Test
  void aRequestTheDecoderCannotReadIs400WithTheJsonError() throws Exception {
    Reply reply = raw("GET /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
        new byte[0]);
    assertJsonError(reply, 400, "malformed HTTP request");
  }

  @Test
  void aDeclaredBodyOverTheLimitIs413WithTheJsonError() throws Exception {
    byte[] body = new byte[(int) LIMIT + 1];
    Reply reply = raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length + "\r\n\r\n", body);
    assertJsonError(reply, 413, "request body too large");
  }

  @Test
  void aChunkedBodyOverTheLimitIs413WithTheJsonError() throws Exception {
    String chunk = "x".repeat((int) LIMIT);
    String chunked = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
        + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
    Reply reply = raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n", chunked.getBytes(StandardCharsets.US_ASCII));
    assertJsonError(reply, 413, "request body too large");
  }

  @Test
  void oddRequestLinesStillGetTheJsonError() throws Exception {
    for (String line : new String[] {"GET /%zz HTTP/1.1", "GET /echo%00 HTTP/1.1", "FOO /echo HTTP/1.1",
        "GET /../../etc/passwd HTTP/1.1", "GET * HTTP/1.1"}) {
      Reply reply = raw(line + "\r\nHost: x\r\nConnection: close\r\n\r\n", new byte[0]);
      assertTrue(reply.status() >= 400 && reply.status() < 500, line + " -> " + reply);
      assertJsonError(reply, reply.status(), reply.json().getString("error"));
    }
  }

  @Test
  void routerErrorsKeepTheirJsonToo() throws Exception {
    assertJsonError(raw("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", new byte[0]), 404,
        "not found");
    assertJsonError(raw("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", new byte[0]), 405,
        "method not allowed");
    Reply ok = raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", new byte[0]);
    assertEquals(204, ok.status(), "the server itself works");
  }
}
