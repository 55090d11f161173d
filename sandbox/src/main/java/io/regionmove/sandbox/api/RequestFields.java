package io.regionmove.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads and checks the fields of a request body; every refusal is a 400 naming the field as {@code
 * object.field}.
 */
public final class RequestFields {

  /** The longest name, reference, email or other short text field. */
  static final int MAX_TEXT = 255;

  static final int MAX_URL = 2048;

  private RequestFields() {}

  static String requiredText(JsonNode node, String object, String field) {
    return requiredText(node, object, field, MAX_TEXT);
  }

  static String requiredText(JsonNode node, String object, String field, int max) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw ApiException.badRequest(
          object + "." + field + " is required and must be a non-empty string.");
    }
    return checked(value.asText(), object, field, max);
  }

  static String optionalText(JsonNode node, String object, String field) {
    return optionalText(node, object, field, MAX_TEXT);
  }

  static String optionalText(JsonNode node, String object, String field, int max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest(object + "." + field + " must be a string.");
    }
    return checked(value.asText(), object, field, max);
  }

  static boolean optionalBoolean(JsonNode node, String object, String field, boolean fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw ApiException.badRequest(object + "." + field + " must be true or false.");
    }
    return value.asBoolean();
  }

  /**
   * A text from the request as an error message may quote it: no control characters, at most 64
   * characters.
   */
  public static String shown(String text) {
    String clean =
        text.codePoints()
            .map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return clean.length() <= 64 ? clean : clean.substring(0, 61) + "...";
  }

  /** Short fields hold no control characters at all; long ones (PEM texts, URLs) no NUL. */
  private static String checked(String text, String object, String field, int max) {
    if (text.length() > max) {
      throw ApiException.badRequest(
          object + "." + field + " is longer than " + max + " characters.");
    }
    boolean control =
        max <= MAX_TEXT ? text.chars().anyMatch(Character::isISOControl) : text.indexOf('\0') >= 0;
    if (control) {
      throw ApiException.badRequest(object + "." + field + " must not contain control characters.");
    }
    return text;
  }
}
