package io.iotmanager.webhooks.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules a webhook URL must meet when it is saved (new or changed): {@code http} or {@code https}, a
 * host written as a DNS name, a canonical dotted-quad IPv4 address or a bracketed IPv6 literal, a port
 * from 1 to 65535 when one is given, at most {@value #MAX_LENGTH} characters, and no user name or
 * password (the signing secret authenticates the service to the receiver).
 *
 * <p>Host forms that readers disagree on are refused: {@code 0177.0.0.1} is 177.0.0.1 to Java but
 * 127.0.0.1 to curl, Go and browsers; {@code 127.1}, {@code 0x7f.1} and {@code 2130706433} are other
 * spellings of 127.0.0.1. A URL stored before these rules (adopted from an existing database) is read
 * as it is; its password is only ever shown {@linkplain #masked(URI) masked}.
 */
public final class WebhookUrl {
  /** The longest URL accepted, in characters. */
  public static final int MAX_LENGTH = 2048;
  /** What replaces the password (or a user name without password) when a URL is shown. */
  public static final String MASK = "***";

  private static final Pattern CANONICAL_IPV4 = Pattern.compile(
      "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  /** A last label that makes a host an IPv4 address to WHATWG URL parsers (browsers, curl): decimal or 0x hex. */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");
  private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV6_TEXT = Pattern.compile("[0-9A-Fa-f:.]+");

  private WebhookUrl() {}

  /**
   * Parses a URL as typed by a user and checks every rule of a new or changed URL.
   *
   * @throws DomainValidationException naming the rule, prefixed {@code url: }
   */
  public static URI parseNew(String text) {
    if (text == null || text.isBlank()) {
      throw new DomainValidationException("url: cannot be blank");
    }
    String trimmed = text.trim();
    if (trimmed.length() > MAX_LENGTH) {
      throw new DomainValidationException("url: the length must be no more than " + MAX_LENGTH + " characters");
    }
    URI url;
    try {
      url = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new DomainValidationException("url: must be a valid URL");
    }
    checkNew(url);
    return url;
  }

  /**
   * Checks every rule of a new or changed URL.
   *
   * @throws DomainValidationException naming the rule, prefixed {@code url: }
   */
  public static void checkNew(URI url) {
    if (url == null) {
      throw new DomainValidationException("url: cannot be blank");
    }
    if (url.toString().length() > MAX_LENGTH) {
      throw new DomainValidationException("url: the length must be no more than " + MAX_LENGTH + " characters");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new DomainValidationException("url: scheme must be http or https");
    }
    if (url.isOpaque() || url.getRawAuthority() == null || url.getRawAuthority().isEmpty()) {
      throw new DomainValidationException("url: must have a host");
    }
    if (url.getRawUserInfo() != null || url.getRawAuthority().contains("@")) {
      throw new DomainValidationException("url: must not contain a user name or password; "
          + "authenticate the webhook with the secret instead (it signs every request)");
    }
    String host = host(url);
    if (host.isEmpty()) {
      throw new DomainValidationException("url: must have a host");
    }
    hostProblem(host).ifPresent(problem -> {
      throw new DomainValidationException("url: " + problem);
    });
    if (url.getHost() == null) {
      // the authority did not parse as host[:port]; hostProblem accepted the host, so the port is wrong
      throw new DomainValidationException("url: the port must be a number from 1 to 65535");
    }
    int port = url.getPort();
    if (port != -1 && (port < 1 || port > 65535)) {
      throw new DomainValidationException("url: the port must be a number from 1 to 65535");
    }
  }

  /**
   * Why a host (as in a URL: IPv6 literals in brackets) is not acceptable, or empty when it is a DNS
   * name, a canonical dotted-quad IPv4 address or an IPv6 literal. Used when saving and again before
   * connecting, for URLs stored before these rules.
   */
  public static Optional<String> hostProblem(String host) {
    if (host == null || host.isEmpty()) {
      return Optional.of("must have a host");
    }
    String quoted = "host \"" + shorten(host) + "\" ";
    if (host.startsWith("[")) {
      if (!host.endsWith("]")) {
        return Optional.of(quoted + "is not a valid IPv6 literal");
      }
      String inner = host.substring(1, host.length() - 1);
      if (inner.contains("%")) {
        return Optional.of(quoted + "must not carry an IPv6 zone");
      }
      if (!inner.contains(":") || !IPV6_TEXT.matcher(inner).matches() || !isIpv6Literal(inner)) {
        return Optional.of(quoted + "is not a valid IPv6 literal");
      }
      return Optional.empty();
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] labels = name.split("\\.", -1);
    String last = labels[labels.length - 1];
    if (NUMERIC_LABEL.matcher(last).matches()) {
      if (name.equals(host) && CANONICAL_IPV4.matcher(name).matches()) {
        return Optional.empty();
      }
      return Optional.of(quoted + "is not a canonical dotted-quad IPv4 address "
          + "(octal, hexadecimal, shortened and integer forms are refused)");
    }
    if (name.isEmpty() || name.length() > 253) {
      return Optional.of(quoted + "is not a valid DNS name");
    }
    for (String label : labels) {
      if (!DNS_LABEL.matcher(label).matches()) {
        return Optional.of(quoted + "is not a DNS name, a dotted-quad IPv4 address or an IPv6 literal");
      }
    }
    return Optional.empty();
  }

  /**
   * The URL as it may be shown or logged: a password is replaced by {@value #MASK}
   * ({@code https://user:***@host/}), and so is a user name given without one (it may be a token).
   */
  public static String masked(URI url) {
    if (url == null) {
      return "";
    }
    String text = url.toString();
    String userInfo = url.getRawUserInfo();
    int at = url.getRawAuthority() == null ? -1 : url.getRawAuthority().lastIndexOf('@');
    if (userInfo == null && at < 0) {
      return text;
    }
    String rawUser = userInfo != null ? userInfo : url.getRawAuthority().substring(0, at);
    int colon = rawUser.indexOf(':');
    String shown = colon >= 0 ? rawUser.substring(0, colon) + ":" + MASK : MASK;
    int start = text.indexOf("//");
    if (start < 0) {
      return text;
    }
    start += 2;
    return text.substring(0, start) + shown + text.substring(start + rawUser.length());
  }

  /**
   * The host of a URL as written (IPv6 literals in brackets), also when {@link URI#getHost()} gives up
   * on it ({@code 127.1}, {@code 0x7f.1}, {@code foo_bar}); empty when the URL has no authority.
   */
  public static String host(URI url) {
    if (url.getHost() != null) {
      return url.getHost();
    }
    return url.getRawAuthority() == null ? "" : hostOf(url.getRawAuthority());
  }

  /** The host part of an authority that {@link URI} could not split: no user info, no port. */
  private static String hostOf(String authority) {
    String rest = authority.substring(authority.lastIndexOf('@') + 1);
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      return close < 0 ? rest : rest.substring(0, close + 1);
    }
    int colon = rest.lastIndexOf(':');
    return colon < 0 ? rest : rest.substring(0, colon);
  }

  private static boolean isIpv6Literal(String text) {
    try {
      // only hex digits, colons and dots with a colon reach here: parsed as a literal, never asked of DNS
      java.net.InetAddress.getByName(text);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static String shorten(String host) {
    return host.length() <= 80 ? host : host.substring(0, 80) + "...";
  }
}
