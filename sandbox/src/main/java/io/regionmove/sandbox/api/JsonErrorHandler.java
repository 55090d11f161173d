package io.regionmove.sandbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.regionmove.regionapi.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Answers the requests Jetty refuses before Javalin sees them (a malformed URI, oversized headers,
 * an ambiguous path) with {@code {"error":...}} like every other error of the region, never an HTML
 * page.
 */
public final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType("application/json");
    response.getOutputStream().write(body(code, message));
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason));
  }

  private static byte[] body(int status, String reason) {
    String what = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
    String message =
        "The HTTP server refused the request (" + status + " " + RequestFields.shown(what) + ").";
    try {
      return Json.mapper().writeValueAsBytes(Map.of("error", message));
    } catch (JsonProcessingException e) {
      return "{\"error\":\"The HTTP server refused the request.\"}"
          .getBytes(StandardCharsets.UTF_8);
    }
  }
}
