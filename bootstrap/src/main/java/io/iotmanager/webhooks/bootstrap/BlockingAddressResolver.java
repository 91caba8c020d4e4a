package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.application.port.out.AddressResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;

/** Resolves names with the JDK resolver (the system's, /etc/hosts included) on a worker thread. */
final class BlockingAddressResolver implements AddressResolver {
  private final Vertx vertx;

  BlockingAddressResolver(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<List<InetAddress>> resolve(String host) {
    return vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
  }
}
