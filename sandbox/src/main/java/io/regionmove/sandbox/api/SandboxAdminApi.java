package io.regionmove.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.FaultOptions;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The sandbox-only {@code /_sandbox} routes (same bearer token as {@code /v1}; never subject to
 * faults): {@code GET} and {@code PUT /_sandbox/faults} read and replace the faults of the running
 * region.
 */
public final class SandboxAdminApi {

  private static final Set<String> FIELDS =
      Set.of(
          "error_rate",
          "latency_min_ms",
          "latency_max_ms",
          "hang_rate",
          "hang_ms",
          "after_commit",
          "router",
          "seed");

  private final FaultInjector faults;
  private final JsonBodies bodies;
  private final JsonAnswers answers;

  public SandboxAdminApi(FaultInjector faults, JsonBodies bodies, JsonAnswers answers) {
    this.faults = faults;
    this.bodies = bodies;
    this.answers = answers;
  }

  public void register(Javalin app) {
    app.get(
        "/_sandbox/faults",
        ctx -> answers.send(ctx, 200, Map.of("faults", view(faults.options()))));
    app.put("/_sandbox/faults", this::setFaults);
  }

  /**
   * Replaces the faults as a whole: an omitted field takes its value of {@link FaultOptions#NONE}.
   */
  private void setFaults(Context ctx) {
    JsonNode body = bodies.wrapped(ctx, "faults");
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw ApiException.badRequest(
            "faults."
                + RequestFields.shown(name)
                + " is not a fault setting; use "
                + String.join(", ", FIELDS.stream().sorted().toList())
                + ".");
      }
    }
    FaultOptions none = FaultOptions.NONE;
    long min = wholeNumber(body, "latency_min_ms", 0);
    FaultOptions options;
    try {
      options =
          new FaultOptions(
              rate(body, "error_rate"),
              Duration.ofMillis(min),
              Duration.ofMillis(wholeNumber(body, "latency_max_ms", min)),
              rate(body, "hang_rate"),
              Duration.ofMillis(wholeNumber(body, "hang_ms", none.hangTime().toMillis())),
              bool(body, "after_commit"),
              bool(body, "router"),
              body.hasNonNull("seed") ? wholeNumber(body, "seed", 0) : null);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    faults.set(options);
    answers.send(ctx, 200, Map.of("faults", view(options)));
  }

  static Map<String, Object> view(FaultOptions options) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("error_rate", options.errorRate());
    view.put("latency_min_ms", options.minLatency().toMillis());
    view.put("latency_max_ms", options.maxLatency().toMillis());
    view.put("hang_rate", options.hangRate());
    view.put("hang_ms", options.hangTime().toMillis());
    view.put("after_commit", options.afterCommit());
    view.put("router", options.router());
    view.put("seed", options.seed());
    return view;
  }

  private static double rate(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
      throw ApiException.badRequest("faults." + field + " must be a number from 0 to 1.");
    }
    return value.asDouble();
  }

  private static long wholeNumber(JsonNode body, String field, long fallback) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
      throw ApiException.badRequest("faults." + field + " must be a whole number of at least 0.");
    }
    return value.asLong();
  }

  private static boolean bool(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw ApiException.badRequest("faults." + field + " must be true or false.");
    }
    return value.asBoolean();
  }
}
