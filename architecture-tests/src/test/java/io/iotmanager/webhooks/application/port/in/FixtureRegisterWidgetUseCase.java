package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.fixtures.Widget;
import io.vertx.core.Future;

/**
 * Compliant fixture: an in-port. It has to live exactly in {@code application.port.in} (not in a
 * {@code fixtures} sub-package) to satisfy the use-case naming rule; the {@code Fixture} prefix keeps
 * it apart from the production use cases, and the real check never sees it (test classes are not
 * imported there).
 */
public interface FixtureRegisterWidgetUseCase {
  Future<Widget> register(String name);
}
