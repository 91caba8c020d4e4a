package io.iotmanager.webhooks.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where and how a webhook is sent: the URL, an optional signing secret and, after the secret was
 * changed, the previous secret while its overlap lasts ({@link PreviousSecret}).
 */
public record HttpCredentials(URI url, Optional<WebhookSecret> secret, Optional<PreviousSecret> previousSecret) {
  public HttpCredentials {
    if (url == null) {
      throw new DomainValidationException("url: cannot be blank");
    }
    if (secret == null) {
      secret = Optional.empty();
    }
    // a previous secret only means something next to a current one
    previousSecret = previousSecret == null || secret.isEmpty() ? Optional.empty() : previousSecret;
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

  /** Without a previous secret. */
  public HttpCredentials(URI url, Optional<WebhookSecret> secret) {
    this(url, secret, Optional.empty());
  }

  public HttpCredentials withPreviousSecret(Optional<PreviousSecret> previous) {
    return new HttpCredentials(url, secret, previous);
  }

  /**
   * The secrets a request that starts at {@code at} is signed with: none without a secret; else the
   * secret, followed by the previous one while it is valid at {@code at} (and differs from it).
   */
  public List<WebhookSecret> signingSecrets(Instant at) {
    if (secret.isEmpty()) {
      return List.of();
    }
    return previousSecret.filter(p -> p.isValidAt(at) && !p.secret().equals(secret.get()))
        .map(p -> List.of(secret.get(), p.secret()))
        .orElseGet(() -> List.of(secret.get()));
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
        + previousSecret.map(p -> ", previousSecret=" + p).orElse("") + "]";
  }
}
