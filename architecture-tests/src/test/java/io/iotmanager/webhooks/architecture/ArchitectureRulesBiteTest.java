package io.iotmanager.webhooks.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.iotmanager.webhooks.adapter.http.console.fixtures.BadConsoleUsesManagementRoutes;
import io.iotmanager.webhooks.adapter.http.fixtures.BadGets;
import io.iotmanager.webhooks.adapter.http.fixtures.BadHttpAdapterUsesMongoAdapter;
import io.iotmanager.webhooks.adapter.http.fixtures.BadHttpAdapterUsesMongoClient;
import io.iotmanager.webhooks.adapter.http.fixtures.BadJoins;
import io.iotmanager.webhooks.adapter.http.fixtures.BadPrintsToStdout;
import io.iotmanager.webhooks.adapter.http.fixtures.BadSleeps;
import io.iotmanager.webhooks.adapter.http.fixtures.BadSleepsViaTimeUnit;
import io.iotmanager.webhooks.adapter.http.fixtures.LegacyVerticle;
import io.iotmanager.webhooks.adapter.http.fixtures.WidgetHttpVerticle;
import io.iotmanager.webhooks.adapter.http.intake.fixtures.BadIntakeDrivesDelivery;
import io.iotmanager.webhooks.adapter.http.management.fixtures.BadManagementCallsWebhookClient;
import io.iotmanager.webhooks.adapter.http.management.fixtures.WidgetRoutes;
import io.iotmanager.webhooks.adapter.http.web.fixtures.BadPlumbingUsesRouteGroup;
import io.iotmanager.webhooks.adapter.http.webhook.fixtures.BadPublicWebhookSender;
import io.iotmanager.webhooks.adapter.mongo.fixtures.BadAdapterUsesBootstrap;
import io.iotmanager.webhooks.adapter.mongo.fixtures.BadAwaits;
import io.iotmanager.webhooks.adapter.mongo.fixtures.BadJoinsByReference;
import io.iotmanager.webhooks.adapter.mongo.fixtures.BadMongoAdapterUsesHttpAdapter;
import io.iotmanager.webhooks.adapter.mongo.fixtures.BadMongoAdapterUsesRouter;
import io.iotmanager.webhooks.adapter.mongo.fixtures.BadUsesJavaUtilLogging;
import io.iotmanager.webhooks.adapter.mongo.fixtures.MongoWidgetRepository;
import io.iotmanager.webhooks.application.fixtures.BadApplicationUsesBson;
import io.iotmanager.webhooks.application.fixtures.BadApplicationUsesJackson;
import io.iotmanager.webhooks.application.port.in.FixtureRegisterWidgetUseCase;
import io.iotmanager.webhooks.application.port.in.fixtures.BadInPortUsesOutPort;
import io.iotmanager.webhooks.application.port.in.fixtures.NestedUseCase;
import io.iotmanager.webhooks.application.port.out.fixtures.BadOutPortUsesInPort;
import io.iotmanager.webhooks.application.port.out.fixtures.WidgetRepository;
import io.iotmanager.webhooks.application.service.fixtures.BadApplicationUsesCompletable;
import io.iotmanager.webhooks.application.service.fixtures.BadApplicationUsesMongoAdapter;
import io.iotmanager.webhooks.application.service.fixtures.BadApplicationUsesVertxCore;
import io.iotmanager.webhooks.application.service.fixtures.BadAwaitsStatically;
import io.iotmanager.webhooks.application.service.fixtures.BadThrowsRuntimeException;
import io.iotmanager.webhooks.application.service.fixtures.ConcreteUseCase;
import io.iotmanager.webhooks.application.service.fixtures.MisplacedUseCase;
import io.iotmanager.webhooks.application.service.fixtures.NonFinalService;
import io.iotmanager.webhooks.application.service.fixtures.RegisterWidgetService;
import io.iotmanager.webhooks.bootstrap.fixtures.BadBootstrapHoldsVerticle;
import io.iotmanager.webhooks.bootstrap.fixtures.BadBootstrapImplementsOutPort;
import io.iotmanager.webhooks.bootstrap.fixtures.BadBootstrapPrintsUsage;
import io.iotmanager.webhooks.bootstrap.fixtures.BadBootstrapStartsMongoServer;
import io.iotmanager.webhooks.bootstrap.fixtures.BadBootstrapUsesHttpServerOptions;
import io.iotmanager.webhooks.bootstrap.fixtures.FixtureMain;
import io.iotmanager.webhooks.domain.fixtures.BadDomainMutableField;
import io.iotmanager.webhooks.domain.fixtures.BadDomainUsesApplication;
import io.iotmanager.webhooks.domain.fixtures.BadDomainUsesVertx;
import io.iotmanager.webhooks.domain.fixtures.Widget;
import io.iotmanager.webhooks.domain.fixtures.WidgetSignature;
import io.iotmanager.webhooks.domain.fixtures.WidgetState;
import io.iotmanager.webhooks.domain.fixtures.cycle.a.CycleA;
import io.iotmanager.webhooks.domain.fixtures.cycle.b.CycleB;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that every rule of {@link ArchitectureRulesTest} bites.
 *
 * <p>The fixtures live in this module's test sources, in packages the rules match
 * ({@code io.iotmanager.webhooks.<layer>.fixtures}); the real check never sees them because it imports
 * without tests. {@link #COMPLIANT} is a small, complete hexagon (domain record, enum and HMAC helper,
 * in-port, out-port, service, HTTP verticle, route group, Mongo repository, main) that passes every rule, which
 * shows no rule fails trivially. Each bite case then adds one deliberately bad class to that hexagon
 * and expects the rule to fail <em>and</em> the failure report to name the bad class, so a rule
 * cannot pass its bite test by failing for an unrelated reason (such as an empty layer).
 */
