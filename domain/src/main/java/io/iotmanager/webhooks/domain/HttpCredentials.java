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
   * Parses a stored URL, as lenient as the constructor: it may predate the rules of {@link WebhookUrl}.
   * A URL a user sends goes through {@link WebhookUrl#parseNew} instead.
   *
   * @throws DomainValidationException when it is blank or does not parse
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

  /** The URL as it may be shown or logged: a password in it is masked ({@link WebhookUrl#masked}). */
  public String shownUrl() {
    return WebhookUrl.masked(url);
  }

  /** Masks a password of the URL and omits the secret, so neither leaks through logs. */
  @Override
  public String toString() {
    return "HttpCredentials[url=" + shownUrl() + ", secret=" + secret.map(s -> WebhookSecret.OMITTED).orElse("none")
        + "]";
  }
}
