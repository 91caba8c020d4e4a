package io.iotmanager.webhooks.adapter.http.webhook;

import io.iotmanager.webhooks.application.port.out.AddressResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.InetAddress;
import java.util.List;

/**
 * Resolves names with the JDK resolver (the system's, /etc/hosts included) on a worker pool of its own,
 * so slow name servers cannot starve the workers others (the embedded store among them) need. The one
 * resolver of the service: the save-time address check and the dialler both use it.
 */
final class BlockingAddressResolver implements AddressResolver {
  private static final int THREADS = 8;
  private final WorkerExecutor pool;

  BlockingAddressResolver(Vertx vertx) {
    this.pool = vertx.createSharedWorkerExecutor("address-resolver", THREADS);
  }

  @Override
  public Future<List<InetAddress>> resolve(String host) {
    return pool.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
  }
}
