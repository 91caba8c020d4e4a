package io.iotmanager.webhooks.bootstrap;

/** The service version, from the fat jar's manifest. */
final class Version {
  private Version() {}

  static String current() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
