package io.iotmanager.webhooks.bootstrap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** SIGTERM and SIGINT run a graceful stop and then exit 0, as the operations contract (B6) asks. */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  static void onTermination(Runnable stopAndExit) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), sig -> {
          Thread t = new Thread(stopAndExit, "signal-" + name);
          t.start();
        });
      } catch (IllegalArgumentException e) {
        LOG.warn("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
  }
}
