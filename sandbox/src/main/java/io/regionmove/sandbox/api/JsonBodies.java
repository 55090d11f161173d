package io.regionmove.sandbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads request bodies as JSON objects, refusing more than {@link #MAX_BYTES} whether or not a
 * length is declared.
 */
public final class JsonBodies {

  /** The largest request body the region reads: 1 MiB. */
  public static final int MAX_BYTES = 1 << 20;

  private final ObjectMapper json;

  public JsonBodies(ObjectMapper json) {
    this.json = json;
  }

  public static ApiException tooLarge() {
    return new ApiException(
        413, "The request body is larger than the limit of " + MAX_BYTES + " bytes.");
  }

  /** The body as a JSON object; 400 when it is not one, 413 when it is too large. */
  public JsonNode object(Context ctx) {
    if (ctx.req().getContentLengthLong() > MAX_BYTES) {
      throw tooLarge();
    }
    String text;
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw tooLarge();
      }
      text = new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ApiException.badRequest("The request body could not be read to its end.");
    }
    try {
      JsonNode root = json.readTree(text);
      if (root == null || !root.isObject()) {
        throw ApiException.badRequest("The request body must be a JSON object.");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("The request body is not valid JSON.");
    }
  }

  /**
   * The object under {@code wrapper} in a body of the form {@code {"<wrapper>":{...}}}; else 400.
   */
  public JsonNode wrapped(Context ctx, String wrapper) {
    JsonNode inner = object(ctx).get(wrapper);
    if (inner == null || !inner.isObject()) {
      throw ApiException.badRequest(
          "The request body must be a JSON object of the form {\"" + wrapper + "\":{...}}.");
    }
    return inner;
  }

  /**
   * The non-empty array of objects under {@code wrapper} in a body of the form {@code
   * {"<wrapper>":[...]}}; else 400.
   */
  public JsonNode wrappedList(Context ctx, String wrapper) {
    JsonNode inner = object(ctx).get(wrapper);
    if (inner == null || !inner.isArray() || inner.isEmpty()) {
      throw ApiException.badRequest(
          "The request body must be a JSON object of the form {\""
              + wrapper
              + "\":[...]} with at least one item.");
    }
    for (JsonNode item : inner) {
      if (!item.isObject()) {
        throw ApiException.badRequest("Each item of " + wrapper + " must be a JSON object.");
      }
    }
    return inner;
  }
}
