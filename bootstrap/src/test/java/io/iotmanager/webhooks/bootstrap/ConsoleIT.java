package io.iotmanager.webhooks.bootstrap;

import io.iotmanager.webhooks.adapter.http.testing.Receiver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iotmanager.webhooks.adapter.http.testing.Receiver.Answer;
import io.iotmanager.webhooks.adapter.http.testing.Receiver.Received;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: headless Chromium (Debian's chromium and chromium-driver, no
 * download of any kind) against the fat jar run as a process and a local receiver. Every screen it goes
 * through is saved under {@code target/screenshots/} for people to look at.
 */
class ConsoleIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String INTERNAL = "/api/internal/v1/iot-manager";
  private static final String MANAGEMENT = "/api/management/v1/iot-manager";
  private static final Dimension DESKTOP = new Dimension(1280, 900);
  private static final Dimension PHONE = new Dimension(390, 844);
  /** Fetch errors the console handles itself (validation, sign-in, conflicts) are logged by Chromium too. */
  private static final Pattern EXPECTED_HTTP_ERRORS =
      Pattern.compile("Failed to load resource: the server responded with a status of (400|401|403|404|409)");

  private static Path work;
  private static JarProcess jar;
  private static Receiver receiver;
  private static ChromeDriverService driverService;
  private static ChromeDriver driver;
  /** The receiver's answer per device id (found in the webhook body); 200 for the others. */
  private static final Map<String, Integer> ANSWERS = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (System.getenv("CI") != null) {
      assertTrue(installed, "CI must install chromium and chromium-driver (.ci/run, CI_APT_PACKAGES)");
    }
    assumeTrue(installed, "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER
        + " is missing (apt-get install chromium chromium-driver; CI installs them)");
    work = Files.createTempDirectory("console-it");
    Files.createDirectories(SCREENSHOTS);
    receiver = Receiver.start().respond(r -> Answer.status(answerFor(r)));
    jar = JarProcess.start(Map.of(
            "IOT_MANAGER_DATA_DIR", work.resolve("data").toString(),
            "IOT_MANAGER_DOMAIN_SKIPVERIFY", "true",
            // three quick attempts, then a long wait: long enough to see "pending, next attempt in ..."
            "IOT_MANAGER_WEBHOOKS_RETRY_SCHEDULE", "1s,1s,60s",
            "IOT_MANAGER_WEBHOOKS_RETRY_JITTER", "0",
            // events queued again by a recovery are claimed by the poll: soon, not after 5 s
            "IOT_MANAGER_WEBHOOKS_EMBEDDED_POLL_INTERVAL", "250ms"),
        List.of(), work).awaitAlive(Duration.ofSeconds(60));

    Path profile = Files.createDirectories(work.resolve("chromium-profile"));
    driverService = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(new File("target/chromedriver.log"))
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US",
        "--user-data-dir=" + profile, "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(driverService, options);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (driverService != null) {
        driverService.stop();
      }
      if (jar != null) {
        jar.terminate(Duration.ofSeconds(30));
      }
      if (receiver != null) {
        receiver.close();
      }
    }
  }

  private static int answerFor(Received r) {
    return ANSWERS.entrySet().stream().filter(e -> r.body().contains("\"" + e.getKey() + "\""))
        .map(Map.Entry::getValue).findFirst().orElse(200);
  }

  @BeforeEach
  void freshBrowserState() {
    driver.manage().window().setSize(DESKTOP);
    driver.get(jar.url("/ui/")); // on the service's origin, to reach its cookies and storage
    driver.manage().deleteAllCookies();
    js("window.sessionStorage.clear();");
    driver.navigate().refresh();
    waitVisible("#token");
    driver.manage().logs().get(LogType.BROWSER); // drop what earlier tests logged
  }

  @AfterEach
  void noScriptErrorsNorBlockedRequests() {
    List<String> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !EXPECTED_HTTP_ERRORS.matcher(m).find())
        .filter(m -> !m.contains("boom from the test"))
        .toList();
    assertEquals(List.of(), severe, "the browser console shows errors");
  }

  @Test
  void createsAWebhookWatchesItsDeliveriesFailuresAndRedeliveryThenDeletesIt() throws Exception {
    String tenant = "ui-" + UUID.randomUUID();
    driver.get(jar.url("/ui/"));
    waitVisible("#token");
    screenshot("00-sign-in");
    signIn(TestService.userToken(tenant));

    // The empty list says so and offers the form.
    waitText(".empty-title", "No integrations yet");
    screenshot("01-integrations-empty");
    click("a[href='#/integrations/new']");
    waitText("h1", "Add a webhook");

    // The API's validation messages land next to their field.
    type("#url", "ftp://x");
    click("#create-submit");
    waitText("#url-error", "Scheme must be http or https");
    assertEquals("true", find("#url").getDomAttribute("aria-invalid"));
    assertTrue(find("#secret-error").getText().isEmpty());
    screenshot("02-form-with-error");
    String webhook = receiver.url("/hooks/devices");
    type("#url", webhook);
    type("#secret", "not-hex");
    click("#create-submit");
    waitText("#secret-error", "Must be a hexadecimal string");
    assertFalse(find("#url-error").isDisplayed(), "the fixed field's error is cleared");
    type("#secret", "deadbeef");
    type("#description", "Device lifecycle events for the fleet dashboard");
    click("#create-submit");

    // Details: the URL, whether a secret is set, never the secret.
    waitText("#banner", "Webhook created.");
    waitText("[data-detail='url'] dd", webhook);
    assertEquals("set", find("[data-detail='secret'] [data-secret]").getDomAttribute("data-secret"));
    assertFalse(driver.getPageSource().contains("deadbeef"), "the secret is never shown");
    String integrationId = find("[data-detail='id'] dd").getText().trim();
    UUID.fromString(integrationId);
    screenshot("03-webhook-details");

    click(".nav-link");
    waitVisible("#integrations");
    WebElement row = find("#integrations tr[data-integration-id='" + integrationId + "']");
    assertTrue(row.getText().contains(webhook), row.getText());
    assertTrue(row.getText().contains("Device lifecycle events for the fleet dashboard"), row.getText());
    assertEquals("set", row.findElement(By.cssSelector("[data-secret]")).getDomAttribute("data-secret"));
    screenshot("04-integrations-list");

    // Activity: empty, then each event appears by itself (auto-refresh) with its delivery state.
    click("#integrations tr[data-integration-id='" + integrationId + "'] a[href$='/activity']");
    waitText(".empty-title", "No events yet");
    screenshot("05-activity-empty");
    intake("POST", "/tenants/" + tenant + "/devices", "{\"id\":\"dev-1\",\"status\":\"accepted\"}");
    waitFor(d -> "delivered".equals(eventRow("dev-1").map(r -> r.getDomAttribute("data-state")).orElse(null)));
    WebElement delivered = eventRow("dev-1").orElseThrow();
    assertTrue(delivered.getText().contains("device-provisioned"), delivered.getText());
    assertTrue(delivered.getText().contains("HTTP 200"), delivered.getText());
    Received first = received("dev-1").get(0);
    assertTrue(first.headers().containsKey("x-men-signature"), "signed with the secret set in the form");

    ANSWERS.put("dev-2", 500);
    intake("PUT", "/tenants/" + tenant + "/bulk/devices/status/accepted", "[{\"id\":\"dev-2\"}]");
    waitFor(d -> eventRow("dev-2").map(r -> "pending".equals(r.getDomAttribute("data-state"))
        && r.getText().contains("3 attempts, last HTTP 500") && r.getText().contains("next attempt in")).orElse(false));

    ANSWERS.put("dev-3", 410);
    intake("DELETE", "/tenants/" + tenant + "/devices/dev-3", null);
    waitFor(d -> eventRow("dev-3").map(r -> "failed".equals(r.getDomAttribute("data-state"))
        && r.getText().contains("HTTP 410 · 1 attempt")).orElse(false));
    assertEquals(List.of("dev-3", "dev-2", "dev-1"), deviceColumn(), "newest first");
    screenshot("06-activity");

    // Paging.
    driver.get(jar.url("/ui/#/integrations/" + integrationId + "/activity?per_page=2"));
    waitFor(d -> deviceColumn().equals(List.of("dev-3", "dev-2")));
    click("#next-page");
    waitFor(d -> deviceColumn().equals(List.of("dev-1")));
    assertEquals("Page 2", find("#page-number").getText());
    click("#prev-page");
    waitFor(d -> deviceColumn().equals(List.of("dev-3", "dev-2")));

    // One event: its payload and every attempt.
    eventRow("dev-2").orElseThrow().findElement(By.cssSelector("a.event-link")).click();
    waitFor(d -> attemptRows().size() == 3);
    for (WebElement attempt : attemptRows()) {
      assertEquals("auto", attempt.getDomAttribute("data-trigger"));
      assertTrue(attempt.getText().contains("500"), attempt.getText());
      assertTrue(attempt.getText().contains("unexpected status code from API: 500"), attempt.getText());
      assertTrue(attempt.getText().matches("(?s).*\\d+ ms.*"), attempt.getText());
    }
    String payload = find("#payload").getText();
    assertTrue(payload.contains("\"type\": \"device-status-changed\""), payload);
    assertTrue(payload.contains("\"id\": \"dev-2\""), payload);
    assertEquals("device-status-changed", find("h1").getText());
    assertEquals("pending", find("#event-summary [data-state]").getDomAttribute("data-state"));
    screenshot("07-event-attempts");

    // Redeliver once the receiver is back: a manual attempt succeeds, the event is delivered.
    ANSWERS.put("dev-2", 200);
    click("#redeliver");
    waitText("#redeliver-status", "Redelivery requested");
    waitFor(d -> attemptRows().size() == 4
        && "manual".equals(attemptRows().get(3).getDomAttribute("data-trigger"))
        && "true".equals(attemptRows().get(3).getDomAttribute("data-ok")));
    waitFor(d -> "delivered".equals(find("#event-summary [data-state]").getDomAttribute("data-state")));
    List<Received> dev2 = received("dev-2");
    assertEquals(4, dev2.size(), "three automatic attempts and one manual");
    assertEquals(dev2.get(0).headers().get("webhook-id"), dev2.get(3).headers().get("webhook-id"));
    screenshot("08-event-redelivered");

    // Replace the credentials: another URL, no secret any more.
    click(".breadcrumbs a[href='#/integrations/" + integrationId + "']");
    waitVisible("#replace-credentials");
    click("#replace-credentials");
    waitText("h1", "Replace credentials");
    assertEquals(webhook, find("#url").getDomProperty("value"));
    String moved = receiver.url("/hooks/v2");
    type("#url", moved);
    click("#credentials-submit");
    waitText("#banner", "Credentials replaced.");
    waitText("[data-detail='url'] dd", moved);
    assertEquals("none", find("[data-detail='secret'] [data-secret]").getDomAttribute("data-secret"));

    // A phone-sized screen: everything fits its width.
    driver.manage().window().setSize(PHONE);
    driver.get(jar.url("/ui/#/integrations/" + integrationId + "/activity"));
    waitFor(d -> deviceColumn().size() == 3);
    assertFitsWidth();
    screenshot("09-phone-activity");
    driver.get(jar.url("/ui/#/integrations/" + integrationId));
    waitVisible("#integration-details");
    assertFitsWidth();
    screenshot("10-phone-details");
    driver.manage().window().setSize(DESKTOP);

    // Delete, through the page's own confirm dialog: Cancel keeps it, Delete removes it.
    driver.get(jar.url("/ui/#/integrations/" + integrationId));
    click("#delete-webhook");
    waitVisible("#confirm-dialog");
    click("#confirm-cancel");
    waitFor(d -> !find("#confirm-dialog").isDisplayed());
    assertEquals(200, management("GET", "/integrations/" + integrationId, tenant).statusCode());
    click("#delete-webhook");
    waitVisible("#confirm-dialog");
    assertTrue(find("#confirm-text").getText().contains(moved), find("#confirm-text").getText());
    screenshot("11-delete-confirmation");
    click("#confirm-ok");
    waitText("#banner", "Webhook deleted.");
    waitText(".empty-title", "No integrations yet");
    assertEquals("[]", management("GET", "/integrations", tenant).body());
    assertResourcesOnlyFromTheService();
  }

  @Test
  void showsAWebhooksHealthAndItsRecoveryButtonDeliversTheFailedEventsAgain() throws Exception {
    String tenant = "ui-" + UUID.randomUUID();
    HttpResponse<String> created = management("POST", "/integrations", tenant, "{\"provider\":\"webhook\","
        + "\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"" + receiver.url("/hooks/health") + "\"}}}");
    assertEquals(201, created.statusCode(), created.body());
    String id = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
    String device = "gone-" + UUID.randomUUID();
    ANSWERS.put(device, 410); // no retry: failed at once
    intake("DELETE", "/tenants/" + tenant + "/devices/" + device, null);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        management("GET", "/integrations/" + id, tenant).body().contains("\"status\":\"failing\""));

    driver.get(jar.url("/ui/"));
    signIn(TestService.userToken(tenant));
    WebElement row = waitVisible("#integrations tr[data-integration-id='" + id + "']");
    assertEquals("Failing", row.findElement(By.cssSelector("[data-health]")).getText());
    driver.get(jar.url("/ui/#/integrations/" + id));
    waitVisible("#integration-health [data-health='failing']");
    assertEquals("1", find("[data-detail='consecutive-failures'] dd").getText());
    assertTrue(find("[data-detail='last-failure'] dd").getText().matches("\\d{4}-\\d{2}-\\d{2} .*"),
        find("[data-detail='last-failure'] dd").getText());
    screenshot("15-webhook-health-failing");

    ANSWERS.put(device, 200);
    click("#recover-webhook");
    waitText("#banner", "1 event queued for delivery.");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> received(device).size() == 2);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        management("GET", "/integrations/" + id, tenant).body().contains("\"status\":\"healthy\""));
    driver.navigate().refresh();
    waitVisible("#integration-health [data-health='healthy']");
    assertEquals("0", find("[data-detail='consecutive-failures'] dd").getText());
    screenshot("16-webhook-health-recovered");
  }

  @Test
  void usesTheJwtCookieWhenPresentWithoutAskingForAToken() throws Exception {
    String tenant = "ui-" + UUID.randomUUID();
    String url = receiver.url("/cookie");
    HttpResponse<String> created = management("POST", "/integrations", tenant,
        "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"" + url + "\"}}}");
    assertEquals(201, created.statusCode(), created.body());
    driver.manage().addCookie(new Cookie("JWT", TestService.userToken(tenant), "/"));
    driver.navigate().refresh();
    waitVisible("#integrations");
    assertTrue(find("#integrations").getText().contains(url));
    assertTrue(driver.findElements(By.id("token")).isEmpty(), "no token form");
    assertTrue(find("#identity-text").getText().contains("JWT cookie"), find("#identity-text").getText());
    assertFalse(find("#sign-out").isDisplayed(), "nothing to sign out of: the cookie is the gateway's");
    assertEquals(null, js("return window.sessionStorage.getItem('iot-webhooks.console.token');"));
  }

  @Test
  void aRefusedTokenBringsTheFormBackWithTheApiError() throws Exception {
    driver.get(jar.url("/ui/#/integrations"));
    waitVisible("#token");
    assertFalse(find("#token-error").isDisplayed(), "no error before any token was tried");

    signInWith("not-a-jwt");
    waitText("#token-error", "The token was refused: malformed token (HTTP 401).");
    signInWith(TestService.token("{\"sub\":\"u1\"}"));
    waitText("#token-error", "user identity missing from authorization token (HTTP 403)");
    screenshot("12-sign-in-refused");

    String tenant = "ui-" + UUID.randomUUID();
    String token = TestService.userToken(tenant);
    signIn(token);
    assertTrue(find("#identity-text").getText().contains("Tenant " + tenant), find("#identity-text").getText());
    // kept for this tab's session only
    assertEquals(token, js("return window.sessionStorage.getItem('iot-webhooks.console.token');"));
    assertEquals(0L, js("return window.localStorage.length;"));

    // A token that stops working (here: replaced behind the page's back) brings the form back.
    js("window.sessionStorage.setItem('iot-webhooks.console.token', 'x.y.z');");
    driver.navigate().refresh();
    waitText("#token-error", "The token was refused");

    signIn(TestService.userToken(tenant));
    click("#sign-out");
    waitVisible("#token");
    assertEquals(null, js("return window.sessionStorage.getItem('iot-webhooks.console.token');"));
  }

  @Test
  void errorsAreShownNeverABlankPage() throws Exception {
    String tenant = "ui-" + UUID.randomUUID();
    signIn(TestService.userToken(tenant));
    HttpResponse<String> created = management("POST", "/integrations", tenant,
        "{\"provider\":\"webhook\",\"credentials\":{\"type\":\"http\",\"http\":{\"url\":\"" + receiver.url("/x") + "\"}}}");
    assertEquals(201, created.statusCode(), created.body());

    // An API error that is not about a field (one integration per tenant): the banner says it.
    driver.get(jar.url("/ui/#/integrations/new"));
    type("#url", receiver.url("/second"));
    click("#create-submit");
    waitText("#banner", "Integration already exists");
    assertEquals("Add a webhook", find("h1").getText());

    // An unknown page, an unknown integration.
    driver.get(jar.url("/ui/#/nowhere"));
    waitText("h1", "Page not found");
    driver.get(jar.url("/ui/#/integrations/" + UUID.randomUUID()));
    waitText("h1", "Integration not found");

    // The service out of reach: the banner says so, the page offers to try again, and trying works.
    js("window.__realFetch = window.fetch;"
        + "window.fetch = function () { return Promise.reject(new TypeError('Failed to fetch')); };");
    click(".nav-link");
    waitText("#banner", "The service cannot be reached");
    waitText(".empty-title", "This page could not be loaded");
    js("window.fetch = window.__realFetch;");
    click(".empty button");
    waitVisible("#integrations");

    // An uncaught script error is shown, not swallowed into a blank page.
    js("window.setTimeout(function () { throw new Error('boom from the test'); }, 0);");
    waitText("#banner", "Something went wrong in the console: ");
    waitText("#banner", "Reload the page to try again.");
  }

  @Test
  void keyboardAloneCreatesAWebhookAndFocusIsVisible() throws Exception {
    String tenant = "ui-" + UUID.randomUUID();
    signIn(TestService.userToken(tenant));
    waitText(".empty-title", "No integrations yet");
    WebElement focused = tabUntil("Add your first webhook");
    assertNotEquals("none", focused.getCssValue("outline-style"), "focus is visible");
    focused.sendKeys(Keys.ENTER);
    waitText("h1", "Add a webhook");
    assertEquals("url", active().getDomAttribute("id"), "the form starts in its first field");
    active().sendKeys(receiver.url("/keyboard"));
    tabUntil("Create webhook").sendKeys(Keys.ENTER);
    waitText("#banner", "Webhook created.");
    assertEquals(1, countIntegrations(tenant));
  }

  /** The files come from the fat jar itself (headers and completeness: adapters-http's ConsoleRoutesIT). */
  @Test
  void theFatJarServesTheConsoleAtUi() throws Exception {
    HttpResponse<String> bare = get("/ui");
    assertEquals(302, bare.statusCode());
    assertEquals("/ui/", bare.headers().firstValue("Location").orElse(""));
    HttpResponse<String> index = get("/ui/");
    assertEquals(200, index.statusCode());
    assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(index.body().contains("<script type=\"module\" src=\"js/main.js\"></script>"), index.body());
    assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'none'"));
    HttpResponse<String> module = get("/ui/js/main.js");
    assertEquals(200, module.statusCode());
    assertTrue(module.headers().firstValue("Content-Type").orElse("").contains("javascript"),
        module.headers().toString());
  }

  // ---- helpers

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(jar.url(path))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void intake(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(jar.url(INTERNAL + path)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
  }

  private HttpResponse<String> management(String method, String path, String tenant) throws Exception {
    return management(method, path, tenant, null);
  }

  private HttpResponse<String> management(String method, String path, String tenant, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(jar.url(MANAGEMENT + path)))
        .header("Authorization", "Bearer " + TestService.userToken(tenant))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int countIntegrations(String tenant) throws Exception {
    String body = management("GET", "/integrations", tenant).body();
    return body.split("\"provider\"", -1).length - 1;
  }

  private static List<Received> received(String device) {
    return receiver.received().stream().filter(r -> r.body().contains("\"" + device + "\"")).toList();
  }

  private void signIn(String token) {
    signInWith(token);
    waitText("h1", "Integrations");
  }

  private void signInWith(String token) {
    WebElement input = waitVisible("#token");
    input.clear();
    input.sendKeys(token);
    click("#signin-submit");
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  private static WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  private static WebElement active() {
    return driver.switchTo().activeElement();
  }

  private static void click(String css) {
    waitFor(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
  }

  private static void type(String css, String text) {
    WebElement input = waitVisible(css);
    input.clear();
    input.sendKeys(text);
  }

  private static WebElement waitVisible(String css) {
    return waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  private static void waitText(String css, String text) {
    waitFor(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  private static <T> T waitFor(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(30))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  /** Presses Tab until the focused element's text is {@code label}; fails after 40 presses. */
  private static WebElement tabUntil(String label) {
    for (int i = 0; i < 40; i++) {
      active().sendKeys(Keys.TAB);
      WebElement now = active();
      if (label.equals(now.getText().trim())) {
        return now;
      }
    }
    throw new AssertionError("\"" + label + "\" cannot be reached with the Tab key");
  }

  private static java.util.Optional<WebElement> eventRow(String device) {
    return driver.findElements(By.cssSelector("#events tr.event-row")).stream()
        .filter(r -> r.findElement(By.cssSelector(".device-id")).getText().equals(device)).findFirst();
  }

  private static List<String> deviceColumn() {
    return driver.findElements(By.cssSelector("#events tr.event-row .device-id")).stream()
        .map(WebElement::getText).toList();
  }

  private static List<WebElement> attemptRows() {
    return driver.findElements(By.cssSelector("#attempts-table tr.attempt-row"));
  }

  private static void assertFitsWidth() {
    Object overflow = js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertEquals(0L, ((Number) overflow).longValue(), "the page scrolls sideways at " + PHONE);
  }

  /** Every script, style, image and API call came from the service itself (no CDN, no third party). */
  private static void assertResourcesOnlyFromTheService() {
    @SuppressWarnings("unchecked")
    List<String> urls = (List<String>) js(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
    String origin = jar.url("/");
    for (String url : urls) {
      assertTrue(url.startsWith(origin) || url.startsWith("data:"), "fetched from elsewhere: " + url);
    }
  }

  /** Saves the whole page (not just the viewport) as target/screenshots/NAME.png. */
  private static void screenshot(String name) throws IOException {
    Dimension before = driver.manage().window().getSize();
    long height = ((Number) js("return Math.max(document.documentElement.scrollHeight, window.innerHeight);")).longValue();
    long chrome = ((Number) js("return window.outerHeight - window.innerHeight;")).longValue();
    boolean grow = height + chrome > before.height;
    if (grow) {
      driver.manage().window().setSize(new Dimension(before.width, (int) Math.min(height + chrome, 4000)));
    }
    try {
      byte[] png = driver.getScreenshotAs(OutputType.BYTES);
      Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    } finally {
      if (grow) {
        driver.manage().window().setSize(before);
      }
    }
  }
}
