package io.iotmanager.webhooks.application.port.in;

import io.iotmanager.webhooks.domain.DomainValidationException;
import java.util.Optional;
import java.util.UUID;

/** A page of a tenant's events log, newest first, optionally for one integration. */
public record EventsQuery(String tenantId, int page, int perPage, Optional<UUID> integrationId) {
  public static final int MAX_PER_PAGE = 500;

  public EventsQuery {
    if (tenantId == null) {
      throw new DomainValidationException("tenant: cannot be null");
    }
    if (page < 1) {
      throw new DomainValidationException("invalid page query: value must be a non-zero positive integer");
    }
    if (perPage < 1) {
      throw new DomainValidationException("invalid per_page query: value must be a non-zero positive integer");
    }
    if (perPage > MAX_PER_PAGE) {
      throw new DomainValidationException("parameter \"per_page\" above limit (max: " + MAX_PER_PAGE + ")");
    }
    integrationId = integrationId == null ? Optional.empty() : integrationId;
  }
}
