package io.regionmove.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.regionmove.activities.NotificationActivities;
import io.regionmove.activities.NotifyInput;
import io.regionmove.activities.NotifyResult;
import io.regionmove.model.FailureType;
import io.regionmove.model.StatusChange;
import io.regionmove.regionapi.Json;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a migration's status changes to its webhooks (SPEC §10 {@code --notify}): a JSON POST
 * signed with {@code X-Regionmove-Signature: sha256=<hex HMAC-SHA256 of the body>} under {@value
 * #SECRET_ENV}, which lives only in the worker's environment. Deliveries are only ever signed: a
 * worker without the secret fails each attempt (retryably, so the changes are sent once the worker
 * has it, within the day Temporal retries them).
 *
 * <p>Failure messages name the webhook by scheme, host and path only: a URL's query may hold a
 * token.
 */
public final class WebhookNotifications implements NotificationActivities {

  public static final String SECRET_ENV = "REGIONMOVE_NOTIFY_SECRET";
  public static final String SIGNATURE_HEADER = "X-Regionmove-Signature";

  private static final Logger log = LoggerFactory.getLogger(WebhookNotifications.class);
  private static final String HMAC = "HmacSHA256";

  private final byte[] secret;
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param secret the signing secret; null or blank when the worker has none (every delivery then
   *     fails until it has one)
   */
  public WebhookNotifications(String secret, Duration timeout) {
    this.secret =
        secret == null || secret.isBlank() ? null : secret.getBytes(StandardCharsets.UTF_8);
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Signs with {@value #SECRET_ENV}; a delivery waits at most 20 s for its answer. */
  public static WebhookNotifications fromEnvironment() {
    return new WebhookNotifications(System.getenv(SECRET_ENV), Duration.ofSeconds(20));
  }

  /** Whether this worker can sign, and so deliver. */
  public boolean hasSecret() {
    return secret != null;
  }

  @Override
  public NotifyResult notifyStatusChange(NotifyInput input) {
    URI uri = webhook(input);
    String where = where(uri);
    if (secret == null) {
      throw new IllegalStateException(
          SECRET_ENV
              + " is not set on this worker, and webhooks are only sent signed; set it and restart"
              + " the worker: the change to "
              + where
              + " is retried for 24 h");
    }
    byte[] body = body(input.change());
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "regionmove")
            .header(SIGNATURE_HEADER, signature(secret, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<Void> answer;
    try {
      answer = http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new IllegalStateException(where + " did not answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while notifying " + where, e);
    }
    int status = answer.statusCode();
    if (status >= 200 && status < 300) {
      log.info(
          "Migration {} {} delivered to {} ({})",
          input.change().migrationId(),
          input.change().status(),
          where,
          status);
      return new NotifyResult(status);
    }
    if (status == 408 || status == 429 || status >= 500) {
      throw new IllegalStateException(where + " answered " + status + "; the delivery is retried");
    }
    throw ApplicationFailure.newNonRetryableFailure(
        where
            + " answered "
            + status
            + (status < 400 ? " (redirects are not followed: give the final URL)" : "")
            + "; the status change was not delivered, and is not retried",
        FailureType.NOTIFICATION_REJECTED.name());
  }

  /** The JSON body of a change: exactly the bytes that are signed and sent. */
  public static byte[] body(StatusChange change) {
    try {
      return Json.mapper().writeValueAsBytes(change);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a status change as JSON: " + e, e);
    }
  }

  /** {@code sha256=<hex HMAC-SHA256 of body under secret>}, as the header carries it. */
  public static String signature(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(secret, HMAC));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("cannot sign with " + HMAC + ": " + e, e);
    }
  }

  private static URI webhook(NotifyInput input) {
    if (input == null || input.url() == null || input.change() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "a notification needs a webhook URL and a status change",
          FailureType.INVALID_REQUEST.name());
    }
    try {
      URI uri = URI.create(input.url());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below, without the URL's query
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "a webhook URL must be http:// or https:// with a host",
        FailureType.INVALID_REQUEST.name());
  }

  /** scheme://host[:port]/path: what a message may show of a webhook URL. */
  static String where(URI uri) {
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
