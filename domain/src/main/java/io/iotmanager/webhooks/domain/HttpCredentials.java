package io.iotmanager.webhooks.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** Where and how a webhook is sent: the URL and an optional signing secret. */
public record HttpCredentials(URI url, Optional<WebhookSecret> secret) {
  public HttpCredentials {
    if (url == null) {
      throw new DomainValidationException("url: cannot be blank");
    }
    if (secret == null) {
      secret = Optional.empty();
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new DomainValidationException("url: scheme must be http or https");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new DomainValidationException("url: must have a host");
    }
  }

  /**
   * Parses and checks a URL as typed by a user.
   *
   * @throws DomainValidationException when it is blank, does not parse, or is not http(s) with a host
   */
  public static URI parseUrl(String text) {
    if (text == null || text.isBlank()) {
      throw new DomainValidationException("url: cannot be blank");
    }
    try {
      return new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new DomainValidationException("url: must be a valid URL");
    }
  }

  public String host() {
    return url.getHost();
  }
}
