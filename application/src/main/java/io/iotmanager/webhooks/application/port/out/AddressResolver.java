package io.iotmanager.webhooks.application.port.out;

import io.vertx.core.Future;
import java.net.InetAddress;
import java.util.List;

/** Resolves a host name to every address it has. */
public interface AddressResolver {
  /** Fails with {@code java.net.UnknownHostException} when the name does not resolve. */
  Future<List<InetAddress>> resolve(String host);
}