class ArchitectureRulesBiteTest {

  /** A compliant hexagon touching every layer and every allowed technology. */
  static final List<Class<?>> COMPLIANT = List.of(
      Widget.class,
      WidgetState.class,
      WidgetSignature.class,
      FixtureRegisterWidgetUseCase.class,
      WidgetRepository.class,
      RegisterWidgetService.class,
      WidgetHttpVerticle.class,
      WidgetRoutes.class,
      MongoWidgetRepository.class,
      FixtureMain.class);

  private static JavaClasses compliantClasses;

  @BeforeAll
  static void importCompliantHexagon() {
    compliantClasses = importClasses(List.of());
  }

  /** Every rule, by field name: each one a bad fixture (or several) that must trip it. */
  static Stream<Arguments> bites() {
    return Stream.of(
        // 1. Layers
        bite("LAYERS", BadDomainUsesApplication.class),
        bite("LAYERS", BadApplicationUsesMongoAdapter.class),
        bite("LAYERS", BadAdapterUsesBootstrap.class),
        bite("LAYERS", BadHttpAdapterUsesMongoAdapter.class),
        // 2. Domain
        bite("DOMAIN_DEPENDS_ONLY_ON_JDK", BadDomainUsesVertx.class),
        bite("DOMAIN_DEPENDS_ONLY_ON_JDK", BadDomainUsesApplication.class),
        bite("DOMAIN_FIELDS_ARE_FINAL", BadDomainMutableField.class),
        // 3. Application
        bite("APPLICATION_DEPENDS_ONLY_ON_DOMAIN_JDK_SLF4J_AND_ASYNC_KERNEL", BadApplicationUsesVertxCore.class),
        bite("APPLICATION_DEPENDS_ONLY_ON_DOMAIN_JDK_SLF4J_AND_ASYNC_KERNEL", BadApplicationUsesJackson.class),
        bite("APPLICATION_DEPENDS_ONLY_ON_DOMAIN_JDK_SLF4J_AND_ASYNC_KERNEL", BadApplicationUsesBson.class),
        bite("APPLICATION_DEPENDS_ONLY_ON_DOMAIN_JDK_SLF4J_AND_ASYNC_KERNEL", BadApplicationUsesCompletable.class),
        // 4. Technologies confined to their adapter
        bite("JACKSON_ONLY_IN_HTTP_ADAPTER", BadApplicationUsesJackson.class),
        bite("HTTP_STACK_ONLY_IN_HTTP_ADAPTER", BadMongoAdapterUsesRouter.class),
        bite("HTTP_STACK_ONLY_IN_HTTP_ADAPTER", BadBootstrapUsesHttpServerOptions.class),
        bite("MONGO_STACK_ONLY_IN_MONGO_ADAPTER", BadHttpAdapterUsesMongoClient.class),
        bite("MONGO_STACK_ONLY_IN_MONGO_ADAPTER", BadBootstrapStartsMongoServer.class),
        bite("MONGO_STACK_ONLY_IN_MONGO_ADAPTER", BadApplicationUsesBson.class),
        // 5. Independence
        bite("ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER", BadHttpAdapterUsesMongoAdapter.class),
        bite("ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER", BadMongoAdapterUsesHttpAdapter.class),
        bite("PORTS_DO_NOT_DEPEND_ON_EACH_OTHER", BadInPortUsesOutPort.class),
        bite("PORTS_DO_NOT_DEPEND_ON_EACH_OTHER", BadOutPortUsesInPort.class),
        // 6. Naming
        bite("USE_CASES_ARE_INTERFACES_IN_PORT_IN", MisplacedUseCase.class),
        bite("USE_CASES_ARE_INTERFACES_IN_PORT_IN", NestedUseCase.class),
        bite("USE_CASES_ARE_INTERFACES_IN_PORT_IN", ConcreteUseCase.class),
        bite("VERTICLES_EXTEND_VERTICLE_BASE", LegacyVerticle.class),
        bite("SERVICES_ARE_PUBLIC_AND_FINAL", NonFinalService.class),
        bite("SERVICES_ARE_PUBLIC_AND_FINAL", packagePrivateService()),
        // 7. Hygiene
        bite("NO_PACKAGE_CYCLES", CycleA.class, CycleB.class),
        bite("NO_STANDARD_STREAMS", BadPrintsToStdout.class),
        bite("NO_STANDARD_STREAMS", BadBootstrapPrintsUsage.class),
        bite("NO_JAVA_UTIL_LOGGING", BadUsesJavaUtilLogging.class),
        bite("NO_GENERIC_EXCEPTIONS", BadThrowsRuntimeException.class),
        // 8. No blocking outside bootstrap (FixtureMain, in the compliant set, awaits legitimately)
        bite("NO_BLOCKING_OUTSIDE_BOOTSTRAP", BadSleeps.class),
        bite("NO_BLOCKING_OUTSIDE_BOOTSTRAP", BadSleepsViaTimeUnit.class),
        bite("NO_BLOCKING_OUTSIDE_BOOTSTRAP", BadAwaits.class),
        bite("NO_BLOCKING_OUTSIDE_BOOTSTRAP", BadAwaitsStatically.class),
        bite("NO_BLOCKING_OUTSIDE_BOOTSTRAP", BadJoins.class),
        bite("NO_BLOCKING_OUTSIDE_BOOTSTRAP", BadGets.class),
        bite("NO_BLOCKING_OUTSIDE_BOOTSTRAP", BadJoinsByReference.class),
        // 9. Roles inside adapters-http, a bootstrap that only wires
        bite("INBOUND_ADAPTERS_DO_NOT_DEPEND_ON_OUTBOUND_ADAPTERS", BadManagementCallsWebhookClient.class),
        bite("INBOUND_ADAPTERS_DO_NOT_DEPEND_ON_OUTBOUND_ADAPTERS", BadIntakeDrivesDelivery.class),
        bite("ROUTE_GROUPS_DO_NOT_DEPEND_ON_EACH_OTHER", BadConsoleUsesManagementRoutes.class),
        bite("ROUTE_GROUPS_ARE_ASSEMBLED_ONLY_BY_THE_SERVER_OR_BOOTSTRAP", BadPlumbingUsesRouteGroup.class),
        bite("BOOTSTRAP_HOLDS_NO_ADAPTER", BadBootstrapImplementsOutPort.class),
        bite("BOOTSTRAP_HOLDS_NO_ADAPTER", BadBootstrapHoldsVerticle.class),
        bite("BOOTSTRAP_HOLDS_NO_ADAPTER", BadBootstrapUsesHttpServerOptions.class),
        bite("ROLE_PACKAGES_EXPOSE_ONLY_ENDPOINTS_FACTORIES_AND_VALUES", BadPublicWebhookSender.class));
  }

