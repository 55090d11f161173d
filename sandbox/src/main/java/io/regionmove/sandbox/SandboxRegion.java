package io.regionmove.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.regionmove.regionapi.Json;
import io.regionmove.sandbox.api.ApiException;
import io.regionmove.sandbox.api.AppRouter;
import io.regionmove.sandbox.api.FaultInjector;
import io.regionmove.sandbox.api.JsonAnswers;
import io.regionmove.sandbox.api.JsonBodies;
import io.regionmove.sandbox.api.JsonErrorHandler;
import io.regionmove.sandbox.api.RegionApi;
import io.regionmove.sandbox.api.RequestFields;
import io.regionmove.sandbox.api.SandboxAdminApi;
import io.regionmove.sandbox.state.RegionState;
import io.regionmove.sandbox.state.StateFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox region: the Region API under {@code /v1} (bearer token) and the app router, on one
 * port, with its state in {@code <stateDir>/<region>.json}; the sandbox-only {@code /_sandbox}
 * routes (same token) change its {@link FaultOptions} while it runs.
 */
public final class SandboxRegion implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SandboxRegion.class);

  private final SandboxOptions options;
  private final String token;
  private final Javalin server;
  private final JsonAnswers answers;
  private final FaultInjector faults;

  private SandboxRegion(SandboxOptions options, String token, Javalin server, JsonAnswers answers) {
    this.options = options;
    this.token = token;
    this.server = server;
    this.answers = answers;
    this.faults = new FaultInjector(options.faults(), answers);
  }

  public static SandboxRegion start(SandboxOptions options) {
    StateFile file = new StateFile(options.stateDir(), options.region());
    RegionState state = file.load(options.region());
    String token = options.token();
    if (token == null || token.isBlank()) {
      if (state.token == null) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        state.token = HexFormat.of().formatHex(bytes);
        file.save(state);
      }
      token = state.token;
    }
    ObjectMapper json = Json.mapper();
    Clock clock = Clock.systemUTC();
    Javalin server =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.http.maxRequestSize = JsonBodies.MAX_BYTES;
              config.jetty.modifyServer(jetty -> jetty.setErrorHandler(new JsonErrorHandler()));
              config.jetty.modifyServletContextHandler(
                  context -> context.setErrorHandler(new JsonErrorHandler()));
            });
    JsonAnswers answers = new JsonAnswers(json);
    SandboxRegion region = new SandboxRegion(options, token, server, answers);
    RegionApi api =
        new RegionApi(
            options.region(),
            state,
            file,
            options.providers(),
            options.servers().backends(),
            options.postgres(),
            server::port,
            json,
            clock);
    region.routes(
        api,
        new AppRouter(options.region(), api, clock),
        new SandboxAdminApi(region.faults, new JsonBodies(json), answers));
    server.start(options.host(), options.port());
    log.info(
        "Sandbox region {} listening on {} (state {})",
        options.region(),
        region.apiUrl(),
        file.path());
    return region;
  }

  private void routes(RegionApi api, AppRouter router, SandboxAdminApi admin) {
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    server.before(
        ctx -> {
          Optional<String> app = router.appOf(ctx.header("Host"));
          if (app.isPresent()) {
            if (!faults.before(ctx, true)) {
              router.handle(ctx, app.get());
              faults.after(ctx);
            }
            ctx.skipRemainingHandlers();
            return;
          }
          boolean v1 = ctx.path().startsWith("/v1/");
          if (!v1 && !ctx.path().startsWith("/_sandbox/")) {
            return;
          }
          String authorization = ctx.header("Authorization");
          if (authorization == null
              || !MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(
                401,
                authorization == null
                    ? "A bearer token is required: send the header 'Authorization: Bearer <token>'."
                    : "The bearer token is not valid for region " + options.region() + ".");
          }
          if (ctx.req().getContentLengthLong() > JsonBodies.MAX_BYTES) {
            throw JsonBodies.tooLarge();
          }
          if (v1 && faults.before(ctx, false)) {
            ctx.skipRemainingHandlers();
          }
        });
    server.after(faults::after);
    api.register(server);
    admin.register(server);
    server.exception(
        ApiException.class,
        (e, ctx) -> {
          if (e.status() >= 500) {
            log.error("{} {} failed: {}", ctx.method(), ctx.path(), e.getMessage(), e.getCause());
          }
          error(ctx, e.status(), e.getMessage());
        });
    server.exception(
        HttpResponseException.class,
        (e, ctx) ->
            error(
                ctx,
                e.getStatus(),
                e.getStatus() == 404
                    ? "No such endpoint: "
                        + ctx.method()
                        + " "
                        + RequestFields.shown(ctx.path())
                        + "."
                    : e.getStatus() == 405
                        ? "The method "
                            + ctx.method()
                            + " is not allowed on "
                            + RequestFields.shown(ctx.path())
                            + "."
                        : e.getStatus() == 413
                            ? JsonBodies.tooLarge().getMessage()
                            : e.getMessage()));
    server.exception(
        Exception.class,
        (e, ctx) -> {
          log.error("{} {} failed", ctx.method(), ctx.path(), e);
          error(ctx, 500, "The sandbox region failed to handle this request; see its log.");
        });
  }

  private void error(Context ctx, int status, String message) {
    ctx.removeHeader("Location");
    answers.error(ctx, status, message);
  }

  public String name() {
    return options.region();
  }

  public int port() {
    return server.port();
  }

  /** {@code http://127.0.0.1:<port>} (or the configured host when it is not a wildcard address). */
  public String apiUrl() {
    return "http://" + urlHost() + ":" + port();
  }

  /** {@code http://<app>.<region>.localhost:<port>/}. */
  public String routerUrl(String app) {
    return "http://" + app + "." + options.region() + ".localhost:" + port() + "/";
  }

  public String token() {
    return token;
  }

  public SandboxOptions options() {
    return options;
  }

  /**
   * The faults injected now: those of the options until {@link #setFaults} or {@code PUT
   * /_sandbox/faults}.
   */
  public FaultOptions faults() {
    return faults.options();
  }

  /** Replaces the faults from the next request on; {@link FaultOptions#NONE} turns them off. */
  public void setFaults(FaultOptions newFaults) {
    faults.set(newFaults);
  }

  @Override
  public void close() {
    faults.close();
    server.stop();
  }

  private String urlHost() {
    String host = options.host();
    return host.isBlank() || host.equals("0.0.0.0") || host.equals("::")
        ? SandboxOptions.DEFAULT_HOST
        : host;
  }
}
