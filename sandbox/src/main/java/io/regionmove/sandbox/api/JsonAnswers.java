package io.regionmove.sandbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.Map;

/** Writes JSON answers, errors as {@code {"error":"<one sentence>"}}. */
public final class JsonAnswers {

  private final ObjectMapper json;

  public JsonAnswers(ObjectMapper json) {
    this.json = json;
  }

  public void send(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write the answer as JSON", e);
    }
  }

  public void error(Context ctx, int status, String message) {
    send(ctx, status, Map.of("error", message));
  }
}