  @ParameterizedTest(name = "{0} passes on the compliant hexagon")
  @MethodSource("ruleNames")
  void compliantHexagonPasses(String ruleName) {
    EvaluationResult result = rule(ruleName).evaluate(compliantClasses);

    assertFalse(result.hasViolation(),
        () -> ruleName + " rejects the compliant fixtures:\n" + result.getFailureReport());
  }

  @ParameterizedTest(name = "{0} bites {2}")
  @MethodSource("bites")
  void ruleBites(String ruleName, List<Class<?>> badClasses, String badNames) {
    ArchRule rule = rule(ruleName);
    assertFalse(rule.evaluate(compliantClasses).hasViolation(),
        () -> ruleName + " already fails without the bad fixture, so this bite proves nothing");

    EvaluationResult result = rule.evaluate(importClasses(badClasses));

    assertTrue(result.hasViolation(), () -> ruleName + " accepts " + badNames);
    String report = String.join("\n", result.getFailureReport().getDetails());
    for (Class<?> bad : badClasses) {
      assertTrue(report.contains(bad.getName()),
          () -> ruleName + " fails, but not because of " + bad.getName() + ":\n" + report);
    }
  }

  @Test
  void everyRuleHasABiteTest() {
    Set<String> bitten = bites()
        .map(arguments -> (String) arguments.get()[0])
        .collect(Collectors.toCollection(TreeSet::new));

    assertEquals(new TreeSet<>(ruleFields().keySet()), bitten);
  }

