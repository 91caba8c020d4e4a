package io.iotmanager.webhooks.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP forwarder on {@code 127.0.0.1} in front of a server (here: MongoDB), so a test can take the
 * server away from a running service and give it back, on the same port:
 * {@link #cut()} refuses new connections and drops every open one (the server is down),
 * {@link #blackHole()} keeps accepting but never forwards a byte (the server hangs),
 * {@link #restore()} forwards again.
 */
final class TcpProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tcp-proxy");
    t.setDaemon(true);
    return t;
  });
  private volatile ServerSocket server;
  private volatile boolean blackHole;
  private volatile int port;

  private TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  /** Starts forwarding from an ephemeral port to {@code host:port}. */
  static TcpProxy start(String host, int port) throws IOException {
    TcpProxy proxy = new TcpProxy(host, port);
    proxy.listen();
    return proxy;
  }

  int port() {
    return port;
  }

  /** The server is down: new connections are refused, open ones are closed. */
  synchronized void cut() {
    closeQuietly(server);
    dropConnections();
  }

  /** The server hangs: connections are accepted and kept, nothing is forwarded either way. */
  synchronized void blackHole() {
    blackHole = true;
  }

  /** Forwards again; connections from before (maybe out of step after a black hole) are dropped. */
  synchronized void restore() throws IOException {
    blackHole = false;
    dropConnections();
    if (server == null || server.isClosed()) {
      listen();
    }
  }

  @Override
  public synchronized void close() {
    cut();
    threads.shutdownNow();
  }

  private void listen() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress("127.0.0.1", port));
    port = s.getLocalPort();
    server = s;
    threads.execute(() -> accept(s));
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // closed by cut()
      }
      open.add(client);
      try {
        Socket upstream = new Socket(targetHost, targetPort);
        open.add(upstream);
        threads.execute(() -> pump(client, upstream));
        threads.execute(() -> pump(upstream, client));
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!blackHole) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // one side closed: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private void dropConnections() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
