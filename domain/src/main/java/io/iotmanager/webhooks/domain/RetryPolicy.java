package io.iotmanager.webhooks.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When to try a failed webhook again (docs/wire-contract.md B2). A pure function of the attempts made so far, the
 * last outcome, the current time and a caller-supplied random number, so it is deterministic in tests.
 *
 * <p>At most {@code 1 + schedule.size()} attempts are made; the delay before attempt {@code n + 1} is
 * {@code schedule[n - 1]}, jittered by ±{@code jitter}. An empty schedule means a single attempt.
 *
 * @param schedule the delays between attempts; none negative, none above {@link #MAX_DELAY}
 * @param jitter the fraction each delay is randomly stretched or shrunk by, {@code 0 <= jitter < 1}
 */
public record RetryPolicy(List<Duration> schedule, double jitter) {
  /** The default {@code webhooks_retry_schedule}. */
  public static final String DEFAULT_SCHEDULE = "5s,5m,30m,2h,5h,10h,10h";
  /** The default {@code webhooks_retry_jitter}. */
  public static final double DEFAULT_JITTER = 0.2;
  /** The longest delay a schedule may hold. */
  public static final Duration MAX_DELAY = Duration.ofDays(365);
  /** A {@code Retry-After} never delays an attempt longer than this. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  /** {@link RetryDecision.GiveUp} reason after a {@code 410 Gone}. */
  public static final String REASON_GONE = "gone";
  /** {@link RetryDecision.GiveUp} reason when no scheduled delay is left. */
  public static final String REASON_EXHAUSTED = "retry schedule exhausted";

  private static final Pattern ELEMENT = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+");
  private static final Pattern COMPONENT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
  private static final Pattern DELTA_SECONDS = Pattern.compile("\\d+");
  private static final List<DateTimeFormatter> HTTP_DATES = List.of(
      // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
      DateTimeFormatter.RFC_1123_DATE_TIME,
      // obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years read as 1970-2069)
      new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
          .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
          .appendPattern(" HH:mm:ss 'GMT'")
          .toFormatter(Locale.US).withZone(ZoneOffset.UTC),
      // obsolete asctime: Sun Nov  6 08:49:37 1994
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US).withZone(ZoneOffset.UTC));

  public RetryPolicy {
    if (schedule == null) {
      throw new DomainValidationException("retry schedule: must not be null");
    }
    for (Duration delay : schedule) {
      checkDelay(delay, String.valueOf(delay));
    }
    schedule = List.copyOf(schedule);
    if (!(jitter >= 0 && jitter < 1)) {
      throw new DomainValidationException("retry jitter: must be at least 0 and below 1, got " + jitter);
    }
  }

  /** The default policy: {@value #DEFAULT_SCHEDULE} with jitter {@value #DEFAULT_JITTER}. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(parseSchedule(DEFAULT_SCHEDULE), DEFAULT_JITTER);
  }

  /** A policy from the configuration text of the schedule (see {@link #parseSchedule}) and a jitter. */
  public static RetryPolicy of(String schedule, double jitter) {
    return new RetryPolicy(parseSchedule(schedule), jitter);
  }

  /** The most attempts one delivery gets automatically: the first one plus one per scheduled delay. */
  public int maxAttempts() {
    return 1 + schedule.size();
  }

  /**
   * Decides what follows an attempt.
   *
   * @param attemptsSoFar attempts made, counting the one that just ended (so at least 1)
   * @param lastOutcome what that attempt produced
   * @param now the current time, the base of the next due time
   * @param random01 a uniform random number in {@code [0, 1)}; 0.5 means no jitter
   * @return {@link RetryDecision.Delivered} on 2xx; {@link RetryDecision.GiveUp} on 410 or when the
   *     schedule is used up; else {@link RetryDecision.RetryAt}
   */
  public RetryDecision next(int attemptsSoFar, AttemptOutcome lastOutcome, Instant now, double random01) {
    if (attemptsSoFar < 1) {
      throw new DomainValidationException("retry: attempts so far must be at least 1, got " + attemptsSoFar);
    }
    if (lastOutcome == null || now == null) {
      throw new DomainValidationException("retry: last outcome and current time are required");
    }
    if (!(random01 >= 0 && random01 < 1)) {
      throw new DomainValidationException("retry: random number must be in [0, 1), got " + random01);
    }
    if (lastOutcome.success()) {
      return new RetryDecision.Delivered();
    }
    Optional<Integer> status = lastOutcome.statusCode();
    if (status.isPresent() && status.get() == 410) {
      return new RetryDecision.GiveUp(REASON_GONE);
    }
    if (attemptsSoFar > schedule.size()) {
      return new RetryDecision.GiveUp(REASON_EXHAUSTED);
    }
    Duration scheduled = schedule.get(attemptsSoFar - 1);
    Duration delay = jittered(scheduled, random01);
    if (status.isPresent() && (status.get() == 429 || status.get() == 503) && lastOutcome.retryAfter().isPresent()) {
      Duration cap = min(scheduled.multipliedBy(2), MAX_RETRY_AFTER);
      Duration requested = min(lastOutcome.retryAfter().get(), cap);
      delay = requested.compareTo(delay) > 0 ? requested : delay;
    }
    return new RetryDecision.RetryAt(now.plus(delay));
  }

  /**
   * Parses a schedule: comma-separated durations, each a number and a unit {@code ms}, {@code s},
   * {@code m} or {@code h} ({@code 500ms,5s,5m,2h}; Go-style {@code 1h30m} and {@code 1.5s} also work).
   * Whitespace around elements is ignored. A null, empty or blank text is the empty schedule.
   *
   * @throws DomainValidationException naming the first bad element
   */
  public static List<Duration> parseSchedule(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    String[] elements = text.split(",", -1);
    List<Duration> delays = new ArrayList<>(elements.length);
    for (String raw : elements) {
      String element = raw.strip();
      if (!ELEMENT.matcher(element).matches()) {
        throw badElement(element, "use a number and a unit ms, s, m or h, e.g. 500ms,5s,5m,2h");
      }
      delays.add(checkDelay(parseElement(element), element));
    }
    return List.copyOf(delays);
  }

  /**
   * Parses a {@code Retry-After} header value: delta-seconds or an HTTP-date (IMF-fixdate, or the
   * obsolete RFC 850 and asctime forms), the latter taken relative to {@code now}. A date in the past
   * gives zero. Null or unparseable values give empty, so the header is then simply ignored.
   */
  public static Optional<Duration> parseRetryAfter(String value, Instant now) {
    if (value == null || now == null) {
      return Optional.empty();
    }
    String text = value.strip();
    if (DELTA_SECONDS.matcher(text).matches()) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
      } catch (NumberFormatException tooLarge) {
        return Optional.of(Duration.ofSeconds(Long.MAX_VALUE));
      }
    }
    for (DateTimeFormatter format : HTTP_DATES) {
      try {
        Instant at = format.parse(text, Instant::from);
        Duration until = Duration.between(now, at);
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
      } catch (DateTimeException notThisFormat) {
        // try the next form
      }
    }
    return Optional.empty();
  }

  private Duration jittered(Duration delay, double random01) {
    double factor = 1 + jitter * (2 * random01 - 1);
    return Duration.ofNanos(Math.round(delay.toNanos() * factor));
  }

  private static Duration parseElement(String element) {
    Matcher component = COMPONENT.matcher(element);
    BigDecimal nanos = BigDecimal.ZERO;
    while (component.find()) {
      nanos = nanos.add(new BigDecimal(component.group(1)).multiply(BigDecimal.valueOf(unitNanos(component.group(2)))));
    }
    if (nanos.compareTo(BigDecimal.valueOf(MAX_DELAY.toNanos())) > 0) {
      throw badElement(element, "must be at most " + MAX_DELAY.toDays() + " days");
    }
    return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
  }

  private static long unitNanos(String unit) {
    switch (unit) {
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      default:
        return 3_600_000_000_000L;
    }
  }

  private static Duration checkDelay(Duration delay, String shown) {
    if (delay == null) {
      throw new DomainValidationException("retry schedule: a delay must not be null");
    }
    if (delay.isNegative()) {
      throw badElement(shown, "must not be negative");
    }
    if (delay.compareTo(MAX_DELAY) > 0) {
      throw badElement(shown, "must be at most " + MAX_DELAY.toDays() + " days");
    }
    return delay;
  }

  private static DomainValidationException badElement(String element, String why) {
    return new DomainValidationException("retry schedule: invalid duration \"" + element + "\": " + why);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