  @Test
  void theRealCheckDoesNotSeeTheFixtures() {
    JavaClasses production = new ClassFileImporter()
        .withImportOption(new ImportOption.DoNotIncludeTests())
        .importPackages(ArchitectureRulesTest.ROOT);

    for (Class<?> fixture : COMPLIANT) {
      assertFalse(production.contain(fixture), () -> fixture.getName() + " leaks into the real check");
    }
    assertFalse(production.contain(ArchitectureRulesBiteTest.class));
  }

  // ---------------------------------------------------------------------------------------------

  private static Arguments bite(String ruleName, Class<?>... badClasses) {
    String names = Arrays.stream(badClasses).map(Class::getSimpleName).collect(Collectors.joining(" + "));
    return Arguments.of(ruleName, List.of(badClasses), names);
  }

  /** The one fixture that is not public (that is its violation), so it is loaded by name. */
  private static Class<?> packagePrivateService() {
    try {
      return Class.forName(RegisterWidgetService.class.getPackageName() + ".PackagePrivateService");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("fixture PackagePrivateService is missing", e);
    }
  }

  private static JavaClasses importClasses(List<Class<?>> badClasses) {
    List<Class<?>> classes = new ArrayList<>(COMPLIANT);
    classes.addAll(badClasses);
    return new ClassFileImporter().importClasses(classes);
  }

  static Stream<String> ruleNames() {
    return ruleFields().keySet().stream();
  }

  private static ArchRule rule(String name) {
    ArchRule rule = ruleFields().get(name);
    if (rule == null) {
      throw new IllegalArgumentException("no @ArchTest rule named " + name);
    }
    return rule;
  }

  /** The {@code @ArchTest} rule fields of {@link ArchitectureRulesTest}, by name. */
  private static Map<String, ArchRule> ruleFields() {
    Map<String, ArchRule> rules = new TreeMap<>();
    for (Field field : ArchitectureRulesTest.class.getDeclaredFields()) {
      if (field.isAnnotationPresent(ArchTest.class)
          && Modifier.isStatic(field.getModifiers())
          && ArchRule.class.isAssignableFrom(field.getType())) {
        try {
          rules.put(field.getName(), (ArchRule) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read rule " + field.getName(), e);
        }
      }
    }
    return rules;
  }
}
