package io.regionmove.sandbox.api;

import io.javalin.http.Context;
import io.regionmove.sandbox.state.Redirect;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * The region's HTTP router: a request whose Host is {@code <app>.<region>.localhost[:port]} reaches
 * the app (200 page while running, 503 while stopped, 308 while redirected, 404 unknown); any other
 * Host is for the API.
 */
public final class AppRouter {

  private final String region;
  private final RegionApi api;
  private final Clock clock;

  public AppRouter(String region, RegionApi api, Clock clock) {
    this.region = region;
    this.api = api;
    this.clock = clock;
  }

  /** The app a Host header names for this region, if it names one. */
  public Optional<String> appOf(String hostHeader) {
    if (hostHeader == null) {
      return Optional.empty();
    }
    String host = hostHeader.trim().toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon >= 0 && host.indexOf(']') < colon) {
      host = host.substring(0, colon);
    }
    String suffix = "." + region + ".localhost";
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (!host.endsWith(suffix)) {
      return Optional.empty();
    }
    String app = host.substring(0, host.length() - suffix.length());
    return app.isEmpty() || app.contains(".") ? Optional.empty() : Optional.of(app);
  }

  public void handle(Context ctx, String app) {
    Optional<RouterView> view = api.routerView(app);
    if (view.isEmpty()) {
      page(ctx, 404, "No such app", "There is no app named " + app + " in region " + region + ".");
      return;
    }
    Redirect redirect = view.get().redirect();
    if (redirect != null && redirect.activeAt(clock.instant())) {
      ctx.status(308).header("Location", redirect.to());
      page(ctx, 308, "Moved", "The app " + app + " has moved to " + redirect.to() + ".");
      return;
    }
    if (!view.get().running()) {
      page(ctx, 503, "App stopped", "The app " + app + " in region " + region + " is stopped.");
      return;
    }
    page(ctx, 200, app, "This is the app " + app + " running in region " + region + ".");
  }

  private static void page(Context ctx, int status, String title, String text) {
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .result(
            "<!DOCTYPE html>\n<html><head><title>"
                + escape(title)
                + "</title></head><body><h1>"
                + escape(title)
                + "</h1><p>"
                + escape(text)
                + "</p></body></html>\n");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
