package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.Attempt;
import io.vertx.core.Future;
import java.util.List;

/** Every attempt of an event, oldest first; fails with NotFound for an unknown or another tenant's event. */
public interface ListAttemptsUseCase {
  Future<List<Attempt>> listAttempts(EventQuery query);
}
