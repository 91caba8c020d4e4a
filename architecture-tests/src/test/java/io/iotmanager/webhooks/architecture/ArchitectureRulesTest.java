package io.iotmanager.webhooks.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.PackageMatchers;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.GeneralCodingRules;

/**
 * The architecture rules of {@code docs/ARCHITECTURE.md} ("The ArchUnit rules and why"),
 * checked against the production classes of every module.
 *
 * <p>Test classes are not imported ({@link ImportOption.DoNotIncludeTests}), so the deliberately bad
 * fixtures under this module's test sources are only seen by {@link ArchitectureRulesBiteTest}, which
 * reuses the package-private rule fields below to prove that every rule bites.
 *
 * <p>Rule numbers follow ARCHITECTURE.md; a numbered rule with two clauses is split into two fields so
 * that a failure names the clause that broke and each clause has its own bite test.
 */
@AnalyzeClasses(packages = "io.iotmanager.webhooks", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureRulesTest {

  static final String ROOT = "io.iotmanager.webhooks";
  static final String DOMAIN = ROOT + ".domain..";
  static final String APPLICATION = ROOT + ".application..";
  /** Exactly the in-port package, without sub-packages. */
  static final String PORT_IN_PACKAGE = ROOT + ".application.port.in";
  static final String PORT_IN = PORT_IN_PACKAGE + "..";
  static final String PORT_OUT = ROOT + ".application.port.out..";
  static final String HTTP_ADAPTER = ROOT + ".adapter.http..";
  static final String MONGO_ADAPTER = ROOT + ".adapter.mongo..";
  static final String BOOTSTRAP = ROOT + ".bootstrap..";

  // The role packages of adapters-http (see docs/ARCHITECTURE.md).
  static final String HTTP = ROOT + ".adapter.http.";
  /** Shared plumbing of the HTTP server: the Endpoint interface, JSON, failures, request ids. */
  static final String HTTP_WEB = HTTP + "web..";
  /** The server that serves the route groups. */
  static final String HTTP_SERVER = HTTP + "server..";
  /** Inbound adapters: they are called from outside and call use cases. */
  static final String[] HTTP_INBOUND = {
      HTTP + "management..", HTTP + "intake..", HTTP + "console..", HTTP + "auth..", HTTP + "metrics..",
      HTTP + "docs.."};
  /** The route groups among them: each one an {@code Endpoint} the server mounts. */
  static final String[] HTTP_ROUTE_GROUPS = {
      HTTP + "management..", HTTP + "intake..", HTTP + "console..", HTTP + "metrics..", HTTP + "docs.."};
  /** Outbound adapters and the engine's driver: they serve the application's out-ports and timers. */
  static final String[] HTTP_OUTBOUND = {HTTP + "webhook..", HTTP + "delivery.."};
  /** Every role package of adapters-http (everything but the shared web plumbing). */
  static final String[] HTTP_ROLES = {
      HTTP + "server..", HTTP + "management..", HTTP + "intake..", HTTP + "console..", HTTP + "auth..",
      HTTP + "metrics..", HTTP + "docs..", HTTP + "webhook..", HTTP + "delivery.."};

  // ---------------------------------------------------------------------------------------------
  // 1. Layers
  // ---------------------------------------------------------------------------------------------

  @ArchTest
  static final ArchRule LAYERS =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("Domain").definedBy(DOMAIN)
          .layer("Application").definedBy(APPLICATION)
          .layer("HttpAdapter").definedBy(HTTP_ADAPTER)
          .layer("MongoAdapter").definedBy(MONGO_ADAPTER)
          .layer("Bootstrap").definedBy(BOOTSTRAP)
          .whereLayer("Bootstrap").mayNotBeAccessedByAnyLayer()
          .whereLayer("HttpAdapter").mayOnlyBeAccessedByLayers("Bootstrap")
          .whereLayer("MongoAdapter").mayOnlyBeAccessedByLayers("Bootstrap")
          .whereLayer("Application").mayOnlyBeAccessedByLayers("HttpAdapter", "MongoAdapter", "Bootstrap")
          .whereLayer("Domain")
          .mayOnlyBeAccessedByLayers("Application", "HttpAdapter", "MongoAdapter", "Bootstrap")
          .because("the hexagon points inwards: bootstrap wires everything and is used by nobody, "
              + "adapters are only built by bootstrap, the application is only driven by adapters "
              + "and bootstrap, and the domain is the innermost ring");

  // ---------------------------------------------------------------------------------------------
  // 2. Domain: JDK only, immutable
  // ---------------------------------------------------------------------------------------------

  @ArchTest
  static final ArchRule DOMAIN_DEPENDS_ONLY_ON_JDK =
      classes().that().resideInAPackage(DOMAIN)
          .should().onlyDependOnClassesThat().resideInAnyPackage(DOMAIN, "java..", "javax.crypto..")
          .because("the domain is plain JDK code (javax.crypto for the HMAC signature policy), "
              + "testable without Vert.x, MongoDB or Jackson");

  @ArchTest
  static final ArchRule DOMAIN_FIELDS_ARE_FINAL =
      fields().that().areDeclaredInClassesThat().resideInAPackage(DOMAIN)
          .should().beFinal()
          .because("domain values are immutable records and enums that can be shared between "
              + "event-loop threads without copying or locking");

  // ---------------------------------------------------------------------------------------------
  // 3. Application: domain, JDK, slf4j and the Vert.x async kernel only
  // ---------------------------------------------------------------------------------------------

  /**
   * The Vert.x types a use case may see: the async kernel, nothing that needs a running Vertx.
   *
   * <p>{@code CompositeFuture} is included because {@code Future}'s own combinators force it:
   * {@code Future.all/any/join} return it, so chaining on their result ({@code .transform},
   * {@code .otherwiseEmpty}, ...) is a call on {@code CompositeFuture}. {@code Completable} and
   * {@code Expectation} are deliberately left out: nothing forces a use case to name them.
   */
  static final DescribedPredicate<JavaClass> VERTX_ASYNC_KERNEL =
      type(io.vertx.core.Future.class)
          .or(type(io.vertx.core.Promise.class))
          .or(type(io.vertx.core.AsyncResult.class))
          .or(type(io.vertx.core.Handler.class))
          .or(type(io.vertx.core.CompositeFuture.class))
          .as("the Vert.x async kernel (Future, Promise, AsyncResult, Handler, and CompositeFuture "
              + "as returned by Future.all/any/join)");

  @ArchTest
  static final ArchRule APPLICATION_DEPENDS_ONLY_ON_DOMAIN_JDK_SLF4J_AND_ASYNC_KERNEL =
      classes().that().resideInAPackage(APPLICATION)
          .should().onlyDependOnClassesThat(
              resideInAnyPackage(APPLICATION, DOMAIN, "java..", "org.slf4j..").or(VERTX_ASYNC_KERNEL))
          .because("use cases are technology-free: they speak in futures of domain records and reach "
              + "the outside world only through their out-ports");

  // ---------------------------------------------------------------------------------------------
  // 4. Technologies confined to their adapter
  // ---------------------------------------------------------------------------------------------

  @ArchTest
  static final ArchRule JACKSON_ONLY_IN_HTTP_ADAPTER =
      noClasses().that().resideOutsideOfPackage(HTTP_ADAPTER)
          .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
          .because("JSON (de)serialization belongs to adapters-http, with one configured ObjectMapper; "
              + "a webhook body is serialized once there and those exact bytes are signed and sent");

  @ArchTest
  static final ArchRule HTTP_STACK_ONLY_IN_HTTP_ADAPTER =
      noClasses().that().resideOutsideOfPackage(HTTP_ADAPTER)
          .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.vertx.core.http..")
          .because("HTTP (vertx-web, web-client, io.vertx.core.http) is the HTTP adapter's business; "
              + "bootstrap hands it plain config records and gets back a verticle from its factory");

  @ArchTest
  static final ArchRule MONGO_STACK_ONLY_IN_MONGO_ADAPTER =
      noClasses().that().resideOutsideOfPackage(MONGO_ADAPTER)
          .should().dependOnClassesThat()
          .resideInAnyPackage("io.vertx.ext.mongo..", "com.mongodb..", "org.bson..", "de.bwaldvogel..")
          .because("MongoDB (client, driver, BSON and the embedded server) stays inside adapters-mongo, "
              + "which translates driver errors into application exceptions");

  // ---------------------------------------------------------------------------------------------
  // 5. Independence of adapters and of ports
  // ---------------------------------------------------------------------------------------------

  @ArchTest
  static final ArchRule ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER =
      slices().matching(ROOT + ".adapter.(*)..").namingSlices("adapter $1")
          .should().notDependOnEachOther()
          .because("adapters meet only through the application's ports, wired by bootstrap");

  @ArchTest
  static final ArchRule PORTS_DO_NOT_DEPEND_ON_EACH_OTHER =
      CompositeArchRule
          .of(noClasses().that().resideInAPackage(PORT_IN)
              .should().dependOnClassesThat().resideInAPackage(PORT_OUT))
          .and(noClasses().that().resideInAPackage(PORT_OUT)
              .should().dependOnClassesThat().resideInAPackage(PORT_IN))
          .because("in-ports describe what the application offers and out-ports what it needs; "
              + "shared vocabulary lives in the domain (or the application root), not in the other side");

  // ---------------------------------------------------------------------------------------------
  // 6. Naming
  // ---------------------------------------------------------------------------------------------

  @ArchTest
  static final ArchRule USE_CASES_ARE_INTERFACES_IN_PORT_IN =
      classes().that().haveSimpleNameEndingWith("UseCase")
          .should().beInterfaces()
          .andShould().resideInAPackage(PORT_IN_PACKAGE)
          .because("a <Verb><Noun>UseCase is an in-port: one interface per use case, all of them "
              + "exactly in application.port.in");

  @ArchTest
  static final ArchRule VERTICLES_EXTEND_VERTICLE_BASE =
      classes().that().haveSimpleNameEndingWith("Verticle")
          .should().beAssignableTo(io.vertx.core.VerticleBase.class)
          .because("Vert.x 5 verticles extend VerticleBase and return the Future chain from start(), "
              + "without hand-made Promise forwarding (AbstractVerticle)")
          // A deployment without any verticle class is conceivable (verticles may be deployed from
          // factories or lambdas), so an empty match is not an error here.
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule SERVICES_ARE_PUBLIC_AND_FINAL =
      classes().that().resideInAPackage(APPLICATION)
          .and().haveSimpleNameEndingWith("Service")
          .and().areNotInterfaces()
          .should().bePublic()
          .andShould().haveModifier(JavaModifier.FINAL)
          .because("a <Verb><Noun>Service implements its use case, is built by bootstrap through its "
              + "constructor and is not meant to be extended");

  // ---------------------------------------------------------------------------------------------
  // 7. General hygiene
  // ---------------------------------------------------------------------------------------------

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLES =
      slices().matching(ROOT + ".(**)")
          .should().beFreeOfCycles()
          .because("package cycles make the modules impossible to reason about (and to split)");

  @ArchTest
  static final ArchRule NO_STANDARD_STREAMS =
      GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
          .because("all output goes through slf4j/logback, including usage errors at start-up");

  @ArchTest
  static final ArchRule NO_JAVA_UTIL_LOGGING =
      GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING
          .because("the service logs through slf4j only");

  @ArchTest
  static final ArchRule NO_GENERIC_EXCEPTIONS =
      GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS
          .because("failures are typed: the sealed ApplicationException hierarchy (mapped to HTTP "
              + "codes in one place) or a specific JDK exception");

  // ---------------------------------------------------------------------------------------------
  // 8. Never block the event loop
  // ---------------------------------------------------------------------------------------------

  /**
   * Calls (and method references) that park the calling thread: {@code Thread.sleep/join},
   * {@code TimeUnit.sleep}, every overload of {@code io.vertx.core.Future.await},
   * {@code java.util.concurrent.Future.get} (which covers {@code CompletableFuture.get}) and
   * {@code CompletableFuture.join}.
   */
  static final DescribedPredicate<JavaAccess<?>> BLOCKING_CALL =
      DescribedPredicate.describe(
          "a blocking method (Thread.sleep/join, TimeUnit.sleep, io.vertx.core.Future.await, "
              + "java.util.concurrent.Future.get, CompletableFuture.join)",
          ArchitectureRulesTest::isBlocking);

  private static boolean isBlocking(JavaAccess<?> access) {
    AccessTarget target = access.getTarget();
    if (!(target instanceof AccessTarget.CodeUnitAccessTarget)) {
      return false;
    }
    JavaClass owner = target.getOwner();
    switch (target.getName()) {
      case "sleep":
        return owner.isAssignableTo(Thread.class)
            || owner.isAssignableTo(java.util.concurrent.TimeUnit.class);
      case "join":
        return owner.isAssignableTo(Thread.class)
            || owner.isAssignableTo(java.util.concurrent.CompletableFuture.class);
      case "await":
        return owner.isAssignableTo("io.vertx.core.Future");
      case "get":
        return owner.isAssignableTo(java.util.concurrent.Future.class);
      default:
        return false;
    }
  }

  @ArchTest
  static final ArchRule NO_BLOCKING_OUTSIDE_BOOTSTRAP =
      noClasses().that().resideOutsideOfPackage(BOOTSTRAP)
          .should().accessTargetWhere(BLOCKING_CALL)
          .because("everything outside bootstrap runs on an event loop; only main() may wait for "
              + "start-up, everything else composes futures (or uses executeBlocking)");

  // ---------------------------------------------------------------------------------------------
  // 9. Roles inside adapters-http, and a bootstrap that only wires
  // ---------------------------------------------------------------------------------------------

  @ArchTest
  static final ArchRule INBOUND_ADAPTERS_DO_NOT_DEPEND_ON_OUTBOUND_ADAPTERS =
      noClasses().that().resideInAnyPackage(HTTP_INBOUND)
          .should().dependOnClassesThat().resideInAnyPackage(HTTP_OUTBOUND)
          .because("what the API receives reaches the webhook client only through the application: intake "
              + "records events and hands them to the DeliveryQueue port, redelivery goes through its use "
              + "case; a route that called the sender or the delivery verticle would bypass the store, the "
              + "leases and the limits");

  /** Puts each class of a route group package into the slice of its group (management, intake, ...). */
  static final SliceAssignment ROUTE_GROUP_SLICES = new SliceAssignment() {
    private final PackageMatchers routeGroups = PackageMatchers.of(HTTP_ROUTE_GROUPS);

    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String pkg = javaClass.getPackageName();
      if (!routeGroups.test(pkg)) {
        return SliceIdentifier.ignore();
      }
      String rest = pkg.substring(HTTP.length());
      int dot = rest.indexOf('.');
      return SliceIdentifier.of("route group " + (dot < 0 ? rest : rest.substring(0, dot)));
    }

    @Override
    public String getDescription() {
      return "the route groups of adapters-http (" + String.join(", ", HTTP_ROUTE_GROUPS) + ")";
    }
  };

  @ArchTest
  static final ArchRule ROUTE_GROUPS_DO_NOT_DEPEND_ON_EACH_OTHER =
      slices().assignedFrom(ROUTE_GROUP_SLICES)
          .should().notDependOnEachOther()
          .because("a route group is changed and tested on its own against fakes of the use cases it "
              + "calls; what two groups share lives in adapter.http.web (or auth), never in the other group");

  @ArchTest
  static final ArchRule ROUTE_GROUPS_ARE_ASSEMBLED_ONLY_BY_THE_SERVER_OR_BOOTSTRAP =
      noClasses().that().resideOutsideOfPackages(concat(HTTP_ROUTE_GROUPS, HTTP_SERVER, BOOTSTRAP))
          .should().dependOnClassesThat().resideInAnyPackage(HTTP_ROUTE_GROUPS)
          .because("route groups are leaves: bootstrap builds each with the use cases it calls and the "
              + "server mounts them through the Endpoint interface; shared plumbing, the outbound client "
              + "or the engine's driver that reached into a route group would tie the roles together again");

  @ArchTest
  static final ArchRule BOOTSTRAP_HOLDS_NO_ADAPTER =
      noClasses().that().resideInAPackage(BOOTSTRAP)
          .should().implement(JavaClass.Predicates.resideInAPackage(PORT_OUT))
          .orShould().beAssignableTo(io.vertx.core.VerticleBase.class)
          .orShould().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.vertx.core.http..")
          .because("bootstrap holds configuration, wiring and main only: an out-port implementation, a "
              + "verticle or HTTP code there is an adapter in the wrong module, untested by its adapter's "
              + "tests and invisible to someone looking for the adapters");

  /**
   * Public types a role package may expose: route groups ({@code Endpoint}), records of settings or values,
   * and types without a public constructor (the package's factory, and what it returns).
   */
  static final DescribedPredicate<JavaClass> ENDPOINT_FACTORY_OR_VALUE = DescribedPredicate.describe(
      "an Endpoint, a record, or a type without public constructors (a factory or what it returns)",
      javaClass -> javaClass.isAssignableTo("io.iotmanager.webhooks.adapter.http.web.Endpoint")
          || javaClass.isAssignableTo(Record.class)
          || javaClass.getConstructors().stream().noneMatch(c -> c.getModifiers().contains(JavaModifier.PUBLIC)));

  @ArchTest
  static final ArchRule ROLE_PACKAGES_EXPOSE_ONLY_ENDPOINTS_FACTORIES_AND_VALUES =
      classes().that().resideInAnyPackage(HTTP_ROLES)
          .and().arePublic()
          .and().areNotInterfaces()
          .should(com.tngtech.archunit.lang.conditions.ArchConditions.be(ENDPOINT_FACTORY_OR_VALUE))
          .because("inside a role package the sender, resolver, verticles, DTOs and verifiers are package "
              + "private: bootstrap reaches them only through the package's factory or endpoint, so a role "
              + "can be reworked without touching the wiring")
          .allowEmptyShould(true);

  private static String[] concat(String[] packages, String... more) {
    String[] all = java.util.Arrays.copyOf(packages, packages.length + more.length);
    System.arraycopy(more, 0, all, packages.length, more.length);
    return all;
  }
}
